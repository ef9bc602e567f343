import DataLoader from 'dataloader';
import type { TenantContext } from '../auth/context';
import { byId } from '../shared/loaders';
import { Session } from './session.entity';

export function createSessionLoaders({ em }: Pick<TenantContext, 'em'>) {
  return {
    sessionById: new DataLoader<string, Session | null>(async (ids) =>
      byId(ids, await em.find(Session, { id: { $in: [...ids] } })),
    ),
  };
}

declare module '../graphql/context' {
  interface Loaders extends ReturnType<typeof createSessionLoaders> {}
}
