import type { TenantContext } from '../auth/context';
import { BadInputError } from '../shared/errors';
import { msg } from '../shared/i18n';
import { placementPolicy, sql } from './admission/policy';
import type { AgeGroup } from './entities';
import { criteriaThatCount, type CriterionPoints } from './placements.loaders';

export interface QueueEntry {
  applicationId: string;
  rank: number;
  points: number;
  urgent: boolean;
  urgentDeadline: Date | null;
  urgentDaysLeft: number | null;
  registeredAt: Date;
  preference: number;
  criteria: CriterionPoints[];
}

export interface Queue {
  facilityId: string;
  ageGroup: AgeGroup;
  capacity: number;
  placesTaken: number;
  openOffers: number;
  freePlaces: number;
  length: number;
  entries: QueueEntry[];
}

/** A facility age group's places and the first `first` applications of its queue (agents). */
export async function placementQueue(
  ctx: TenantContext,
  facilityId: string,
  ageGroup: AgeGroup,
  first: number,
): Promise<Queue> {
  const [group] = await sql<{ capacity: number; places_taken: number; open_offers: number }>(
    ctx,
    `select g.capacity, g.places_taken, (select count(*)::int from placement_offers o where o.tenant_id = g.tenant_id
       and o.facility_id = g.facility_id and o.age_group = g.age_group and o.status = 'OFFERED') as open_offers
     from facility_age_groups g where g.tenant_id = ? and g.facility_id = ? and g.age_group = ?::placement_age_group`,
    [ctx.tenant.id, facilityId, ageGroup],
  );
  if (!group) throw new BadInputError(msg('placement.ageGroupMissing'), ['ageGroup']);
  const policy = await placementPolicy(ctx);
  const rows = await sql<{
    application_id: string;
    rank: number;
    queue_length: number;
    points: number;
    urgent: boolean;
    registered_at: Date;
    preference: number;
    urgent_proof_at: Date | null;
  }>(
    ctx,
    `select q.application_id, q.rank, q.queue_length, q.points, q.urgent, q.registered_at, q.preference, a.urgent_proof_at
     from placement_candidates q join placement_applications a on a.tenant_id = q.tenant_id and a.id = q.application_id
     where q.tenant_id = ? and q.facility_id = ? and q.age_group = ?::placement_age_group and q.rank <= ?
     order by q.rank`,
    [ctx.tenant.id, facilityId, ageGroup, first],
  );
  const criteria = await criteriaThatCount(
    ctx,
    rows.map((r) => ({ applicationId: r.application_id, facilityId })),
  );
  const now = ctx.now().getTime();
  return {
    facilityId,
    ageGroup,
    capacity: group.capacity,
    placesTaken: group.places_taken,
    openOffers: group.open_offers,
    freePlaces: Math.max(0, group.capacity - group.places_taken - group.open_offers),
    length: rows[0]?.queue_length ?? 0,
    entries: rows.map((r) => {
      const deadline = r.urgent_proof_at
        ? new Date(new Date(r.urgent_proof_at).getTime() + policy.urgentDeadlineDays * 86_400_000)
        : null;
      return {
        applicationId: r.application_id,
        rank: r.rank,
        points: r.points,
        urgent: r.urgent,
        urgentDeadline: deadline,
        urgentDaysLeft: deadline ? Math.floor((deadline.getTime() - now) / 86_400_000) : null,
        registeredAt: new Date(r.registered_at),
        preference: r.preference,
        criteria: criteria.get(`${r.application_id}:${facilityId}`) ?? [],
      };
    }),
  };
}
