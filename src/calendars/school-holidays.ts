import { addDays } from '../shared/dates';
import data from './school-holidays.fr.json';

/**
 * School holidays (vacances scolaires), from a committed data file citing its official source
 * (`school-holidays.fr.json`: the ministry's calendars, by zone). A tenant names its calendar:
 * `FR-A`, `FR-B` or `FR-C` for the French towns (by their académie: Montpellier is zone C, Nantes
 * zone B); none for tenants without school services (Québec's childcare cooperative).
 */
export const SCHOOL_CALENDARS = ['FR-A', 'FR-B', 'FR-C'] as const;
export type SchoolCalendar = (typeof SCHOOL_CALENDARS)[number];

/** The last day the data file knows: later dates are assumed school days (and a warning logged). */
export const SCHOOL_CALENDAR_COVERS_UNTIL: string = data.coversUntil;

/** The school holiday on a date in a calendar (its name), or null. */
export function schoolHolidayName(date: string, calendar: SchoolCalendar | null | undefined): string | null {
  if (!calendar) return null;
  const zone = calendar.slice(3);
  const holiday = data.holidays.find((h) => h.zones.includes(zone) && h.from <= date && date <= h.to);
  return holiday?.name ?? null;
}

/** Every day of school holiday in a calendar, with the holiday's name. */
export function* schoolHolidays(calendar: SchoolCalendar): Generator<{ date: string; name: string }> {
  const zone = calendar.slice(3);
  for (const holiday of data.holidays.filter((h) => h.zones.includes(zone))) {
    for (let date = holiday.from; date <= holiday.to; date = addDays(date, 1)) {
      yield { date, name: holiday.name };
    }
  }
}

export function isSchoolCalendar(value: unknown): value is SchoolCalendar {
  return (SCHOOL_CALENDARS as readonly unknown[]).includes(value);
}
