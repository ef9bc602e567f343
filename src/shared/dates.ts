import { DateTime } from 'luxon';
import { BadInputError } from './errors';
import { msg } from './i18n';

/**
 * Calendar dates are tenant-local `YYYY-MM-DD` strings; months (billing periods) `YYYY-MM`;
 * instants are ISO-8601 with offset. Every rule that turns one into the other does it in the
 * tenant's time zone, with Luxon. Dates outside 1900–2199 are nonsense here (no child, session or
 * invoice lives there) and are refused at the edge, before PostgreSQL sees them.
 */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2199;

const LOCAL_DATE = /^(\d{4})-\d{2}-\d{2}$/;
const YEAR_MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

const yearInRange = (year: number) => year >= MIN_YEAR && year <= MAX_YEAR;

/** A real calendar date `YYYY-MM-DD` of the years 1900–2199. */
export function isCalendarDate(value: string): boolean {
  const match = LOCAL_DATE.exec(value);
  return match !== null && yearInRange(Number(match[1])) && DateTime.fromISO(value, { zone: 'UTC' }).isValid;
}

/** A month `YYYY-MM` of the years 1900–2199. */
export function isYearMonth(value: string): boolean {
  const match = YEAR_MONTH.exec(value);
  return match !== null && yearInRange(Number(match[1]));
}

export function parseLocalDate(value: string, field: string): string {
  if (!isCalendarDate(value)) {
    throw new BadInputError(msg('input.calendarDate', { field, min: MIN_YEAR, max: MAX_YEAR }), [field]);
  }
  return value;
}

export function parseYearMonth(value: string, field: string): string {
  if (!isYearMonth(value)) {
    throw new BadInputError(msg('input.yearMonth', { field, min: MIN_YEAR, max: MAX_YEAR }), [field]);
  }
  return value;
}

/** First and last day of a YYYY-MM month. */
export function monthBounds(month: string): { from: string; to: string } {
  const start = DateTime.fromISO(`${parseYearMonth(month, 'period')}-01`, { zone: 'UTC' });
  return { from: start.toISODate()!, to: start.endOf('month').toISODate()! };
}

/** Today's date in the given IANA time zone, at the instant `now` (the request's clock). */
export function todayIn(timeZone: string, now: Date): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
}

/**
 * A pure function of its text key, remembered: the booking rules compute the same few local
 * instants for every booking of a session, and luxon's time-zone arithmetic
 * (`Intl.DateTimeFormat#formatToParts` per offset) was ≈ 5 % of a booking's CPU in the rush.
 * Bounded: emptied when it holds `max` entries.
 */
function remembered<T>(compute: (key: string) => T, max = 20_000): (key: string) => T {
  const values = new Map<string, T>();
  return (key) => {
    let value = values.get(key);
    if (value === undefined) {
      if (values.size >= max) values.clear();
      value = compute(key);
      values.set(key, value);
    }
    return value;
  };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * A calendar date moved by days or months (months clamped to the month's end), with the
 * platform's UTC calendar: the same answers as luxon's `plus` (a property test holds them equal)
 * at a fraction of its cost — a booking checks ages in months for every child. Anything but a
 * valid date of the years 1000–9999 goes to luxon, which answers it as it always did.
 */
function shiftedDate(date: string, unit: 'days' | 'months', amount: number): string {
  const parts = ISO_DATE.exec(date);
  if (parts && Number.isInteger(amount)) {
    const [year, month, day] = [Number(parts[1]), Number(parts[2]) - 1, Number(parts[3])];
    const valid = new Date(Date.UTC(year, month, day));
    if (
      year >= 1000 &&
      valid.getUTCFullYear() === year &&
      valid.getUTCMonth() === month &&
      valid.getUTCDate() === day
    ) {
      let shifted: Date;
      if (unit === 'days') shifted = new Date(Date.UTC(year, month, day + amount));
      else {
        const target = year * 12 + month + amount;
        const [toYear, toMonth] = [Math.floor(target / 12), ((target % 12) + 12) % 12];
        // Date.UTC reads the years 0–99 as 1900–1999: those go to luxon below.
        const lastDay = toYear >= 1000 ? new Date(Date.UTC(toYear, toMonth + 1, 0)).getUTCDate() : 0;
        shifted = new Date(toYear >= 1000 ? Date.UTC(toYear, toMonth, Math.min(day, lastDay)) : NaN);
      }
      const toYear = shifted.getUTCFullYear();
      if (toYear >= 1000 && toYear <= 9999) {
        return `${pad(toYear, 4)}-${pad(shifted.getUTCMonth() + 1, 2)}-${pad(shifted.getUTCDate(), 2)}`;
      }
    }
  }
  return DateTime.fromISO(date, { zone: 'UTC' })
    .plus({ [unit]: amount })
    .toISODate()!;
}

/** Adds days to a calendar date (no time zone involved: it is a calendar operation). */
export function addDays(date: string, days: number): string {
  return shiftedDate(date, 'days', days);
}

/** Adds months to a calendar date, clamped to the month's end (31 January + 1 → 28 February). */
export function addMonths(date: string, months: number): string {
  return shiftedDate(date, 'months', months);
}

const localInstantMs = remembered((key) => {
  const [local, timeZone] = key.split(' ');
  const instant = DateTime.fromISO(local, { zone: timeZone });
  if (!instant.isValid) throw new Error(`Invalid local time ${local} in ${timeZone}`);
  return instant.toMillis();
});

/** The instant at which a local wall-clock time happens on a date in a time zone. */
export function localInstant(date: string, time: string, timeZone: string): Date {
  return new Date(localInstantMs(`${date}T${time} ${timeZone}`));
}
