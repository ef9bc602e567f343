import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { Child, Diet } from '../../families/child.entity';
import { Facility, FacilityKind } from '../../facilities/facility.entity';
import { Family } from '../../families/family.entity';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { todayIn } from '../../shared/dates';
import { msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { Checks } from '../validation';
import { liveAhead } from './family-admin.service';

const notFound = (what: 'Family' | 'Child', field: string) =>
  refuse<never>(UserErrorCode.NOT_FOUND, msg('notFound', { what }), [field]);

export const childSnapshot = (c: Child) => ({
  firstName: c.firstName,
  lastName: c.lastName,
  birthDate: c.birthDate,
  schoolId: c.school?.id ?? null,
  schoolClass: c.schoolClass ?? null,
  diet: c.diet,
});

/** A live family (not archived, not merged) of the tenant, or null. */
const liveFamily = async (ctx: TenantContext, id: string) => {
  const family = await ctx.em.findOne(Family, { id, mergedIntoId: null, archivedAt: null });
  return family;
};

/** A school or crèche of the tenant that takes pupils (not archived), or a refusal's reason. */
async function checkSchool(ctx: TenantContext, checks: Checks, schoolId: string): Promise<Facility | null> {
  const school = await ctx.em.findOne(Facility, { id: schoolId, archivedAt: null });
  if (!school) {
    checks.add({
      code: UserErrorCode.NOT_FOUND,
      message: msg('admin.notFound', { what: 'Facility' }),
      field: ['schoolId'],
    });
  } else if (school.kind !== FacilityKind.SCHOOL && school.kind !== FacilityKind.NURSERY) {
    checks.add({
      code: UserErrorCode.INVALID,
      message: msg('admin.notASchool', { name: school.name }),
      field: ['schoolId'],
    });
  }
  return school;
}

/** Another live child of the family with the same names (whatever the case and accents) and birth date. */
async function sameChild(
  ctx: TenantContext,
  c: { familyId: string; firstName: string; lastName: string; birthDate: string; exceptId?: string },
): Promise<{ id: string } | undefined> {
  const [row] = await ctx.em.execute<{ id: string }[]>(
    `select id from children where tenant_id = ? and family_id = ? and archived_at is null
       and birth_date = ? and guichet_normalize(first_name || ' ' || last_name) = guichet_normalize(? || ' ' || ?)
       and id is distinct from ?::uuid limit 1`,
    [ctx.tenant.id, c.familyId, c.birthDate, c.firstName, c.lastName, c.exceptId ?? null],
    'all',
    ctx.em.getLoggerContext(),
  );
  return row;
}

export interface AddChildInput {
  familyId: string;
  firstName: string;
  lastName: string;
  birthDate: string;
  schoolId?: string | null;
  schoolClass?: string | null;
  diet?: Diet | null;
}

/** Enrols a child in a household. DUPLICATE for a child of the family with the same names and birth date. */
export const addChild = idempotentMutation(
  'addChild',
  async (ctx: TenantContext, input: AddChildInput): Promise<Outcome<{ childId: string }>> => {
    const checks = new Checks();
    const firstName = checks.text(input.firstName, ['firstName']);
    const lastName = checks.text(input.lastName, ['lastName']);
    checks.birthDate(input.birthDate, ['birthDate'], todayIn(ctx.tenant.timeZone, ctx.now()));
    const schoolClass = checks.optionalText(input.schoolClass, ['schoolClass'], 64);
    const family = await liveFamily(ctx, input.familyId);
    if (!family) return notFound('Family', 'familyId');
    const school = input.schoolId ? await checkSchool(ctx, checks, input.schoolId) : null;
    if (!checks.ok) return { value: null, userErrors: checks.errors };
    const twin = await sameChild(ctx, {
      familyId: family.id,
      firstName,
      lastName,
      birthDate: input.birthDate,
    });
    if (twin) {
      return refuse(
        UserErrorCode.DUPLICATE,
        msg('admin.duplicateChild', { name: `${firstName} ${lastName}` }),
        ['firstName'],
        {
          related: { type: 'Child', id: twin.id },
        },
      );
    }
    const child = ctx.em.create(Child, {
      tenantId: ctx.tenant.id,
      family: family.id,
      firstName,
      lastName,
      birthDate: input.birthDate,
      school: school?.id ?? null,
      schoolClass,
      diet: input.diet ?? Diet.STANDARD,
    });
    audit(ctx, {
      action: 'CHILD_ADDED',
      familyId: family.id,
      subjectId: child.id,
      details: { before: null, after: childSnapshot(child) },
    });
    await ctx.em.flush();
    return done({ childId: child.id });
  },
);

export interface UpdateChildInput {
  childId: string;
  firstName?: string | null;
  lastName?: string | null;
  birthDate?: string | null;
  schoolId?: string | null;
  leaveSchool?: boolean | null;
  schoolClass?: string | null;
  diet?: Diet | null;
}

/** Changes a child's names, birth date, diet, class, or school (a move to another school). Staff; audited. */
export const updateChild = idempotentMutation(
  'updateChild',
  async (ctx: TenantContext, input: UpdateChildInput): Promise<Outcome<{ childId: string }>> => {
    const child = await ctx.em.findOne(Child, { id: input.childId, mergedIntoId: null, archivedAt: null });
    if (!child) return notFound('Child', 'childId');
    const checks = new Checks();
    const before = childSnapshot(child);
    const firstName = input.firstName != null ? checks.text(input.firstName, ['firstName']) : child.firstName;
    const lastName = input.lastName != null ? checks.text(input.lastName, ['lastName']) : child.lastName;
    if (input.birthDate)
      checks.birthDate(input.birthDate, ['birthDate'], todayIn(ctx.tenant.timeZone, ctx.now()));
    const schoolClass =
      input.schoolClass != null
        ? checks.optionalText(input.schoolClass, ['schoolClass'], 64)
        : child.schoolClass;
    if (input.leaveSchool && input.schoolId) {
      checks.add({
        code: UserErrorCode.INVALID,
        message: msg('input.eitherOr', { first: '"schoolId"', second: '"leaveSchool"' }),
        field: ['leaveSchool'],
      });
    }
    const school = input.schoolId ? await checkSchool(ctx, checks, input.schoolId) : null;
    if (!checks.ok) return { value: null, userErrors: checks.errors };
    const birthDate = input.birthDate ?? child.birthDate;
    const twin = await sameChild(ctx, {
      familyId: child.family.id,
      firstName,
      lastName,
      birthDate,
      exceptId: child.id,
    });
    if (twin) {
      return refuse(
        UserErrorCode.DUPLICATE,
        msg('admin.duplicateChild', { name: `${firstName} ${lastName}` }),
        ['firstName'],
        {
          related: { type: 'Child', id: twin.id },
        },
      );
    }
    child.firstName = firstName;
    child.lastName = lastName;
    child.birthDate = birthDate;
    child.schoolClass = schoolClass ?? null;
    if (input.diet) child.diet = input.diet;
    if (school) child.school = ctx.em.getReference(Facility, school.id) as never;
    if (input.leaveSchool) child.school = null;
    audit(ctx, {
      action: 'CHILD_UPDATED',
      familyId: child.family.id,
      subjectId: child.id,
      details: { before, after: childSnapshot(child) },
    });
    await ctx.em.flush();
    return done({ childId: child.id });
  },
);

/** Archives a child (left the town, grown up): out of lists and bookings, kept on invoices. Staff; audited. */
export const archiveChild = idempotentMutation(
  'archiveChild',
  async (ctx: TenantContext, input: { childId: string }): Promise<Outcome<{ childId: string }>> => {
    const child = await ctx.em.findOne(Child, { id: input.childId, mergedIntoId: null, archivedAt: null });
    if (!child) return notFound('Child', 'childId');
    const ahead = await liveAhead(ctx, 'child_id', child.id);
    if (ahead.reservations || ahead.waitlisted) {
      return refuse(UserErrorCode.NOT_ALLOWED, msg('admin.archiveWithBookings', ahead), ['childId']);
    }
    child.archivedAt = ctx.now();
    audit(ctx, {
      action: 'CHILD_ARCHIVED',
      familyId: child.family.id,
      subjectId: child.id,
      details: { before: { archivedAt: null }, after: { archivedAt: child.archivedAt.toISOString() } },
    });
    await ctx.em.flush();
    return done({ childId: child.id });
  },
);

/**
 * Shared custody: the child also belongs to another household, which books (and pays for) its
 * own days. INVALID when it is already the child's household. Staff; audited.
 */
export const addChildHousehold = idempotentMutation(
  'addChildHousehold',
  async (
    ctx: TenantContext,
    input: { childId: string; familyId: string },
  ): Promise<Outcome<{ childId: string }>> => {
    const child = await ctx.em.findOne(Child, { id: input.childId, mergedIntoId: null, archivedAt: null });
    if (!child) return notFound('Child', 'childId');
    const family = await liveFamily(ctx, input.familyId);
    if (!family) return notFound('Family', 'familyId');
    const households = await childHouseholds(ctx, child.id);
    if (child.family.id === family.id || households.includes(family.id)) {
      return refuse(UserErrorCode.INVALID, msg('admin.alreadyHousehold'), ['familyId']);
    }
    await ctx.em.execute(
      `insert into child_households (tenant_id, child_id, family_id, created_at) values (?, ?, ?, ?)`,
      [ctx.tenant.id, child.id, family.id, ctx.now()],
      'run',
      ctx.em.getLoggerContext(),
    );
    audit(ctx, {
      action: 'CHILD_HOUSEHOLD_ADDED',
      familyId: family.id,
      subjectId: child.id,
      details: { before: { households: households }, after: { households: [...households, family.id] } },
    });
    await ctx.em.flush();
    return done({ childId: child.id });
  },
);

/** Ends shared custody with a household (its past bookings and charges stay its own). Staff; audited. */
export const removeChildHousehold = idempotentMutation(
  'removeChildHousehold',
  async (
    ctx: TenantContext,
    input: { childId: string; familyId: string },
  ): Promise<Outcome<{ childId: string }>> => {
    const child = await ctx.em.findOne(Child, { id: input.childId, mergedIntoId: null });
    if (!child) return notFound('Child', 'childId');
    const households = await childHouseholds(ctx, child.id);
    if (!households.includes(input.familyId)) {
      return refuse(UserErrorCode.NOT_FOUND, msg('admin.notAHousehold'), ['familyId']);
    }
    // That household's bookings of the child ahead, and its places in line for the child (a
    // waitlist would otherwise book the child for a household it no longer belongs to).
    const today = todayIn(ctx.tenant.timeZone, ctx.now());
    const [ahead] = await ctx.em.execute<{ reservations: number; waitlisted: number }[]>(
      `select
         (select count(*)::int from reservations r join sessions s on s.tenant_id = r.tenant_id and s.id = r.session_id
          where r.tenant_id = ? and r.child_id = ? and r.family_id = ? and r.status = 'BOOKED' and s.date >= ?) as reservations,
         (select count(*)::int from waitlist_entries e join sessions s on s.tenant_id = e.tenant_id and s.id = e.session_id
          where e.tenant_id = ? and e.child_id = ? and e.family_id = ? and e.status in ('WAITING', 'OFFERED')
            and s.date >= ?) as waitlisted`,
      [ctx.tenant.id, child.id, input.familyId, today, ctx.tenant.id, child.id, input.familyId, today],
      'all',
      ctx.em.getLoggerContext(),
    );
    if (ahead.reservations || ahead.waitlisted) {
      return refuse(UserErrorCode.NOT_ALLOWED, msg('admin.archiveWithBookings', ahead), ['familyId']);
    }
    await ctx.em.execute(
      `delete from child_households where tenant_id = ? and child_id = ? and family_id = ?`,
      [ctx.tenant.id, child.id, input.familyId],
      'run',
      ctx.em.getLoggerContext(),
    );
    audit(ctx, {
      action: 'CHILD_HOUSEHOLD_REMOVED',
      familyId: input.familyId,
      subjectId: child.id,
      details: {
        before: { households },
        after: { households: households.filter((id) => id !== input.familyId) },
      },
    });
    await ctx.em.flush();
    return done({ childId: child.id });
  },
);

/** The child's other households (shared custody), beside `children.family_id`. */
export async function childHouseholds(ctx: TenantContext, childId: string): Promise<string[]> {
  const rows = await ctx.em.execute<{ family_id: string }[]>(
    `select family_id from child_households where tenant_id = ? and child_id = ? order by created_at, family_id`,
    [ctx.tenant.id, childId],
    'all',
    ctx.em.getLoggerContext(),
  );
  return rows.map((r) => r.family_id);
}
