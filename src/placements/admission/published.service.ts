import type { TenantContext } from '../../auth/context';
import type { AgeGroup } from '../entities';
import { placementPolicy, sql } from './policy';

/** A criterion as a commission publishes it: the tenant's points, and the facilities' own. */
export interface PublishedCriterion {
  code: string;
  label: string;
  /** The tenant's points; null when only some facilities have this criterion (e.g. staff children). */
  points: number | null;
  /** Facilities that give it their own points (or have it as their own), by facility name. */
  facilities: { facilityId: string; label: string; points: number }[];
}

export interface PublishedAgeGroup {
  ageGroup: AgeGroup;
  minMonths: number;
  maxMonths: number;
  capacity: number;
  placesTaken: number;
}

/** A childcare facility's age groups and places, and its last day if temporary. */
export interface FacilityAdmission {
  facilityId: string;
  endsOn: string | null;
  ageGroups: PublishedAgeGroup[];
}

/** The tenant's admission policy: everything a family is ranked by, in one read. */
export interface PublishedPolicy {
  applicationsOpen: boolean;
  maxPreferences: number;
  offerDays: number;
  urgentDeadlineDays: number;
  declineWithdraws: boolean;
  criteria: PublishedCriterion[];
  facilities: FacilityAdmission[];
}

/**
 * The admission policy as a commission publishes it (docs/placements.md, "The rules"): the
 * tenant's rules, its criteria with their points and each facility's own values, and each childcare
 * facility's age groups with their places. Criteria by tenant points (highest first; facility-only
 * ones last), then code; facilities by name. Archived facilities are left out.
 */
export async function publishedPolicy(ctx: TenantContext): Promise<PublishedPolicy> {
  const policy = await placementPolicy(ctx);
  const rows = await sql<{ code: string; label: string; points: number; facility_id: string | null }>(
    ctx,
    `select c.code, c.label, c.points, c.facility_id from admission_criteria c
     left join facilities f on f.tenant_id = c.tenant_id and f.id = c.facility_id
     where c.tenant_id = ? and (c.facility_id is null or f.archived_at is null)
     order by c.code, c.facility_id is not null, f.name, f.id`,
    [ctx.tenant.id],
  );
  const byCode = new Map<string, PublishedCriterion>();
  for (const r of rows) {
    let criterion = byCode.get(r.code);
    if (!criterion) {
      byCode.set(r.code, (criterion = { code: r.code, label: r.label, points: null, facilities: [] }));
    }
    if (r.facility_id === null) criterion.points = r.points;
    else criterion.facilities.push({ facilityId: r.facility_id, label: r.label, points: r.points });
  }
  const criteria = [...byCode.values()].sort(
    (a, b) =>
      (b.points ?? Number.NEGATIVE_INFINITY) - (a.points ?? Number.NEGATIVE_INFINITY) ||
      a.code.localeCompare(b.code),
  );
  const groups = await sql<{
    facility_id: string;
    ends_on: string | null;
    age_group: AgeGroup;
    min_months: number;
    max_months: number;
    capacity: number;
    places_taken: number;
  }>(
    ctx,
    `select g.facility_id, to_char(f.ends_on, 'YYYY-MM-DD') as ends_on, g.age_group, g.min_months, g.max_months,
       g.capacity, g.places_taken
     from facility_age_groups g join facilities f on f.tenant_id = g.tenant_id and f.id = g.facility_id
     where g.tenant_id = ? and f.archived_at is null order by f.name, f.id, g.min_months`,
    [ctx.tenant.id],
  );
  const facilities = new Map<string, FacilityAdmission>();
  for (const g of groups) {
    let facility = facilities.get(g.facility_id);
    if (!facility) {
      facilities.set(
        g.facility_id,
        (facility = { facilityId: g.facility_id, endsOn: g.ends_on, ageGroups: [] }),
      );
    }
    facility.ageGroups.push({
      ageGroup: g.age_group,
      minMonths: g.min_months,
      maxMonths: g.max_months,
      capacity: g.capacity,
      placesTaken: g.places_taken,
    });
  }
  return {
    applicationsOpen: ctx.tenant.config.placementApplicationsOpen,
    maxPreferences: policy.maxPreferences,
    offerDays: policy.offerDays,
    urgentDeadlineDays: policy.urgentDeadlineDays,
    declineWithdraws: policy.declineWithdraws,
    criteria,
    facilities: [...facilities.values()],
  };
}
