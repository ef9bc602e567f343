import { addressInUrl, deliverableAddress, isLoopback, loopbackAllowed } from './destination';
import type { TenantContext } from '../auth/context';
import { Role } from '../auth/viewer';
import { audit } from '../audit/audit.service';
import { EVENT_TYPES, EVENTS_CHANNEL, type EventType } from '../events/emit';
import { idempotent } from '../idempotency/idempotency.service';
import { msg, type Message } from '../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../shared/user-errors';
import { newWebhookSecret } from './signature';
import { WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from './webhook.entity';

/** At most this many endpoints per tenant. */
export const MAX_WEBHOOK_ENDPOINTS = 20;

/**
 * Who manages which endpoints: tenant admins all of the tenant's; an API key (`webhooks:manage`)
 * those it registered. Null: every endpoint; otherwise the owner subject to filter by.
 */
function ownerFilter(ctx: TenantContext): { ownerSubject?: string } {
  if (ctx.viewer.roles.includes(Role.TENANT_ADMIN)) return {};
  return { ownerSubject: ctx.viewer.subject ?? '-' };
}

/** The endpoints the caller manages, oldest first. */
export function listWebhookEndpoints(ctx: TenantContext): Promise<WebhookEndpoint[]> {
  return ctx.em.find(WebhookEndpoint, ownerFilter(ctx), { orderBy: { createdAt: 'asc', id: 'asc' } });
}

/** One endpoint the caller manages, or null. */
export function visibleWebhookEndpoint(ctx: TenantContext, id: string): Promise<WebhookEndpoint | null> {
  return ctx.em.findOne(WebhookEndpoint, { id, ...ownerFilter(ctx) });
}

/**
 * Whether a URL may receive events: https; plain http only to this machine outside production
 * (development and tests). No credentials in it, at most 2000 characters, and no address written
 * in it that is not public (src/webhooks/destination.ts; names are checked at each delivery).
 */
function urlRefusal(raw: string): Message | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return msg('webhook.urlInvalid');
  }
  if (url.username || url.password) return msg('webhook.urlCredentials');
  const address = addressInUrl(url);
  if (address && !deliverableAddress(address)) return msg('webhook.urlPrivate');
  const loopback = url.hostname === 'localhost' || (address !== null && isLoopback(address));
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && loopback && loopbackAllowed()) return null;
  return msg('webhook.urlHttps');
}

/**
 * Registers an endpoint (tenant admins; keys with `webhooks:manage`, which then own it) for the
 * event types given, and hands its signing secret to `reveal` — once: a replay of the same
 * idempotency key returns the endpoint without it. Audited.
 */
export async function createWebhookEndpoint(
  ctx: TenantContext,
  input: { url: string; eventTypes: EventType[]; idempotencyKey: string },
  reveal: (secret: string) => void,
): Promise<Outcome<{ webhookEndpointId: string }>> {
  const { idempotencyKey, ...rest } = input;
  return idempotent(ctx, 'createWebhookEndpoint', idempotencyKey, rest, async () => {
    const url = input.url.trim();
    const refusal = urlRefusal(url);
    if (refusal) return refuse(UserErrorCode.INVALID, refusal, ['url']);
    const types = [...new Set(input.eventTypes)];
    if (types.length === 0 || types.some((t) => !EVENT_TYPES.includes(t))) {
      return refuse(UserErrorCode.INVALID, msg('webhook.eventTypeRequired'), ['eventTypes']);
    }
    const count = await ctx.em.count(WebhookEndpoint, {});
    if (count >= MAX_WEBHOOK_ENDPOINTS) {
      return refuse(
        UserErrorCode.INVALID,
        msg('webhook.tooManyEndpoints', { max: MAX_WEBHOOK_ENDPOINTS }),
        [],
      );
    }
    const secret = newWebhookSecret();
    const endpoint = ctx.em.create(WebhookEndpoint, {
      tenantId: ctx.tenant.id,
      url,
      eventTypes: types,
      secret,
      ownerSubject: ctx.viewer.kind === 'API_KEY' ? ctx.viewer.subject : null,
      createdBy: ctx.viewer.subject ?? 'anonymous',
      createdAt: ctx.now(),
      consecutiveFailures: 0,
    });
    audit(ctx, { action: 'WEBHOOK_ENDPOINT_CREATED', subjectId: endpoint.id, details: { url, types } });
    await ctx.em.flush();
    reveal(secret);
    return done({ webhookEndpointId: endpoint.id });
  });
}

/** Deletes an endpoint the caller manages, with its delivery log; audited. */
export async function deleteWebhookEndpoint(
  ctx: TenantContext,
  input: { webhookEndpointId: string },
): Promise<Outcome<{ webhookEndpointId: string }>> {
  const endpoint = await visibleWebhookEndpoint(ctx, input.webhookEndpointId);
  if (!endpoint)
    return refuse(UserErrorCode.NOT_FOUND, msg('webhook.endpointNotFound'), ['webhookEndpointId']);
  audit(ctx, { action: 'WEBHOOK_ENDPOINT_DELETED', subjectId: endpoint.id, details: { url: endpoint.url } });
  ctx.em.remove(endpoint);
  await ctx.em.flush();
  return done({ webhookEndpointId: endpoint.id });
}

/**
 * Sends an event to an endpoint again, as a new delivery (the old one stays in the log as it
 * was), at once. An endpoint disabled after repeated failures is enabled again by this: the
 * vendor says it is back.
 */
export async function redeliverWebhookEvent(
  ctx: TenantContext,
  input: { deliveryId: string },
): Promise<Outcome<{ deliveryId: string }>> {
  const previous = await ctx.em.findOne(WebhookDelivery, { id: input.deliveryId });
  const endpoint = previous && (await visibleWebhookEndpoint(ctx, previous.endpointId));
  if (!previous || !endpoint)
    return refuse(UserErrorCode.NOT_FOUND, msg('webhook.deliveryNotFound'), ['deliveryId']);
  if (endpoint.disabledAt) {
    endpoint.disabledAt = null;
    endpoint.disabledReason = null;
    endpoint.consecutiveFailures = 0;
  }
  const delivery = ctx.em.create(WebhookDelivery, {
    tenantId: ctx.tenant.id,
    eventId: previous.eventId,
    endpointId: endpoint.id,
    seq: previous.seq,
    aggregateId: previous.aggregateId,
    status: WebhookDeliveryStatus.PENDING,
    attempts: 0,
    // Real instants: the worker paces deliveries by PostgreSQL's clock, not the request's.
    nextAttemptAt: new Date(),
    createdAt: new Date(),
  });
  await ctx.em.flush();
  await ctx.em.execute(
    `select pg_notify(?, ?)`,
    [EVENTS_CHANNEL, ctx.tenant.id],
    'all',
    ctx.em.getLoggerContext(),
  );
  return done({ deliveryId: delivery.id });
}
