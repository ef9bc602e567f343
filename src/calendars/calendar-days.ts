import type { Logger } from 'pino';
import type { Client } from 'pg';
import { addDays } from '../shared/dates';
import { HOLIDAY_REGIONS, publicHolidays } from './public-holidays';
import { SCHOOL_CALENDAR_COVERS_UNTIL, SCHOOL_CALENDARS, schoolHolidays } from './school-holidays';

interface CalendarDay {
  calendar: string;
  date: string;
  kind: 'PUBLIC_HOLIDAY' | 'SCHOOL_HOLIDAY';
  name: string;
}

/** Years kept in `calendar_days` around the current one: past terms are still billed and imported. */
const YEARS_BEFORE = 2;
const YEARS_AFTER = 3;
/** Warn this long before the school calendar data runs out (a new arrêté is due every year). */
const COVERAGE_WARNING_DAYS = 90;

/** Every closed day of the supported calendars over the years around `today` (tenant-local dates). */
export function calendarDays(today: string): CalendarDay[] {
  const year = Number(today.slice(0, 4));
  const days: CalendarDay[] = [];
  for (let y = year - YEARS_BEFORE; y <= year + YEARS_AFTER; y++) {
    for (const region of HOLIDAY_REGIONS) {
      for (const [date, name] of publicHolidays(region, y)) {
        days.push({ calendar: region, date, kind: 'PUBLIC_HOLIDAY', name });
      }
    }
  }
  for (const calendar of SCHOOL_CALENDARS) {
    for (const { date, name } of schoolHolidays(calendar)) {
      days.push({ calendar, date, kind: 'SCHOOL_HOLIDAY', name });
    }
  }
  return days;
}

/**
 * Writes the closed days into `calendar_days` (as the schema owner, at each start after the
 * migrations), replacing what an older release wrote: PostgreSQL then refuses a session on a day
 * its service is closed (trigger `sessions_open_day`). Warns when the school calendar data ends
 * within 90 days.
 */
export async function syncCalendarDays(client: Client, today: string, logger: Logger): Promise<number> {
  const days = calendarDays(today);
  await client.query('begin');
  try {
    await client.query('lock table calendar_days in exclusive mode');
    await client.query('delete from calendar_days');
    await client.query(
      `insert into calendar_days (calendar, date, kind, name)
       select d.calendar, d.date::date, d.kind, d.name
       from json_to_recordset($1::json) as d(calendar text, date text, kind text, name text)
       on conflict (calendar, date, kind) do nothing`,
      [JSON.stringify(days)],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
  if (
    SCHOOL_CALENDAR_COVERS_UNTIL < addDays(today, COVERAGE_WARNING_DAYS) &&
    SCHOOL_CALENDAR_COVERS_UNTIL >= today
  ) {
    logger.warn(
      { coversUntil: SCHOOL_CALENDAR_COVERS_UNTIL, withinDays: COVERAGE_WARNING_DAYS },
      'the school holiday data ends soon: add the next school year to src/calendars/school-holidays.fr.json',
    );
  } else if (SCHOOL_CALENDAR_COVERS_UNTIL < today) {
    logger.error(
      { coversUntil: SCHOOL_CALENDAR_COVERS_UNTIL },
      'the school holiday data has ended: school-day services are treated as open every school day',
    );
  }
  return days.length;
}
