import DataLoader from 'dataloader';
import type { TenantContext } from '../auth/context';
import { byId } from '../shared/loaders';
import { Session } from './session.entity';

export function createSessionLoaders({ em }: Pick<TenantContext, 'em'>) {
  return {
    sessionById: new DataLoader<string, Session | null>(async (ids) =>
      byId(ids, await em.find(Session, { id: { $in: [...ids] } })),
    ),
    /**
     * The child a session was listed for (`sessions(filter: { childId })`) in this unit of work:
     * the child `bookingStatus` decides for when not named.
     */
    childListedFor: new Map<string, string>(),
  };
}

declare module '../graphql/context' {
  interface Loaders extends ReturnType<typeof createSessionLoaders> {}
}
