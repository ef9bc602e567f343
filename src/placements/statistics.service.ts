import type { TenantContext } from '../auth/context';
import { placementPolicy, sql } from './admission/policy';
import type { AgeGroup } from './entities';
import { freePlacesByMonth, type MonthPlaces } from './free-places.service';

/** One facility age group's figures (the dashboard's rows). */
export interface GroupFigures {
  facilityId: string;
  ageGroup: AgeGroup;
  capacity: number;
  placesTaken: number;
  openOffers: number;
  waiting: number;
  /** Free places by month over the dashboard's range. */
  months: MonthPlaces[];
}

export interface PlacementStatistics {
  groups: GroupFigures[];
  /** Median days from registration to placement, over the placements made from applications. */
  medianDaysToPlacement: number | null;
  offered: number;
  accepted: number;
  declined: number;
  expired: number;
  withdrawn: number;
  /** Urgent applications still waiting past the tenant's urgent deadline. */
  urgentPastDeadline: number;
}

/** The commission's dashboard: places and queues per facility age group, waits, offers by outcome. */
export async function placementStatistics(
  ctx: TenantContext,
  range: { from: string; to: string },
): Promise<PlacementStatistics> {
  const byMonth = new Map(
    (await freePlacesByMonth(ctx, range)).map((g) => [`${g.facilityId}:${g.ageGroup}`, g.months]),
  );
  const tenant = ctx.tenant.id;
  const groups = await sql<{
    facility_id: string;
    age_group: AgeGroup;
    capacity: number;
    places_taken: number;
    open_offers: number;
    waiting: number;
  }>(
    ctx,
    `select g.facility_id, g.age_group, g.capacity, g.places_taken,
       (select count(*)::int from placement_offers o where o.tenant_id = g.tenant_id and o.facility_id = g.facility_id
          and o.age_group = g.age_group and o.status = 'OFFERED') as open_offers,
       (select count(*)::int from placement_candidates q where q.tenant_id = g.tenant_id and q.facility_id = g.facility_id
          and q.age_group = g.age_group) as waiting
     from facility_age_groups g join facilities f on f.tenant_id = g.tenant_id and f.id = g.facility_id
     where g.tenant_id = ? order by f.name, g.min_months`,
    [tenant],
  );
  const [offers] = await sql<Record<string, number>>(
    ctx,
    `select count(*) filter (where status = 'OFFERED')::int as offered,
       count(*) filter (where status = 'ACCEPTED')::int as accepted,
       count(*) filter (where status = 'DECLINED')::int as declined,
       count(*) filter (where status = 'EXPIRED')::int as expired,
       count(*) filter (where status = 'WITHDRAWN')::int as withdrawn
     from placement_offers where tenant_id = ?`,
    [tenant],
  );
  const [wait] = await sql<{ median: number | null }>(
    ctx,
    `select round(percentile_cont(0.5) within group (order by extract(epoch from p.created_at - a.registered_at) / 86400))::int
       as median
     from placements p join placement_applications a on a.tenant_id = p.tenant_id and a.id = p.application_id
     where p.tenant_id = ?`,
    [tenant],
  );
  const policy = await placementPolicy(ctx);
  const [urgent] = await sql<{ n: number }>(
    ctx,
    `select count(*)::int as n from placement_applications
     where tenant_id = ? and status = 'ACTIVE' and urgent_proof_at is not null
       and urgent_proof_at + make_interval(days => ?) < ?`,
    [tenant, policy.urgentDeadlineDays, ctx.now()],
  );
  return {
    groups: groups.map((g) => ({
      facilityId: g.facility_id,
      ageGroup: g.age_group,
      capacity: g.capacity,
      placesTaken: g.places_taken,
      openOffers: g.open_offers,
      waiting: g.waiting,
      months: byMonth.get(`${g.facility_id}:${g.age_group}`) ?? [],
    })),
    medianDaysToPlacement: wait?.median ?? null,
    offered: offers.offered,
    accepted: offers.accepted,
    declined: offers.declined,
    expired: offers.expired,
    withdrawn: offers.withdrawn,
    urgentPastDeadline: urgent.n,
  };
}
