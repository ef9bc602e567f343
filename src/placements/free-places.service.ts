import type { TenantContext } from '../auth/context';
import { BadInputError } from '../shared/errors';
import { msg } from '../shared/i18n';
import { addMonths, todayIn } from '../shared/dates';
import { sql } from './admission/policy';
import type { AgeGroup } from './entities';

/** A facility age group's places in one month. */
export interface MonthPlaces {
  /** YYYY-MM. */
  month: string;
  /** Its places that month (0 once a temporary facility has closed). */
  capacity: number;
  /** Placements running on at least one day of the month. */
  placed: number;
  /** Open offers starting on or before the month's last day (each would hold a place from its start). */
  offered: number;
  /** capacity − placed − offered, never below 0. */
  free: number;
}

export interface GroupMonths {
  facilityId: string;
  ageGroup: AgeGroup;
  months: MonthPlaces[];
}

/** The longest range asked at once, in months. */
export const MAX_MONTHS = 24;

/** Months from `from` to `to` (YYYY-MM), refused past MAX_MONTHS or backwards. */
export function monthRange(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = from; m <= to && months.length <= MAX_MONTHS; m = addMonths(`${m}-01`, 1).slice(0, 7)) {
    months.push(m);
  }
  if (months.length === 0 || months.length > MAX_MONTHS) {
    throw new BadInputError(msg('placement.monthRange', { max: MAX_MONTHS }), ['to']);
  }
  return months;
}

/** The current month and the five after it, in the tenant's calendar (the dashboard's default). */
export function nextSixMonths(ctx: TenantContext): { from: string; to: string } {
  const today = todayIn(ctx.tenant.timeZone, ctx.now());
  return { from: today.slice(0, 7), to: addMonths(`${today.slice(0, 7)}-01`, 5).slice(0, 7) };
}

/**
 * Free places per facility age group and month, by dates rather than the counter: capacity minus
 * the placements running that month (a placement's end — the child leaving, ageing out, a transfer,
 * a temporary centre closing — frees it from the next month) minus the open offers that would start
 * by then. One statement for any number of groups and months. Only `facilityId` (and `ageGroup`)
 * when given.
 */
export async function freePlacesByMonth(
  ctx: TenantContext,
  range: { from: string; to: string; facilityId?: string | null; ageGroup?: AgeGroup | null },
): Promise<GroupMonths[]> {
  const months = monthRange(range.from, range.to);
  const rows = await sql<{
    facility_id: string;
    age_group: AgeGroup;
    month: string;
    capacity: number;
    placed: number;
    offered: number;
  }>(
    ctx,
    `with months as (
       select to_char(m, 'YYYY-MM') as month, m::date as first_day, (m + interval '1 month - 1 day')::date as last_day
       from generate_series(?::date, ?::date, interval '1 month') m
     )
     select g.facility_id, g.age_group, m.month,
       case when f.ends_on is not null and f.ends_on < m.first_day then 0 else g.capacity end as capacity,
       (select count(*)::int from placements p where p.tenant_id = g.tenant_id and p.facility_id = g.facility_id
          and p.age_group = g.age_group and p.start_date <= m.last_day
          and (p.end_date is null or p.end_date >= m.first_day)) as placed,
       (select count(*)::int from placement_offers o where o.tenant_id = g.tenant_id and o.facility_id = g.facility_id
          and o.age_group = g.age_group and o.status = 'OFFERED' and o.start_date <= m.last_day) as offered
     from facility_age_groups g
     join facilities f on f.tenant_id = g.tenant_id and f.id = g.facility_id
     cross join months m
     where g.tenant_id = ? and (?::uuid is null or g.facility_id = ?::uuid)
       and (?::placement_age_group is null or g.age_group = ?::placement_age_group)
     order by f.name, g.facility_id, g.min_months, m.month`,
    [
      `${months[0]}-01`,
      `${months[months.length - 1]}-01`,
      ctx.tenant.id,
      range.facilityId ?? null,
      range.facilityId ?? null,
      range.ageGroup ?? null,
      range.ageGroup ?? null,
    ],
  );
  const groups = new Map<string, GroupMonths>();
  for (const r of rows) {
    const key = `${r.facility_id}:${r.age_group}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { facilityId: r.facility_id, ageGroup: r.age_group, months: [] }));
    group.months.push({
      month: r.month,
      capacity: r.capacity,
      placed: r.placed,
      offered: r.offered,
      free: Math.max(0, r.capacity - r.placed - r.offered),
    });
  }
  return [...groups.values()];
}
