import DataLoader from 'dataloader';
import type { TenantContext } from '../auth/context';
import { byId, groupBy } from '../shared/loaders';
import { Child } from './child.entity';
import { Family } from './family.entity';

/** Per-unit batch loaders of the families domain: one query per level of a nested query. */
export function createFamilyLoaders(ctx: Pick<TenantContext, 'em'>) {
  const { em } = ctx;
  return {
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
