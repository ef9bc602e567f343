import { DateTime } from 'luxon';
import { BadInputError } from './errors';

/**
 * Calendar dates are tenant-local `YYYY-MM-DD` strings; instants are ISO-8601 with offset.
 * Every rule that turns one into the other does it in the tenant's time zone, with Luxon.
 */
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseLocalDate(value: string, field: string): string {
  if (!LOCAL_DATE.test(value) || !DateTime.fromISO(value, { zone: 'UTC' }).isValid) {
    throw new BadInputError(`"${field}" must be a calendar date (YYYY-MM-DD).`, [field]);
  }
  return value;
}

/** Today's date in the given IANA time zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
}

/** Adds days to a calendar date (no time zone involved: it is a calendar operation). */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
}

/** The instant at which a local wall-clock time happens on a date in a time zone. */
export function localInstant(date: string, time: string, timeZone: string): Date {
  const instant = DateTime.fromISO(`${date}T${time}`, { zone: timeZone });
  if (!instant.isValid) throw new Error(`Invalid local time ${date}T${time} in ${timeZone}`);
  return instant.toJSDate();
}
