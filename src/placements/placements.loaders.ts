import DataLoader from 'dataloader';
import type { TenantContext } from '../auth/context';
import { lightFind } from '../shared/light-entities';
import { byId, groupBy } from '../shared/loaders';
import { AllocationRound, Placement, PlacementApplication, PlacementOffer, type AgeGroup } from './entities';

export interface Preference {
  applicationId: string;
  preference: number;
  facilityId: string;
  declinedAt: Date | null;
}

export interface DeclaredCriterionRow {
  applicationId: string;
  code: string;
  label: string;
  documentRef: string | null;
  status: string;
  verifiedAt: Date | null;
}

export interface CriterionPoints {
  code: string;
  label: string;
  points: number;
}

/** Where an application stands at one facility it chose (from placement_candidates). */
export interface Standing {
  applicationId: string;
  facilityId: string;
  ageGroup: AgeGroup;
  preference: number;
  rank: number;
  queueLength: number;
  points: number;
  urgent: boolean;
  registeredAt: Date;
  /** The verified criteria that count there, with that facility's points. */
  criteria: CriterionPoints[];
}

/** A place a draft round proposes (a class: `node(id:)` recognises it). */
export class ProposalRow {
  id!: string;
  roundId!: string;
  applicationId!: string;
  facilityId!: string;
  ageGroup!: AgeGroup;
  preference!: number;
  rank!: number;
}

const ids = (values: readonly string[]) => JSON.stringify(values);
const IN = `= any(array(select value::uuid from json_array_elements_text(?::json)))`;

/**
 * The verified criteria of applications that count at facilities, each with the facility's value
 * (or the tenant's): keyed `application:facility`.
 */
export async function criteriaThatCount(
  ctx: TenantContext,
  pairs: { applicationId: string; facilityId: string }[],
): Promise<Map<string, CriterionPoints[]>> {
  if (pairs.length === 0) return new Map();
  const rows = await ctx.em.execute<
    { application_id: string; facility_id: string; code: string; label: string; points: number }[]
  >(
    `select v.application_id, v.facility_id, ac.code, coalesce(fc.label, tc.label) as label,
       coalesce(fc.points, tc.points) as points
     from json_to_recordset(?::json) as v(application_id uuid, facility_id uuid)
     join application_criteria ac on ac.tenant_id = ? and ac.application_id = v.application_id and ac.status = 'VERIFIED'
     left join admission_criteria tc on tc.tenant_id = ac.tenant_id and tc.code = ac.code and tc.facility_id is null
     left join admission_criteria fc on fc.tenant_id = ac.tenant_id and fc.code = ac.code and fc.facility_id = v.facility_id
     where coalesce(fc.points, tc.points) is not null
     order by coalesce(fc.points, tc.points) desc, ac.code`,
    [
      JSON.stringify(pairs.map((p) => ({ application_id: p.applicationId, facility_id: p.facilityId }))),
      ctx.tenant.id,
    ],
    'all',
    ctx.em.getLoggerContext(),
  );
  const out = new Map<string, CriterionPoints[]>();
  for (const r of rows) {
    const key = `${r.application_id}:${r.facility_id}`;
    out.set(key, [...(out.get(key) ?? []), { code: r.code, label: r.label, points: r.points }]);
  }
  return out;
}

