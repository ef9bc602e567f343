import DataLoader from 'dataloader';
import type { TenantContext } from '../auth/context';
import { lightFind } from '../shared/light-entities';
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
      byId(ids, await lightFind<Family>(em, Family, { tenantId: ctx.tenant.id, column: 'id', values: ids })),
    ),
    childrenByFamilyId: new DataLoader<string, Child[]>(async (familyIds) =>
      groupBy(
        familyIds,
        await lightFind<Child>(em, Child, {
          tenantId: ctx.tenant.id,
          column: 'family_id',
          values: familyIds,
          orderBy: 't.birth_date, t.id',
        }),
        (child) => child.family.id,
      ),
    ),
    childById: new DataLoader<string, Child | null>(async (ids) =>
      byId(ids, await lightFind<Child>(em, Child, { tenantId: ctx.tenant.id, column: 'id', values: ids })),
    ),
  };
}

declare module '../graphql/context' {
  interface Loaders extends ReturnType<typeof createFamilyLoaders> {}
}
