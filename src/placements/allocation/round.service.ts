import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { placementPolicy, sql, uuids } from '../admission/policy';
import { AllocationRound, type Exclusion } from '../entities';
import { scheduleOfferExpiry } from '../offers/offer-expiry';
import { tellOfferNews } from '../offers/offer-news';
import { endDuePlacements } from '../ending/end.service';
import { propose, type Candidate, type GroupFree, type Proposal } from './proposal';

type RoundOutcome = Outcome<{ roundId: string }>;

/**
 * What a round decides on: the candidates of its facilities (live applications wanting to start
 * by `startDate`, with each facility's rank, from `placement_candidates`) and each age group's free
 * places (capacity − placements − open offers).
 */
export async function roundInputs(
  ctx: TenantContext,
  facilityIds: string[],
  startDate: string,
): Promise<{ candidates: Candidate[]; groups: GroupFree[] }> {
  const rows = await sql<{
    application_id: string;
    facility_id: string;
    age_group: string;
    preference: number;
    rank: number;
  }>(
    ctx,
    `select application_id, facility_id, age_group, preference, rank from placement_candidates
     where tenant_id = ? and facility_id = any(?::uuid[]) and desired_start_date <= ?::date`,
    [ctx.tenant.id, uuids(facilityIds), startDate],
  );
  const groups = await sql<{ facility_id: string; age_group: string; free: number }>(
    ctx,
    `select g.facility_id, g.age_group, greatest(0, g.capacity - g.places_taken - (
        select count(*) from placement_offers o where o.tenant_id = g.tenant_id and o.facility_id = g.facility_id
          and o.age_group = g.age_group and o.status = 'OFFERED'))::int as free
     from facility_age_groups g where g.tenant_id = ? and g.facility_id = any(?::uuid[])`,
    [ctx.tenant.id, uuids(facilityIds)],
  );
  return {
    candidates: rows.map((r) => ({
      applicationId: r.application_id,
      facilityId: r.facility_id,
      ageGroup: r.age_group,
      preference: r.preference,
      rank: r.rank,
    })),
    groups: groups.map((g) => ({ facilityId: g.facility_id, ageGroup: g.age_group, free: g.free })),
  };
}

/** Computes the round's proposal and stores it as its draft (replacing any earlier one). */
export async function computeRound(ctx: TenantContext, round: AllocationRound): Promise<Proposal> {
  await endDuePlacements(ctx, round.facilityIds);
  const { candidates, groups } = await roundInputs(ctx, round.facilityIds, round.startDate);
  const excluded = new Set(round.exclusions.map((e) => `${e.applicationId}:${e.facilityId}`));
  const proposal = propose(candidates, groups, excluded);
  round.stable = proposal.stable;
  round.applications = proposal.applications;
  round.freePlaces = proposal.freePlaces;
  await ctx.em.flush();
  await sql(ctx, `delete from allocation_proposals where tenant_id = ? and round_id = ? returning 1`, [
    ctx.tenant.id,
    round.id,
  ]);
  await sql(
    ctx,
    `insert into allocation_proposals (id, tenant_id, round_id, application_id, facility_id, age_group, preference, rank)
     select gen_random_uuid(), ?, ?, v.application_id, v.facility_id, v.age_group::placement_age_group, v.preference, v.rank
     from json_to_recordset(?::json) as v(application_id uuid, facility_id uuid, age_group text, preference int, rank int)
     returning 1`,
    [
      ctx.tenant.id,
      round.id,
      JSON.stringify(
        proposal.places.map((p) => ({
          application_id: p.applicationId,
          facility_id: p.facilityId,
          age_group: p.ageGroup,
          preference: p.preference,
          rank: p.rank,
        })),
      ),
    ],
  );
  return proposal;
}

/**
 * The commission's round: a draft proposal for the free places of `facilityIds` from `startDate`,
 * by deferred acceptance (docs/placements.md). Nothing is offered until `confirmAllocation`.
 */
export const proposeAllocation = idempotentMutation(
  'proposeAllocation',
  async (ctx: TenantContext, input: { facilityIds: string[]; startDate: string }): Promise<RoundOutcome> => {
    const facilityIds = [...new Set(input.facilityIds)];
    if (facilityIds.length === 0) {
      return refuse(UserErrorCode.INVALID, msg('input.required', { field: 'facilityIds' }), ['facilityIds']);
    }
    const now = ctx.now();
    const round = ctx.em.create(AllocationRound, {
      id: randomUUID(),
      tenantId: ctx.tenant.id,
      status: 'DRAFT',
      startDate: input.startDate,
      facilityIds,
      exclusions: [],
      stable: true,
      applications: 0,
      freePlaces: 0,
      createdBy: ctx.viewer.subject ?? 'anonymous',
      createdAt: now,
    });
    await ctx.em.flush();
    const proposal = await computeRound(ctx, round);
    audit(ctx, {
      action: 'ALLOCATION_PROPOSED',
      subjectId: round.id,
      details: {
        facilityIds,
        startDate: input.startDate,
        proposed: proposal.places.length,
        stable: proposal.stable,
      },
    });
    await ctx.em.flush();
    return done({ roundId: round.id });
  },
);

async function draftRound(ctx: TenantContext, roundId: string): Promise<AllocationRound | RoundOutcome> {
  const [locked] = await sql(
    ctx,
    `select id from allocation_rounds where tenant_id = ? and id = ? for update`,
    [ctx.tenant.id, roundId],
  );
  const round = locked ? await ctx.em.findOne(AllocationRound, { id: roundId }) : null;
  if (!round) return refuse(UserErrorCode.NOT_FOUND, msg('placement.roundNotFound'), ['roundId']);
  await ctx.em.refresh(round);
  if (round.status !== 'DRAFT') {
    return refuse(UserErrorCode.INVALID, msg('placement.roundNotDraft', { status: round.status }), [
      'roundId',
    ]);
  }
  return round;
}

