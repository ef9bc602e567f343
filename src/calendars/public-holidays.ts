import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

/**
 * Public holidays by tenant region (`FR`, `CA-QC`…), from the maintained `date-holidays` data,
 * as tenant-local `YYYY-MM-DD` dates with their French names.
 */
const cache = new Map<string, Map<string, string>>();

/** The regions a tenant may name: metropolitan France, Québec. */
export const HOLIDAY_REGIONS = ['FR', 'CA-QC'] as const;

/** A region's public holidays in a year: date → name (the first, when two fall on one day). */
export function publicHolidays(region: string, year: number): Map<string, string> {
  const cacheKey = `${region}:${year}`;
  let days = cache.get(cacheKey);
  if (!days) {
    const [country, state] = region.split('-');
    const calendar = state
      ? new Holidays(country, state, { languages: ['fr'] })
      : new Holidays(country, { languages: ['fr'] });
    days = new Map();
    for (const holiday of calendar.getHolidays(year) || []) {
      const date = holiday.date.slice(0, 10);
      if (holiday.type === 'public' && !days.has(date)) days.set(date, holiday.name);
    }
    cache.set(cacheKey, days);
  }
  return days;
}

/** The public holiday on a date in a region (its name), or null. */
export function publicHolidayName(date: string, region: string): string | null {
  return publicHolidays(region, Number(date.slice(0, 4))).get(date) ?? null;
}

export function isWorkingDay(date: string, region: string): boolean {
  const day = DateTime.fromISO(date, { zone: 'UTC' });
  return day.weekday <= 5 && publicHolidayName(date, region) === null;
}

/** The date `count` working days before `date` (weekends and public holidays skipped). */
export function workingDaysBefore(date: string, count: number, region: string): string {
  let day = DateTime.fromISO(date, { zone: 'UTC' });
  for (let left = count; left > 0;) {
    day = day.minus({ days: 1 });
    if (isWorkingDay(day.toISODate()!, region)) left--;
  }
  return day.toISODate()!;
}
