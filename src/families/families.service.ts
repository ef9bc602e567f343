import type { TenantContext } from '../auth/context';
import { can, Scope } from '../auth/viewer';
import { NotFoundError } from '../shared/errors';
import { paginate, sql, type Page, type PageArgs } from '../shared/pagination';
import { Family } from './family.entity';

/** Agents, admins and keys with `families:read` see every family of the tenant; a parent, their own. */
export function canSeeFamily(ctx: TenantContext, familyId: string): boolean {
  return can(ctx.viewer, Scope.FAMILIES_READ) || ctx.viewer.familyId === familyId;
}

/** A family's money (invoices, payments, plans, account): `billing:read` (staff), or the family itself. */
export function canSeeFamilyBilling(ctx: TenantContext, familyId: string): boolean {
  return can(ctx.viewer, Scope.BILLING_READ) || ctx.viewer.familyId === familyId;
}

/** The tenant's families by name, optionally those whose name or guardians match `search` (≤ 100 characters, declared on the argument). */
export function listFamilies(
  ctx: TenantContext,
  args: PageArgs & { search?: string | null },
): Promise<Page<Family>> {
  const search = args.search?.trim().toLowerCase();
  return paginate(
    ctx.em,
    {
      entity: Family,
      table: 'families',
      tenantId: ctx.tenant.id,
      orderBy: ['name', 'id'],
      direction: 'asc',
      where: search ? [sql(`t.search_text like ?`, `%${escapeLike(search)}%`)] : [],
    },
    args,
  );
}

/** A family by id, if the viewer may see it; otherwise NOT_FOUND (never revealing that it exists). */
export async function getFamily(ctx: TenantContext, familyId: string): Promise<Family> {
  const family = canSeeFamily(ctx, familyId) ? await ctx.em.findOne(Family, { id: familyId }) : null;
  if (!family) throw new NotFoundError('Family');
  return family;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