/** Per-unit batch loaders of the placements domain. */
export function createPlacementLoaders(ctx: TenantContext) {
  const { em } = ctx;
  // Read when a loader runs: the context of an anonymous request has no tenant.
  const tenant = () => ctx.tenant.id;
  const find = <T extends object>(entity: new () => T, column: string) =>
    new DataLoader<string, T | null>(async (keys) =>
      byId(
        keys,
        (await lightFind<T>(em, entity, { tenantId: tenant(), column, values: keys })) as (T & {
          id: string;
        })[],
      ),
    );
  return {
    placementApplicationById: find(PlacementApplication, 'id'),
    placementOfferById: find(PlacementOffer, 'id'),
    placementById: find(Placement, 'id'),
    allocationRoundById: find(AllocationRound, 'id'),
    preferencesByApplicationId: new DataLoader<string, Preference[]>(async (keys) => {
      const rows = await em.execute<
        { application_id: string; preference: number; facility_id: string; declined_at: Date | null }[]
      >(
        `select application_id, preference, facility_id, declined_at from placement_preferences
         where tenant_id = ? and application_id ${IN} order by preference`,
        [tenant(), ids(keys)],
        'all',
        em.getLoggerContext(),
      );
      const prefs = rows.map((r) => ({
        applicationId: r.application_id,
        preference: r.preference,
        facilityId: r.facility_id,
        declinedAt: r.declined_at ? new Date(r.declined_at) : null,
      }));
      return groupBy(keys, prefs, (p) => p.applicationId);
    }),
    declaredCriteriaByApplicationId: new DataLoader<string, DeclaredCriterionRow[]>(async (keys) => {
      const rows = await em.execute<
        {
          application_id: string;
          code: string;
          label: string | null;
          document_ref: string | null;
          status: string;
          verified_at: Date | null;
        }[]
      >(
        `select ac.application_id, ac.code, ac.document_ref, ac.status, ac.verified_at,
           (select c.label from admission_criteria c where c.tenant_id = ac.tenant_id and c.code = ac.code
            order by c.facility_id nulls first limit 1) as label
         from application_criteria ac where ac.tenant_id = ? and ac.application_id ${IN} order by ac.code`,
        [tenant(), ids(keys)],
        'all',
        em.getLoggerContext(),
      );
      const list = rows.map((r) => ({
        applicationId: r.application_id,
        code: r.code,
        label: r.label ?? r.code,
        documentRef: r.document_ref,
        status: r.status,
        verifiedAt: r.verified_at ? new Date(r.verified_at) : null,
      }));
      return groupBy(keys, list, (c) => c.applicationId);
    }),
    /** Each application's standing at each facility it still waits for, in its order of preference. */
    standingsByApplicationId: new DataLoader<string, Standing[]>(async (keys) => {
      // The facilities first, so the ranking's window runs only over their queues.
      const rows = await em.execute<
        {
          application_id: string;
          facility_id: string;
          age_group: AgeGroup;
          preference: number;
          rank: number;
          queue_length: number;
          points: number;
          urgent: boolean;
          registered_at: Date;
        }[]
      >(
        `select q.application_id, q.facility_id, q.age_group, q.preference, q.rank, q.queue_length, q.points, q.urgent,
           q.registered_at
         from placement_candidates q
         where q.tenant_id = ? and q.facility_id in (select facility_id from placement_preferences
           where tenant_id = ? and application_id ${IN})
         order by q.preference`,
        [tenant(), tenant(), ids(keys)],
        'all',
        em.getLoggerContext(),
      );
      const mine = rows.filter((r) => keys.includes(r.application_id));
      const criteria = await criteriaThatCount(
        ctx,
        mine.map((r) => ({ applicationId: r.application_id, facilityId: r.facility_id })),
      );
      const standings: Standing[] = mine.map((r) => ({
        applicationId: r.application_id,
        facilityId: r.facility_id,
        ageGroup: r.age_group,
        preference: r.preference,
        rank: r.rank,
        queueLength: r.queue_length,
        points: r.points,
        urgent: r.urgent,
        registeredAt: new Date(r.registered_at),
        criteria: criteria.get(`${r.application_id}:${r.facility_id}`) ?? [],
      }));
      return groupBy(keys, standings, (s) => s.applicationId);
    }),
    offersByApplicationId: new DataLoader<string, PlacementOffer[]>(async (keys) =>
      groupBy(
        keys,
        await lightFind<PlacementOffer>(em, PlacementOffer, {
          tenantId: tenant(),
          column: 'application_id',
          values: keys,
          orderBy: 't.offered_at desc, t.id',
        }),
        (o) => o.applicationId,
      ),
    ),
    proposalsByRoundId: new DataLoader<string, ProposalRow[]>(async (keys) => {
      const rows = await em.execute<
        {
          id: string;
          round_id: string;
          application_id: string;
          facility_id: string;
          age_group: AgeGroup;
          preference: number;
          rank: number;
        }[]
      >(
        `select id, round_id, application_id, facility_id, age_group, preference, rank from allocation_proposals
         where tenant_id = ? and round_id ${IN} order by facility_id, age_group, rank`,
        [tenant(), ids(keys)],
        'all',
        em.getLoggerContext(),
      );
      const list = rows.map((r) =>
        Object.assign(new ProposalRow(), {
          id: r.id,
          roundId: r.round_id,
          applicationId: r.application_id,
          facilityId: r.facility_id,
          ageGroup: r.age_group,
          preference: r.preference,
          rank: r.rank,
        }),
      );
      return groupBy(keys, list, (p) => p.roundId);
    }),
  };
}

declare module '../graphql/context' {
  interface Loaders extends ReturnType<typeof createPlacementLoaders> {}
}
