import DataLoader from 'dataloader';
import type { TenantContext } from '../auth/context';
import { lightFind } from '../shared/light-entities';
import { byId } from '../shared/loaders';
import { WebhookEvent } from './webhook.entity';

/** Per-unit batch loader of the events a page of the delivery log shows. */
export function createWebhookLoaders(ctx: TenantContext) {
  const { em } = ctx;
  return {
    webhookEventById: new DataLoader<string, WebhookEvent | null>(async (ids) =>
      byId(
        ids,
        await lightFind<WebhookEvent>(em, WebhookEvent, {
          tenantId: ctx.tenant.id,
          column: 'id',
          values: ids,
        }),
      ),
    ),
  };
}

declare module '../graphql/context' {
  interface Loaders extends ReturnType<typeof createWebhookLoaders> {}
}
