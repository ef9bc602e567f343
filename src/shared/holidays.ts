import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

/**
 * Public holidays by tenant region (`FR`, `CA-QC`…), from the maintained `date-holidays`
 * data, as tenant-local `YYYY-MM-DD` dates.
 */
const cache = new Map<string, Set<string>>();

function publicHolidays(region: string, year: number): Set<string> {
  const cacheKey = `${region}:${year}`;
  let days = cache.get(cacheKey);
  if (!days) {
    const [country, state] = region.split('-');
    const calendar = state ? new Holidays(country, state) : new Holidays(country);
    days = new Set(
      (calendar.getHolidays(year) || []).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)),
    );
    cache.set(cacheKey, days);
  }
  return days;
}

export function isWorkingDay(date: string, region: string): boolean {
  const day = DateTime.fromISO(date, { zone: 'UTC' });
  return day.weekday <= 5 && !publicHolidays(region, day.year).has(date);
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
