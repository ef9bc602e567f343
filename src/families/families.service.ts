import type { FilterQuery } from '@mikro-orm/core';
import { can, Scope } from '../auth/viewer';
import { BadInputError, ForbiddenError, NotFoundError } from '../shared/errors';
import { paginate, type Page, type PageArgs } from '../shared/pagination';
import { requireTenant, type ServiceContext } from '../shared/service-context';
import { Family } from './family.entity';

/** Agents, admins and keys with `families:read` see every family of the tenant; a parent, their own. */
export function canSeeFamily(ctx: ServiceContext, familyId: string): boolean {
  return can(ctx.viewer, Scope.FAMILIES_READ) || ctx.viewer.familyId === familyId;
}

const MAX_SEARCH_LENGTH = 100;

export async function listFamilies(
  ctx: ServiceContext,
  args: PageArgs & { search?: string | null },
): Promise<Page<Family>> {
  requireTenant(ctx);
  if (!can(ctx.viewer, Scope.FAMILIES_READ)) throw new ForbiddenError('Only agents can list families.');
  if (args.search && args.search.length > MAX_SEARCH_LENGTH) {
    throw new BadInputError(`"search" is limited to ${MAX_SEARCH_LENGTH} characters.`, ['search']);
  }
  const where: FilterQuery<Family> = {};
  const search = args.search?.trim().toLowerCase();
  if (search) where.searchText = { $like: `%${escapeLike(search)}%` };
  return paginate(ctx.em, Family, where, { name: 'asc', id: 'asc' }, args);
}

/** A family by id, if the viewer may see it; otherwise NOT_FOUND (never revealing that it exists). */
export async function getFamily(ctx: ServiceContext, familyId: string): Promise<Family> {
  requireTenant(ctx);
  const family = canSeeFamily(ctx, familyId) ? await ctx.em.findOne(Family, { id: familyId }) : null;
  if (!family) throw new NotFoundError('Family');
  return family;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
