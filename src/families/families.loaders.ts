import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { groupBy, byId } from '../shared/loaders';
import { Child } from './child.entity';
import { Family } from './family.entity';

/** Per-request batch loaders of the families domain: one query per level of a nested query. */
export function createFamilyLoaders(em: EntityManager) {
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
