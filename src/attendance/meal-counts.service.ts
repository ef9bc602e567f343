import { DateTime } from 'luxon';
import type { TenantContext } from '../auth/context';
import type { Diet } from '../families/child.entity';
import { addDays } from '../shared/dates';
import { BadInputError } from '../shared/errors';
import { FORECAST_LOOKBACK_DAYS, forecastBasis, forecastFromBasis, type RollCallDay } from './meal-forecast';
import { day, msg } from '../shared/i18n';

/** How a meal count was obtained. */
export enum MealCountSource {
  /** The children booked (the canteen takes bookings, no roll call yet). */
  RESERVATIONS = 'RESERVATIONS',
  /** The children present at the roll call, walk-ins included. */
  ATTENDANCE = 'ATTENDANCE',
  /** Nobody books (WALK_IN) and no roll call yet: forecast from recent roll calls. */
  FORECAST = 'FORECAST',
}

/** A request covers at most this many days: a month of a town's kitchens in one call. */
export const MAX_MEAL_COUNT_DAYS = 31;

/** What the kitchen of one school cooks for one diet on one day. */
export interface MealCount {
  date: string;
  facilityId: string;
  facilityName: string;
  nationalCode: string | null;
  diet: Diet;
  /** Meals to cook, per `source`. */
  count: number;
  source: MealCountSource;
  /** FORECAST: how many past days it rests on; null otherwise. */
  basis: number | null;
  /** Reservations made in advance (walk-ins and late cancellations excluded), whatever happened since. */
  booked: number;
  /** Meals eaten per the roll call, walk-ins included. */
  eaten: number;
  /** Of the meals eaten, those without a reservation. */
  walkIns: number;
}

export interface MealCountsQuery {
  from: string;
  to: string;
  /** Only these facilities (UUIDs); null: every facility with a canteen. */
  facilityIds: string[] | null;
}

/**
 * The range asked for, from the current arguments or the deprecated ones (`date`, `facilityId`:
 * one day, one school). At most MAX_MEAL_COUNT_DAYS days, `to` not before `from`.
 */
export function mealCountsQuery(args: {
  from?: string | null;
  to?: string | null;
  facilityIds?: string[] | null;
  date?: string | null;
  facilityId?: string | null;
}): MealCountsQuery {
  if (args.date && (args.from || args.to)) {
    throw new BadInputError(msg('input.eitherOr', { first: '"from" and "to"', second: '"date"' }), ['date']);
  }
  if (args.facilityId && args.facilityIds) {
    throw new BadInputError(msg('input.eitherOr', { first: '"facilityIds"', second: '"facilityId"' }), [
      'facilityId',
    ]);
  }
  const facilityIds = args.facilityId ? [args.facilityId] : (args.facilityIds ?? null);
  if (args.date) return { from: args.date, to: args.date, facilityIds };
  if (!args.from) throw new BadInputError(msg('input.required', { field: 'from' }), ['from']);
  if (!args.to) throw new BadInputError(msg('input.required', { field: 'to' }), ['to']);
  if (args.to < args.from)
    throw new BadInputError(msg('input.toBeforeFrom', { from: 'from', to: 'to' }), ['to']);
  const last = addDays(args.from, MAX_MEAL_COUNT_DAYS - 1);
  if (args.to > last) {
    throw new BadInputError(msg('input.tooManyDays', { max: MAX_MEAL_COUNT_DAYS, last: day(last) }), ['to']);
  }
  return { from: args.from, to: args.to, facilityIds };
}

/** Days between two dates, both included. */
export function daysIn(from: string, to: string): number {
  const diff = DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days');
  return Math.round(diff.days) + 1;
}

type GridRow = {
  facility_id: string;
  date: string;
  name: string;
  national_code: string | null;
  diet: Diet;
  walk_in: boolean;
  roll_taken: boolean;
  booked: number;
  expected: number;
  eaten: number;
  walk_ins: number;
};

/**
 * The kitchens' grid (effectifs): one row per facility with a canteen session in the range, per
 * date of such a session (sessions exist only on open days), per diet — every diet, zeros
 * included, so that the grid's shape does not depend on who booked. Each count says its source:
 * ATTENDANCE once the day's roll call is taken (a roll call that recorded a child), else FORECAST
 * when the canteen runs in WALK_IN mode (see meal-forecast.ts), else RESERVATIONS (the
 * reservations still BOOKED). Two statements whatever the range and the number of schools: the
 * grid, then — only if some day needs a forecast — the roll calls it rests on.
 */
