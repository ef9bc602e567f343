import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { byId } from '../shared/loaders';
import { Session } from './session.entity';

export function createSessionLoaders(em: EntityManager) {
  return {
    sessionById: new DataLoader<string, Session | null>(async (ids) =>
      byId(ids, await em.find(Session, { id: { $in: [...ids] } })),
    ),
  };
}
