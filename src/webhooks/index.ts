import type { Domain } from '../graphql/domain';
import { createWebhookLoaders } from './webhooks.loaders';
import { WebhookDeliveryResolver, WebhookEndpointResolver } from './webhooks.resolver';

/** Vendors' webhook endpoints, their delivery logs and redelivery. */
export const webhooksDomain: Domain = {
  name: 'webhooks',
  resolvers: [WebhookEndpointResolver, WebhookDeliveryResolver],
  loaders: createWebhookLoaders,
};
