import DataLoader from 'dataloader';
import type { TenantContext } from '../auth/context';
import { lightFind } from '../shared/light-entities';
import { byId } from '../shared/loaders';
import { Session } from './session.entity';

export function createSessionLoaders(ctx: TenantContext) {
  const { em } = ctx;
  return {
    sessionById: new DataLoader<string, Session | null>(async (ids) =>
      byId(
        ids,
        await lightFind<Session>(em, Session, { tenantId: ctx.tenant.id, column: 'id', values: ids }),
      ),
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
