import DataLoader from 'dataloader';
import type { TenantContext } from '../auth/context';
import { byId, groupBy, pagesLoader } from '../shared/loaders';
import { paginateMany, type PageArgs } from '../shared/pagination';
import { Child } from './child.entity';
import { Family } from './family.entity';

/** Per-unit batch loaders of the families domain: one query per level of a nested query. */
export function createFamilyLoaders(ctx: TenantContext) {
  const { em } = ctx;
  return {
    /** Each school's (or crèche's) children by name: the roll for walk-ins. */
    childPagesBySchoolId: pagesLoader<PageArgs, Child>((schoolIds, args) =>
      paginateMany(
        em,
        {
          entity: Child,
          table: 'children',
          tenantId: ctx.tenant.id,
          orderBy: ['last_name', 'first_name', 'id'],
          direction: 'asc',
          where: [],
        },
        'school_id',
        schoolIds,
        args,
      ),
    ),
    familyById: new DataLoader<string, Family | null>(async (ids) =>
      byId(ids, await em.find(Family, { id: { $in: [...ids] } })),
    ),
    childrenByFamilyId: new DataLoader<string, Child[]>(async (familyIds) =>
      groupBy(
        familyIds,
        await em.find(
          Child,
          { family: { $in: [...familyIds] } },
          { orderBy: { birthDate: 'asc', id: 'asc' } },
        ),
        (child) => child.family.id,
      ),
    ),
    childById: new DataLoader<string, Child | null>(async (ids) =>
      byId(ids, await em.find(Child, { id: { $in: [...ids] } })),
    ),
  };
}

declare module '../graphql/context' {
  interface Loaders extends ReturnType<typeof createFamilyLoaders> {}
}
