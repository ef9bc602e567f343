import { DateTime } from 'luxon';
import { publicHolidayName } from './public-holidays';
import { schoolHolidayName, type SchoolCalendar } from './school-holidays';

/** A tenant's calendars: its public holidays' region and its school calendar, if any. */
export interface TenantCalendars {
  holidayRegion: string;
  schoolCalendar: SchoolCalendar | null;
}

/** Which calendars close a service (canteens follow school days; leisure centres close on public holidays). */
export interface ServiceCalendar {
  closedOnPublicHolidays: boolean;
  closedOnSchoolHolidays: boolean;
}

export interface Closure {
  kind: 'PUBLIC_HOLIDAY' | 'SCHOOL_HOLIDAY';
  /** The holiday's name, e.g. "Noël", "Vacances d'hiver". */
  name: string;
}

/** Why a service is closed on a date (a public holiday first), or null when it is open. */
export function closureOn(date: string, tenant: TenantCalendars, service: ServiceCalendar): Closure | null {
  if (service.closedOnPublicHolidays) {
    const name = publicHolidayName(date, tenant.holidayRegion);
    if (name) return { kind: 'PUBLIC_HOLIDAY', name };
  }
  if (service.closedOnSchoolHolidays) {
    const name = schoolHolidayName(date, tenant.schoolCalendar);
    if (name) return { kind: 'SCHOOL_HOLIDAY', name };
  }
  return null;
}

/** The dates from `from` to `to` (inclusive) on the given ISO weekdays (1 = Monday) a service is open. */
export function openDays(
  from: string,
  to: string,
  weekdays: readonly number[],
  tenant: TenantCalendars,
  service: ServiceCalendar,
): string[] {
  const days: string[] = [];
  for (
    let day = DateTime.fromISO(from, { zone: 'UTC' });
    day.toISODate()! <= to;
    day = day.plus({ days: 1 })
  ) {
    const date = day.toISODate()!;
    if (weekdays.includes(day.weekday) && !closureOn(date, tenant, service)) days.push(date);
  }
  return days;
}
