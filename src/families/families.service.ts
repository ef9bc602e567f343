import type { TenantContext } from '../auth/context';
import { can, Scope } from '../auth/viewer';
import { NotFoundError } from '../shared/errors';
import { paginate, sql, type Condition, type Page, type PageArgs } from '../shared/pagination';
import type { ChildFacts } from '../facilities/eligibility';
import { Facility, FacilityKind } from '../facilities/facility.entity';
import { Child } from './child.entity';
import { Family } from './family.entity';

/** Agents, admins and keys with `families:read` see every family of the tenant; a parent, their own. */
export function canSeeFamily(ctx: TenantContext, familyId: string): boolean {
  return can(ctx.viewer, Scope.FAMILIES_READ) || ctx.viewer.familyId === familyId;
}

/** A family's money (invoices, payments, plans, account): `billing:read` (staff), or the family itself. */
export function canSeeFamilyBilling(ctx: TenantContext, familyId: string): boolean {
  return can(ctx.viewer, Scope.BILLING_READ) || ctx.viewer.familyId === familyId;
}

/**
 * A child of the tenant the viewer may act for: a parent, their own children; staff and keys that
 * read families, book or take the roll, any. NOT_FOUND otherwise (never revealing that it exists).
 */
export async function visibleChild(ctx: TenantContext, childId: string): Promise<Child> {
  const child = await ctx.em.findOne(Child, { id: childId });
  const { viewer } = ctx;
  const visible =
    child &&
    (viewer.familyId
      ? await isHouseholdOf(ctx, child, viewer.familyId)
      : can(viewer, Scope.FAMILIES_READ) ||
        can(viewer, Scope.RESERVATIONS_WRITE) ||
        can(viewer, Scope.ATTENDANCE_WRITE));
  if (!visible) throw new NotFoundError('Child');
  return child;
}

/**
 * Whether a household is one of the child's: its own, or another in shared custody (a parent of
 * either books and sees the child; each household its own bookings).
 */
export async function isHouseholdOf(ctx: TenantContext, child: Child, familyId: string): Promise<boolean> {
  if (child.family.id === familyId) return true;
  const rows = await ctx.em.execute<unknown[]>(
    `select 1 from child_households where tenant_id = ? and child_id = ? and family_id = ?`,
    [ctx.tenant.id, child.id, familyId],
    'all',
    ctx.em.getLoggerContext(),
  );
  return rows.length > 0;
}

/** What eligibility needs to know of a child (its birth date, its school and whether it is one). */
export async function childFacts(ctx: TenantContext, child: Child): Promise<ChildFacts> {
  const school = child.school ? await ctx.em.findOne(Facility, { id: child.school.id }) : null;
  return {
    birthDate: child.birthDate,
    schoolId: school?.id ?? null,
    atSchool: school?.kind === FacilityKind.SCHOOL,
  };
}

/**
 * The tenant's families by name, optionally those matching `search` (at most 100 characters,
 * declared on the argument): the words typed, in any order, each found in the family's name, its
 * legacy file number or its guardians' names and emails — whatever the case, the accents, the
 * Unicode form and the apostrophes, hyphens or spaces typed; or, when only digits are typed (at
 * least six), a guardian's phone whatever its spacing or `+33`. The normalisation is PostgreSQL's
 * (`guichet_normalize`, the same as the generated `search_text`), served by a trigram index.
 */
export function listFamilies(
  ctx: TenantContext,
  args: PageArgs & { search?: string | null },
): Promise<Page<Family>> {
  return paginate(
    ctx.em,
    {
      entity: Family,
      table: 'families',
      tenantId: ctx.tenant.id,
      orderBy: ['name', 'id'],
      direction: 'asc',
      // Archived and merged households leave the list (they stay on invoices and in history).
      where: [
        sql('t.archived_at is null and t.merged_into_id is null'),
        ...searchConditions(args.search ?? ''),
      ],
    },
    args,
  );
}

/** The SQL conditions a search text becomes (none for an empty one). */
export function searchConditions(search: string): Condition[] {
  const text = search.trim();
  const digits = text.replace(/[^0-9]/g, '');
  if (/^[+\d\s().\-/]+$/.test(text) && digits.length >= 6) {
    const national = digits.startsWith('0033')
      ? `0${digits.slice(4)}`
      : digits.startsWith('33') && digits.length === 11
        ? `0${digits.slice(2)}`
        : digits;
    return [matching([national])];
  }
  const words = text
    .split(/[\s'’`\-.,;/]+/)
    .filter((word) => word.length > 0)
    .slice(0, 10);
  return words.length ? [matching(words)] : [];
}

/**
 * Families whose search text holds every word (normalised by PostgreSQL), found through the
 * trigram index by `guichet_search_family_ids`, in the transaction's tenant only (see the
 * migration FamilySearchIndex for why not a LIKE on `families` itself).
 */
function matching(words: string[]): Condition {
  return sql(
    `t.id in (select guichet_search_family_ids(array(select json_array_elements_text(?::json))))`,
    JSON.stringify(words),
  );
}

/** A family by id, if the viewer may see it; otherwise NOT_FOUND (never revealing that it exists). */
export async function getFamily(ctx: TenantContext, familyId: string): Promise<Family> {
  const found = canSeeFamily(ctx, familyId) ? await ctx.em.findOne(Family, { id: familyId }) : null;
  // A merged family's ID resolves to the family it was merged into.
  const family = found?.mergedIntoId ? await ctx.em.findOne(Family, { id: found.mergedIntoId }) : found;
  if (!family) throw new NotFoundError('Family');
  return family;
}
