import type { TenantContext } from '../auth/context';
import type { Diet } from '../families/child.entity';

/** What the kitchen of one school cooks for one diet on one day. */
export interface MealCount {
  facilityId: string;
  diet: Diet;
  /** Meals expected from reservations (forecast): booked, not cancelled, walk-ins excluded. */
  booked: number;
  /** Meals eaten per the roll call, walk-ins included. */
  eaten: number;
  /** Of the meals eaten, those without a reservation. */
  walkIns: number;
}

/**
 * The catering vendor's morning figures (effectifs): per school and per diet, meals booked and
 * meals eaten on a date. In walk-in mode nothing is booked, and the eaten figures still come from
 * the roll calls. One grouped SQL statement; RLS keeps it inside the tenant.
 */
export async function mealCounts(
  ctx: TenantContext,
  input: { date: string; facilityId?: string | null },
): Promise<MealCount[]> {
  const { tenant } = ctx;
  const { date } = input;
  const rows = await ctx.em.execute<
    { facility_id: string; diet: Diet; booked: number; eaten: number; walk_ins: number }[]
  >(
    `select s.facility_id, c.diet,
            count(*) filter (where r.channel <> 'WALK_IN' and r.status <> 'LATE_CANCELLED')::int as booked,
            count(*) filter (where r.status = 'ATTENDED')::int as eaten,
            count(*) filter (where r.status = 'ATTENDED' and r.channel = 'WALK_IN')::int as walk_ins
     from sessions s
     join services sv on sv.tenant_id = s.tenant_id and sv.id = s.service_id and sv.kind = 'CANTEEN'
     join reservations r on r.tenant_id = s.tenant_id and r.session_id = s.id and r.status <> 'CANCELLED'
     join children c on c.tenant_id = r.tenant_id and c.id = r.child_id
     where s.tenant_id = ? and s.date = ? and s.facility_id is not null ${input.facilityId ? 'and s.facility_id = ?' : ''}
     group by s.facility_id, c.diet
     order by s.facility_id, c.diet`,
    input.facilityId ? [tenant.id, date, input.facilityId] : [tenant.id, date],
    'all',
    ctx.em.getLoggerContext(),
  );
  return rows.map((r) => ({
    facilityId: r.facility_id,
    diet: r.diet,
    booked: r.booked,
    eaten: r.eaten,
    walkIns: r.walk_ins,
  }));
}