export async function mealCounts(ctx: TenantContext, query: MealCountsQuery): Promise<MealCount[]> {
  const { tenant } = ctx;
  if (query.facilityIds && query.facilityIds.length === 0) return [];
  const only = query.facilityIds
    ? `and s.facility_id = any(array(select value::uuid from json_array_elements_text(?::json)))`
    : '';
  const rows = await ctx.em.execute<GridRow[]>(
    `with canteen as (
       select s.id, s.facility_id, s.date,
              coalesce(sv.operating_mode_override, ?::operating_mode) = 'WALK_IN' as walk_in
       from sessions s
       join services sv on sv.tenant_id = s.tenant_id and sv.id = s.service_id and sv.kind = 'CANTEEN'
       where s.tenant_id = ? and s.date between ?::date and ?::date and s.facility_id is not null ${only}
     ),
     tallies as (
       select c.facility_id, c.date, ch.diet,
              count(*) filter (where r.channel <> 'WALK_IN' and r.status <> 'LATE_CANCELLED')::int as booked,
              count(*) filter (where r.status = 'BOOKED')::int as expected,
              count(*) filter (where r.status = 'ATTENDED')::int as eaten,
              count(*) filter (where r.status = 'ATTENDED' and r.channel = 'WALK_IN')::int as walk_ins,
              bool_or(r.attendance_recorded_at is not null) as recorded
       from canteen c
       join reservations r on r.tenant_id = ? and r.session_id = c.id and r.status <> 'CANCELLED'
       join children ch on ch.tenant_id = r.tenant_id and ch.id = r.child_id
       group by c.facility_id, c.date, ch.diet
     ),
     days as (
       select c.facility_id, c.date, bool_or(c.walk_in) as walk_in,
              coalesce((select bool_or(t.recorded) from tallies t
                        where t.facility_id = c.facility_id and t.date = c.date), false) as roll_taken
       from canteen c
       group by c.facility_id, c.date
     )
     select d.facility_id, d.date::text as date, f.name, f.national_code, diet.value as diet,
            d.walk_in, d.roll_taken,
            coalesce(t.booked, 0) as booked, coalesce(t.expected, 0) as expected,
            coalesce(t.eaten, 0) as eaten, coalesce(t.walk_ins, 0) as walk_ins
     from days d
     join facilities f on f.tenant_id = ? and f.id = d.facility_id
     cross join unnest(enum_range(null::diet)) as diet(value)
     left join tallies t on t.facility_id = d.facility_id and t.date = d.date and t.diet = diet.value
     order by d.date, f.name, f.id, diet.value`,
    [
      tenant.config.operatingMode,
      tenant.id,
      query.from,
      query.to,
      ...(query.facilityIds ? [JSON.stringify(query.facilityIds)] : []),
      tenant.id,
      tenant.id,
    ],
    'all',
    ctx.em.getLoggerContext(),
  );

  const forecastDays = rows.filter((r) => r.walk_in && !r.roll_taken);
  const history: Map<string, RollCallDay[]> = forecastDays.length
    ? await rollCallHistory(ctx, forecastDays)
    : new Map();
  // The days a forecast rests on depend on the school and the date, not the diet: found once.
  const bases = new Map<string, RollCallDay[]>();
  const basisOf = (facilityId: string, date: string) => {
    const key = `${facilityId}|${date}`;
    if (!bases.has(key)) bases.set(key, forecastBasis(date, history.get(facilityId) ?? []));
    return bases.get(key)!;
  };
  return rows.map((r) => {
    const base = {
      date: r.date,
      facilityId: r.facility_id,
      facilityName: r.name,
      nationalCode: r.national_code,
      diet: r.diet,
      booked: r.booked,
      eaten: r.eaten,
      walkIns: r.walk_ins,
    };
    if (r.roll_taken) return { ...base, count: r.eaten, source: MealCountSource.ATTENDANCE, basis: null };
    if (r.walk_in) {
      const forecast = forecastFromBasis(basisOf(r.facility_id, r.date), r.diet, r.expected);
      return { ...base, count: forecast.count, source: MealCountSource.FORECAST, basis: forecast.basis };
    }
    return { ...base, count: r.expected, source: MealCountSource.RESERVATIONS, basis: null };
  });
}

/**
 * The roll calls forecasts rest on: for each school to forecast, its canteen days whose roll call
 * was taken, from FORECAST_LOOKBACK_DAYS before the first day to forecast up to the last one,
 * with the children present per diet. One statement.
 */
async function rollCallHistory(
  ctx: TenantContext,
  days: { facility_id: string; date: string }[],
): Promise<Map<string, RollCallDay[]>> {
  const facilityIds = [...new Set(days.map((d) => d.facility_id))];
  const dates = days.map((d) => d.date).sort();
  const rows = await ctx.em.execute<
    { facility_id: string; date: string; diet: Diet | null; present: number }[]
  >(
    `with taken as (
       select s.id, s.facility_id, s.date
       from sessions s
       join services sv on sv.tenant_id = s.tenant_id and sv.id = s.service_id and sv.kind = 'CANTEEN'
       where s.tenant_id = ? and s.date >= ?::date and s.date < ?::date
         and s.facility_id = any(array(select value::uuid from json_array_elements_text(?::json)))
         and exists (select 1 from reservations r where r.tenant_id = s.tenant_id and r.session_id = s.id
                     and r.attendance_recorded_at is not null and r.status <> 'CANCELLED')
     )
     select t.facility_id, t.date::text as date, ch.diet, count(ch.id)::int as present
     from taken t
     left join reservations r on r.tenant_id = ? and r.session_id = t.id and r.status = 'ATTENDED'
     left join children ch on ch.tenant_id = r.tenant_id and ch.id = r.child_id
     group by t.facility_id, t.date, ch.diet`,
    [
      ctx.tenant.id,
      addDays(dates[0], -FORECAST_LOOKBACK_DAYS),
      dates[dates.length - 1],
      JSON.stringify(facilityIds),
      ctx.tenant.id,
    ],
    'all',
    ctx.em.getLoggerContext(),
  );
  const byFacility = new Map<string, Map<string, RollCallDay>>();
  for (const row of rows) {
    const school = byFacility.get(row.facility_id) ?? new Map<string, RollCallDay>();
    byFacility.set(row.facility_id, school);
    const day = school.get(row.date) ?? { date: row.date, present: {} };
    school.set(row.date, day);
    if (row.diet) day.present[row.diet] = (day.present[row.diet] ?? 0) + row.present;
  }
  return new Map([...byFacility].map(([id, school]) => [id, [...school.values()]]));
}
