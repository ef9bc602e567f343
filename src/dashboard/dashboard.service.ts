import type { TenantContext } from '../auth/context';
import { addDays } from '../shared/dates';
import { BadInputError } from '../shared/errors';
import { day, msg } from '../shared/i18n';

export interface OccupancyRow {
  facilityId: string | null;
  facilityName: string | null;
  serviceId: string;
  serviceName: string;
  sessions: number;
  capacity: number;
  booked: number;
  attended: number;
  walkIns: number;
  lateCancellations: number;
}

/** At most this many days per request (a school year and a bit). */
export const MAX_DASHBOARD_DAYS = 400;

/**
 * Occupancy per facility and service over a date range (both included), in one statement:
 * sessions, capacity and places taken summed over the sessions; attended (walk-ins included),
 * walk-ins and late cancellations counted over their reservations.
 */
export async function occupancy(ctx: TenantContext, from: string, to: string): Promise<OccupancyRow[]> {
  if (to < from) throw new BadInputError(msg('input.toBeforeFrom', { from: 'from', to: 'to' }), ['to']);
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (days >= MAX_DASHBOARD_DAYS) {
    const last = addDays(from, MAX_DASHBOARD_DAYS - 1);
    throw new BadInputError(msg('input.tooManyDays', { max: MAX_DASHBOARD_DAYS, last: day(last) }), ['to']);
  }
  const tenantId = ctx.tenant.id;
  const rows = await ctx.em.execute<Record<string, unknown>[]>(
    `with s as (
       select id, service_id, capacity, places_taken from sessions
       where tenant_id = ? and date between ?::date and ?::date
     ), r as (
       select r.session_id,
         count(*) filter (where r.status = 'ATTENDED') as attended,
         count(*) filter (where r.channel = 'WALK_IN') as walk_ins,
         count(*) filter (where r.status = 'LATE_CANCELLED') as late
       from reservations r join s on s.id = r.session_id
       where r.tenant_id = ?
       group by r.session_id
     )
     select sv.facility_id, f.name as facility_name, sv.id as service_id, sv.name as service_name,
       count(*)::int as sessions, sum(s.capacity)::int as capacity, sum(s.places_taken)::int as booked,
       coalesce(sum(r.attended), 0)::int as attended, coalesce(sum(r.walk_ins), 0)::int as walk_ins,
       coalesce(sum(r.late), 0)::int as late
     from s join services sv on sv.tenant_id = ? and sv.id = s.service_id
     left join facilities f on f.tenant_id = sv.tenant_id and f.id = sv.facility_id
     left join r on r.session_id = s.id
     group by sv.facility_id, f.name, sv.id, sv.name
     order by f.name nulls last, sv.name, sv.id`,
    [tenantId, from, to, tenantId, tenantId],
    'all',
    ctx.em.getLoggerContext(),
  );
  return rows.map((r) => ({
    facilityId: r.facility_id as string | null,
    facilityName: r.facility_name as string | null,
    serviceId: r.service_id as string,
    serviceName: r.service_name as string,
    sessions: r.sessions as number,
    capacity: r.capacity as number,
    booked: r.booked as number,
    attended: r.attended as number,
    walkIns: r.walk_ins as number,
    lateCancellations: r.late as number,
  }));
}
