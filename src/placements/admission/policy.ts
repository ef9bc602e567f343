import type { TenantContext } from '../../auth/context';
import type { AgeGroup } from '../entities';

/** A tenant's placement rules (placement_policies; defaults until an admin sets them). */
export interface PlacementPolicy {
  /** Most facilities an application may list. */
  maxPreferences: number;
  /** Days a family has to answer an offer. */
  offerDays: number;
  /** Days from a verified urgency's proof by which a place must be offered. */
  urgentDeadlineDays: number;
  /** Whether declining an offer withdraws the application (otherwise it stays at the other facilities). */
  declineWithdraws: boolean;
  /** Monthly fee of a placement in minor units (null: none charged by Guichet). */
  monthlyFee: number | null;
}

export const DEFAULT_POLICY: PlacementPolicy = {
  maxPreferences: 5,
  offerDays: 7,
  urgentDeadlineDays: 30,
  declineWithdraws: false,
  monthlyFee: null,
};

/** Runs one SQL statement of the unit of work (raw SQL names tenant_id itself). */
export function sql<T = Record<string, unknown>>(
  ctx: TenantContext,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return ctx.em.execute<T[]>(text, params, 'all', ctx.em.getLoggerContext());
}

export async function placementPolicy(ctx: TenantContext): Promise<PlacementPolicy> {
  const [row] = await sql<{
    max_preferences: number;
    offer_days: number;
    urgent_deadline_days: number;
    decline_withdraws: boolean;
    monthly_fee: number | null;
  }>(ctx, `select * from placement_policies where tenant_id = ?`, [ctx.tenant.id]);
  if (!row) return DEFAULT_POLICY;
  return {
    maxPreferences: row.max_preferences,
    offerDays: row.offer_days,
    urgentDeadlineDays: row.urgent_deadline_days,
    declineWithdraws: row.decline_withdraws,
    monthlyFee: row.monthly_fee,
  };
}

/** A child's age in whole months on a date, in SQL (the same expression as placement_candidates). */
export const AGE_MONTHS = (on: string, birth: string) =>
  `(extract(year from age(${on}, ${birth})) * 12 + extract(month from age(${on}, ${birth})))`;

/** The age group the child falls in at each facility on `date` (facilities without one: absent). */
export async function ageGroupsAt(
  ctx: TenantContext,
  childId: string,
  facilityIds: string[],
  date: string,
): Promise<Map<string, AgeGroup>> {
  const rows = await sql<{ facility_id: string; age_group: AgeGroup }>(
    ctx,
    `with child as (select ${AGE_MONTHS('d.on', 'c.birth_date')} as months
                    from children c, (select ?::date as on) d where c.tenant_id = ? and c.id = ?)
     select g.facility_id, g.age_group from facility_age_groups g, child
     where g.tenant_id = ? and g.facility_id = any(?::uuid[])
       and child.months >= g.min_months and child.months < g.max_months`,
    [date, ctx.tenant.id, childId, ctx.tenant.id, uuids(facilityIds)],
  );
  return new Map(rows.map((r) => [r.facility_id, r.age_group]));
}

/** The criterion codes a tenant knows (its own and its facilities'), with the tenant's label. */
export async function knownCriteria(ctx: TenantContext): Promise<Map<string, string>> {
  const rows = await sql<{ code: string; label: string }>(
    ctx,
    `select distinct on (code) code, label from admission_criteria where tenant_id = ?
     order by code, facility_id nulls first`,
    [ctx.tenant.id],
  );
  return new Map(rows.map((r) => [r.code, r.label]));
}

/** A facility age group's counter, locked (`FOR NO KEY UPDATE`), with its open offers. */
export interface GroupPlaces {
  id: string;
  capacity: number;
  placesTaken: number;
  openOffers: number;
  free: number;
}

export async function lockGroup(
  ctx: TenantContext,
  facilityId: string,
  ageGroup: AgeGroup,
): Promise<GroupPlaces | null> {
  const [row] = await sql<{ id: string; capacity: number; places_taken: number }>(
    ctx,
    `select id, capacity, places_taken from facility_age_groups
     where tenant_id = ? and facility_id = ? and age_group = ?::placement_age_group for no key update`,
    [ctx.tenant.id, facilityId, ageGroup],
  );
  if (!row) return null;
  const [offers] = await sql<{ n: number }>(
    ctx,
    `select count(*)::int as n from placement_offers
     where tenant_id = ? and facility_id = ? and age_group = ?::placement_age_group and status = 'OFFERED'`,
    [ctx.tenant.id, facilityId, ageGroup],
  );
  return {
    id: row.id,
    capacity: row.capacity,
    placesTaken: row.places_taken,
    openOffers: offers.n,
    free: Math.max(0, row.capacity - row.places_taken - offers.n),
  };
}

/** Takes one place of the counter if one is left (the CHECK holds it anyway); false when full. */
export async function takePlace(
  ctx: TenantContext,
  facilityId: string,
  ageGroup: AgeGroup,
): Promise<boolean> {
  const rows = await sql(
    ctx,
    `update facility_age_groups set places_taken = places_taken + 1
     where tenant_id = ? and facility_id = ? and age_group = ?::placement_age_group and places_taken < capacity
     returning id`,
    [ctx.tenant.id, facilityId, ageGroup],
  );
  return rows.length === 1;
}

/** Gives a place back to its counter (a placement ended, or moved by a transfer). */
export async function releasePlace(
  ctx: TenantContext,
  facilityId: string,
  ageGroup: AgeGroup,
): Promise<void> {
  await sql(
    ctx,
    `update facility_age_groups set places_taken = places_taken - 1
     where tenant_id = ? and facility_id = ? and age_group = ?::placement_age_group returning id`,
    [ctx.tenant.id, facilityId, ageGroup],
  );
}

/** `{a,b}`: a uuid[] parameter. */
export const uuids = (ids: string[]) => `{${ids.join(',')}}`;
