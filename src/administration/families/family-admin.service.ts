import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { Family, type Guardian } from '../../families/family.entity';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { todayIn } from '../../shared/dates';
import { msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { MAX_QUOTIENT } from './quotient.service';
import { Checks } from '../validation';
import { checkGuardians, duplicateChecks, lockFamilyRegister, type GuardianFields } from './family-checks';

export interface RegisterFamilyInput {
  name: string;
  guardians: GuardianFields[];
  address?: string | null;
  postalCode?: string | null;
  city?: string | null;
  familyQuotient?: number | null;
  externalRef?: string | null;
}

/** What an audit event shows of a family (its contact details, never more). */
export const familySnapshot = (f: Family) => ({
  name: f.name,
  guardians: f.guardians.map((g) => ({ ...g })),
  address: f.address ?? null,
  postalCode: f.postalCode ?? null,
  city: f.city ?? null,
  externalRef: f.externalRef ?? null,
});

/**
 * Registers a household with its guardians. Refused (nothing written) for bad input, and as a
 * DUPLICATE when its external reference or a guardian's email is already another family's in the
 * tenant — the checks run under a tenant-wide lock, so two registrations at once cannot both
 * pass. Agents and tenant admins; audited.
 */
export const registerFamily = idempotentMutation(
  'registerFamily',
  async (ctx: TenantContext, input: RegisterFamilyInput): Promise<Outcome<{ familyId: string }>> => {
    const checks = new Checks();
    const name = checks.text(input.name, ['name']);
    const guardians = checkGuardians(checks, input.guardians);
    const address = checks.optionalText(input.address, ['address'], 500);
    const postalCode = checks.optionalText(input.postalCode, ['postalCode'], 16);
    const city = checks.optionalText(input.city, ['city']);
    const externalRef = checks.optionalText(input.externalRef, ['externalRef']);
    checks.range(input.familyQuotient, ['familyQuotient'], 0, MAX_QUOTIENT);
    if (!checks.ok) return { value: null, userErrors: checks.errors };
    await lockFamilyRegister(ctx);
    await duplicateChecks(ctx, checks, { externalRef, emails: guardians.map((g) => g.email ?? null) });
    if (!checks.ok) return { value: null, userErrors: checks.errors };
    const family = ctx.em.create(Family, {
      tenantId: ctx.tenant.id,
      name,
      guardians,
      address,
      postalCode,
      city,
      externalRef,
      familyQuotient: input.familyQuotient ?? null,
      createdAt: ctx.now(),
    });
    audit(ctx, {
      action: 'FAMILY_REGISTERED',
      familyId: family.id,
      subjectId: family.id,
      details: { before: null, after: { ...familySnapshot(family), familyQuotient: family.familyQuotient } },
    });
    await ctx.em.flush();
    return done({ familyId: family.id });
  },
);

export interface UpdateFamilyInput {
  familyId: string;
  name?: string | null;
  guardians?: GuardianFields[] | null;
  address?: string | null;
  postalCode?: string | null;
  city?: string | null;
  externalRef?: string | null;
}

/**
 * Changes a household's details: staff any of them, a parent their own family's contact details
 * (guardians, address) — the name and external reference are staff's (NOT_ALLOWED). Omitted
 * fields stay; an empty address, postal code or city clears it. Audited (before → after).
 */
export const updateFamily = idempotentMutation(
  'updateFamily',
  async (ctx: TenantContext, input: UpdateFamilyInput): Promise<Outcome<{ familyId: string }>> => {
    const parent = Boolean(ctx.viewer.familyId);
    if (parent && ctx.viewer.familyId !== input.familyId) {
      return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Family' }), ['familyId']);
    }
    const family = await ctx.em.findOne(Family, { id: input.familyId, mergedIntoId: null });
    if (!family || family.archivedAt) {
      return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Family' }), ['familyId']);
    }
    const checks = new Checks();
    if (parent) {
      for (const field of ['name', 'externalRef'] as const) {
        if (input[field] !== undefined && input[field] !== null) {
          checks.add({
            code: UserErrorCode.NOT_ALLOWED,
            message: msg('admin.staffOnly', { field }),
            field: [field],
          });
        }
      }
    }
    const before = familySnapshot(family);
    const name = input.name != null ? checks.text(input.name, ['name']) : family.name;
    const guardians: Guardian[] = input.guardians
      ? checkGuardians(checks, input.guardians)
      : family.guardians;
    const clearable = (
      value: string | null | undefined,
      field: string,
      max: number,
      current?: string | null,
    ) =>
      value === undefined || value === null ? (current ?? null) : checks.optionalText(value, [field], max);
    const address = clearable(input.address, 'address', 500, family.address);
    const postalCode = clearable(input.postalCode, 'postalCode', 16, family.postalCode);
    const city = clearable(input.city, 'city', 255, family.city);
    const externalRef = clearable(input.externalRef, 'externalRef', 255, family.externalRef);
    if (!checks.ok) return { value: null, userErrors: checks.errors };
    await lockFamilyRegister(ctx);
    await duplicateChecks(ctx, checks, {
      externalRef: externalRef !== family.externalRef ? externalRef : null,
      emails: input.guardians ? guardians.map((g) => g.email ?? null) : [],
      exceptId: family.id,
    });
    if (!checks.ok) return { value: null, userErrors: checks.errors };
    Object.assign(family, { name, guardians, address, postalCode, city, externalRef });
    audit(ctx, {
      action: 'FAMILY_UPDATED',
      familyId: family.id,
      subjectId: family.id,
      details: { before, after: familySnapshot(family) },
    });
    await ctx.em.flush();
    return done({ familyId: family.id });
  },
);

/**
 * Archives a household: it leaves the families list and can no longer book; its invoices,
 * payments and history stay. Refused while it holds bookings or waitlist entries from today on
 * (cancel them first: they would be billed, or offered places, after it left). Staff; audited.
 */
export const archiveFamily = idempotentMutation(
  'archiveFamily',
  async (ctx: TenantContext, input: { familyId: string }): Promise<Outcome<{ familyId: string }>> => {
    const family = await ctx.em.findOne(Family, { id: input.familyId, mergedIntoId: null });
    if (!family || family.archivedAt) {
      return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Family' }), ['familyId']);
    }
    const ahead = await liveAhead(ctx, 'family_id', family.id);
    if (ahead.reservations || ahead.waitlisted) {
      return refuse(UserErrorCode.NOT_ALLOWED, msg('admin.archiveWithBookings', ahead), ['familyId']);
    }
    family.archivedAt = ctx.now();
    audit(ctx, {
      action: 'FAMILY_ARCHIVED',
      familyId: family.id,
      subjectId: family.id,
      details: { before: { archivedAt: null }, after: { archivedAt: family.archivedAt.toISOString() } },
    });
    await ctx.em.flush();
    return done({ familyId: family.id });
  },
);

/** A family's (or child's) live bookings and waitlist entries on sessions from today on. */
export async function liveAhead(
  ctx: TenantContext,
  column: 'family_id' | 'child_id',
  id: string,
): Promise<{ reservations: number; waitlisted: number }> {
  const today = todayIn(ctx.tenant.timeZone, ctx.now());
  const [row] = await ctx.em.execute<{ reservations: number; waitlisted: number }[]>(
    `select
       (select count(*)::int from reservations r join sessions s on s.tenant_id = r.tenant_id and s.id = r.session_id
        where r.tenant_id = ? and r.${column} = ? and r.status = 'BOOKED' and s.date >= ?) as reservations,
       (select count(*)::int from waitlist_entries e join sessions s on s.tenant_id = e.tenant_id and s.id = e.session_id
        where e.tenant_id = ? and e.${column} = ? and e.status in ('WAITING', 'OFFERED') and s.date >= ?) as waitlisted`,
    [ctx.tenant.id, id, today, ctx.tenant.id, id, today],
    'all',
    ctx.em.getLoggerContext(),
  );
  return row;
}