/**
 * Adjusts a draft: the facility refuses a proposed child (with a reason, audited). The child is
 * no longer considered at that facility in this round and the proposal is computed again, so the
 * place moves on to the next applicant and the refused child to its next choice.
 */
export const adjustAllocationProposal = idempotentMutation(
  'adjustAllocationProposal',
  async (ctx: TenantContext, input: { proposalId: string; reason: string }): Promise<RoundOutcome> => {
    const reason = input.reason.trim();
    if (!reason) return refuse(UserErrorCode.INVALID, msg('placement.reasonRequired'), ['reason']);
    const [proposal] = await sql<{ round_id: string; application_id: string; facility_id: string }>(
      ctx,
      `select round_id, application_id, facility_id from allocation_proposals where tenant_id = ? and id = ?`,
      [ctx.tenant.id, input.proposalId],
    );
    if (!proposal) return refuse(UserErrorCode.NOT_FOUND, msg('placement.proposalNotFound'), ['proposalId']);
    const round = await draftRound(ctx, proposal.round_id);
    if (!(round instanceof AllocationRound)) return round;
    const exclusion: Exclusion = {
      applicationId: proposal.application_id,
      facilityId: proposal.facility_id,
      reason,
      by: ctx.viewer.subject ?? 'anonymous',
      at: ctx.now().toISOString(),
    };
    round.exclusions = [...round.exclusions, exclusion];
    await computeRound(ctx, round);
    audit(ctx, { action: 'ALLOCATION_ADJUSTED', subjectId: round.id, details: { ...exclusion } });
    await ctx.em.flush();
    return done({ roundId: round.id });
  },
);

/**
 * Confirms a draft: one offer per proposed place, expiring after the tenant's offer days (on the
 * job queue). Refused (STALE) when places or applications changed since the proposal: the
 * commission proposes again rather than offering places that are no longer there.
 */
export const confirmAllocation = idempotentMutation(
  'confirmAllocation',
  async (ctx: TenantContext, input: { roundId: string }): Promise<RoundOutcome> => {
    const round = await draftRound(ctx, input.roundId);
    if (!(round instanceof AllocationRound)) return round;
    // The groups' counters, locked in id order: no acceptance or urgent place slips in meanwhile.
    await sql(
      ctx,
      `select id from facility_age_groups where tenant_id = ? and facility_id = any(?::uuid[]) order by id for no key update`,
      [ctx.tenant.id, uuids(round.facilityIds)],
    );
    await endDuePlacements(ctx, round.facilityIds);
    const { groups } = await roundInputs(ctx, round.facilityIds, round.startDate);
    const [stale] = await sql(
      ctx,
      `select 1 from allocation_proposals p
       join placement_applications a on a.tenant_id = p.tenant_id and a.id = p.application_id
       where p.tenant_id = ? and p.round_id = ? and a.status <> 'ACTIVE'
       union all
       select 1 from allocation_proposals p
       join json_to_recordset(?::json) as g(facility_id uuid, age_group text, free int)
         on g.facility_id = p.facility_id and g.age_group = p.age_group::text
       where p.tenant_id = ? and p.round_id = ?
       group by g.facility_id, g.age_group, g.free having count(*) > g.free
       limit 1`,
      [
        ctx.tenant.id,
        round.id,
        JSON.stringify(
          groups.map((g) => ({ facility_id: g.facilityId, age_group: g.ageGroup, free: g.free })),
        ),
        ctx.tenant.id,
        round.id,
      ],
    );
    if (stale)
      return refuse(UserErrorCode.INVALID, msg('placement.roundStale'), ['roundId'], { reason: 'STALE' });
    const policy = await placementPolicy(ctx);
    const now = ctx.now();
    const expires = new Date(now.getTime() + policy.offerDays * 86_400_000);
    const offers = await sql<{ id: string }>(
      ctx,
      `insert into placement_offers (id, tenant_id, application_id, facility_id, age_group, start_date, round_id,
         offered_by, offered_at, expires_at)
       select gen_random_uuid(), p.tenant_id, p.application_id, p.facility_id, p.age_group,
         greatest(?::date, a.desired_start_date), p.round_id, ?, ?, ?
       from allocation_proposals p join placement_applications a on a.tenant_id = p.tenant_id and a.id = p.application_id
       where p.tenant_id = ? and p.round_id = ? returning id`,
      [round.startDate, ctx.viewer.subject ?? 'anonymous', now, expires, ctx.tenant.id, round.id],
    );
    await sql(
      ctx,
      `update placement_applications a set status = 'OFFERED', updated_at = ?
       from allocation_proposals p where p.tenant_id = a.tenant_id and p.application_id = a.id
         and p.tenant_id = ? and p.round_id = ? returning a.id`,
      [now, ctx.tenant.id, round.id],
    );
    await scheduleOfferExpiry(
      ctx,
      offers.map((o) => o.id),
    );
    round.status = 'CONFIRMED';
    round.confirmedBy = ctx.viewer.subject ?? 'anonymous';
    round.confirmedAt = now;
    audit(ctx, { action: 'ALLOCATION_CONFIRMED', subjectId: round.id, details: { offers: offers.length } });
    await tellOfferNews(
      ctx,
      'offered',
      offers.map((o) => o.id),
    );
    return done({ roundId: round.id });
  },
);
