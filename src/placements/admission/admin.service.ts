import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { Facility, FacilityKind } from '../../facilities/facility.entity';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import type { AgeGroup } from '../entities';
import { DEFAULT_POLICY, placementPolicy, sql, type PlacementPolicy } from './policy';
import { tenantToChange } from '../../tenants/tenants.service';

/**
 * Opens or closes the families' window for applications (tenant admins; audited). Closing never
 * touches an application: registration instants and ranks stay; agents keep working.
 */
export async function setPlacementApplicationsOpen(
  ctx: TenantContext,
  input: { open: boolean; reason: string },
): Promise<Outcome<{ open: boolean }>> {
  const reason = input.reason.trim();
  if (!reason) return refuse(UserErrorCode.INVALID, msg('placement.reasonRequired'), ['reason']);
  const tenant = await tenantToChange(ctx);
  const from = tenant.config.placementApplicationsOpen;
  tenant.config.placementApplicationsOpen = input.open;
  tenant.updatedAt = ctx.now();
  audit(ctx, {
    action: 'PLACEMENT_WINDOW_CHANGED',
    subjectId: ctx.tenant.id,
    details: { from, to: input.open, reason },
  });
  await ctx.em.flush();
  return done({ open: input.open });
}

/** A facility's age group and its capacity (tenant admins): never below the places already taken. */
export async function setFacilityAgeGroup(
  ctx: TenantContext,
  input: { facilityId: string; ageGroup: AgeGroup; minMonths: number; maxMonths: number; capacity: number },
): Promise<Outcome<{ facilityId: string }>> {
  const facility = await ctx.em.findOne(Facility, { id: input.facilityId });
  if (!facility) return refuse(UserErrorCode.NOT_FOUND, msg('placement.facilityNotFound'), ['facilityId']);
  if (input.minMonths < 0 || input.maxMonths <= input.minMonths) {
    return refuse(UserErrorCode.INVALID, msg('placement.ageGroupMonths'), ['maxMonths']);
  }
  if (input.capacity < 0)
    return refuse(UserErrorCode.INVALID, msg('placement.capacityBelowTaken', { taken: 0 }), ['capacity']);
  const [current] = await sql<{ places_taken: number }>(
    ctx,
    `select places_taken from facility_age_groups where tenant_id = ? and facility_id = ? and age_group = ?::placement_age_group
     for no key update`,
    [ctx.tenant.id, facility.id, input.ageGroup],
  );
  if (current && input.capacity < current.places_taken) {
    return refuse(
      UserErrorCode.INVALID,
      msg('placement.capacityBelowTaken', { taken: current.places_taken }),
      ['capacity'],
    );
  }
  await sql(
    ctx,
    `insert into facility_age_groups (id, tenant_id, facility_id, age_group, min_months, max_months, capacity)
     values (?, ?, ?, ?::placement_age_group, ?, ?, ?)
     on conflict (tenant_id, facility_id, age_group) do update
       set min_months = excluded.min_months, max_months = excluded.max_months, capacity = excluded.capacity
     returning id`,
    [
      randomUUID(),
      ctx.tenant.id,
      facility.id,
      input.ageGroup,
      input.minMonths,
      input.maxMonths,
      input.capacity,
    ],
  );
  audit(ctx, { action: 'FACILITY_AGE_GROUP_SET', subjectId: facility.id, details: { ...input } });
  await ctx.em.flush();
  return done({ facilityId: facility.id });
}

/**
 * An admission criterion and its points (tenant admins): the tenant's, or a facility's own value
 * (or own criterion, e.g. a CPE's staff children) with `facilityId`. Ranks change at once.
 */
export async function setAdmissionCriterion(
  ctx: TenantContext,
  input: { code: string; label: string; points: number; facilityId?: string | null },
): Promise<Outcome<{ code: string }>> {
  if (!/^[A-Z][A-Z0-9_]{0,39}$/.test(input.code)) {
    return refuse(UserErrorCode.INVALID, msg('placement.unknownCriterion', { code: input.code }), ['code']);
  }
  if (!Number.isInteger(input.points) || Math.abs(input.points) > 1000) {
    return refuse(UserErrorCode.INVALID, msg('waitlist.adjustment'), ['points']);
  }
  if (input.facilityId && !(await ctx.em.findOne(Facility, { id: input.facilityId }))) {
    return refuse(UserErrorCode.NOT_FOUND, msg('placement.facilityNotFound'), ['facilityId']);
  }
  await sql(
    ctx,
    `insert into admission_criteria (id, tenant_id, code, label, points, facility_id) values (?, ?, ?, ?, ?, ?)
     on conflict (tenant_id, code, coalesce(facility_id, '00000000-0000-0000-0000-000000000000'::uuid))
     do update set label = excluded.label, points = excluded.points returning id`,
    [randomUUID(), ctx.tenant.id, input.code, input.label.trim(), input.points, input.facilityId ?? null],
  );
  audit(ctx, {
    action: 'ADMISSION_CRITERION_SET',
    subjectId: input.facilityId ?? ctx.tenant.id,
    details: { ...input },
  });
  await ctx.em.flush();
  return done({ code: input.code });
}

/**
 * A temporary childcare centre (tenant admins), open until `endDate` — as the ministry's centres
 * were during the outage; urgent places there end with it. Audited.
 */
export const createTemporaryFacility = idempotentMutation(
  'createTemporaryFacility',
  async (
    ctx: TenantContext,
    input: { name: string; address?: string | null; endDate: string; capacity: number },
  ): Promise<Outcome<{ facilityId: string }>> => {
    const name = input.name.trim();
    if (!name) return refuse(UserErrorCode.INVALID, msg('input.required', { field: 'name' }), ['name']);
    if (input.endDate < ctx.now().toISOString().slice(0, 10)) {
      return refuse(UserErrorCode.INVALID, msg('placement.endBeforeStart'), ['endDate']);
    }
    const facility = ctx.em.create(Facility, {
      id: randomUUID(),
      tenantId: ctx.tenant.id,
      name,
      kind: FacilityKind.CHILDCARE_CENTRE,
      capacity: Math.max(0, input.capacity),
      address: input.address?.trim() || null,
      // Temporary: it closes after this day (the administration catalogue's end date).
      endsOn: input.endDate,
    });
    audit(ctx, {
      action: 'TEMPORARY_FACILITY_CREATED',
      subjectId: facility.id,
      details: { name, endDate: input.endDate },
    });
    await ctx.em.flush();
    return done({ facilityId: facility.id });
  },
);

/** The tenant's placement rules (tenant admins); fields omitted keep their value. Audited. */
export async function setPlacementPolicy(
  ctx: TenantContext,
  input: Partial<PlacementPolicy>,
): Promise<Outcome<PlacementPolicy>> {
  const current = await placementPolicy(ctx);
  const next: PlacementPolicy = { ...DEFAULT_POLICY, ...current };
  for (const [key, value] of Object.entries(input)) {
    // null clears the monthly fee; elsewhere, like an omitted field, it keeps the value.
    if (value !== undefined && (value !== null || key === 'monthlyFee')) {
      (next as unknown as Record<string, unknown>)[key] = value;
    }
  }
  const ranges: [keyof PlacementPolicy, number, number][] = [
    ['maxPreferences', 1, 20],
    ['offerDays', 1, 60],
    ['urgentDeadlineDays', 1, 365],
    ['monthlyFee', 0, 10_000_000],
  ];
  for (const [field, min, max] of ranges) {
    const value = field === 'monthlyFee' ? (next.monthlyFee ?? 0) : (next[field] as number);
    if (!Number.isInteger(value) || value < min || value > max) {
      return refuse(UserErrorCode.INVALID, msg('input.outOfRange', { field, min, max, value }), [field]);
    }
  }
  await sql(
    ctx,
    `insert into placement_policies (tenant_id, max_preferences, offer_days, urgent_deadline_days, decline_withdraws, monthly_fee)
     values (?, ?, ?, ?, ?, ?)
     on conflict (tenant_id) do update set max_preferences = excluded.max_preferences, offer_days = excluded.offer_days,
       urgent_deadline_days = excluded.urgent_deadline_days, decline_withdraws = excluded.decline_withdraws,
       monthly_fee = excluded.monthly_fee returning tenant_id`,
    [
      ctx.tenant.id,
      next.maxPreferences,
      next.offerDays,
      next.urgentDeadlineDays,
      next.declineWithdraws,
      next.monthlyFee,
    ],
  );
  audit(ctx, {
    action: 'PLACEMENT_POLICY_SET',
    subjectId: ctx.tenant.id,
    details: { from: current, to: next },
  });
  await ctx.em.flush();
  return done(next);
}
