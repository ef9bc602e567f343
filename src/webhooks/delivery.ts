import { postTo } from './destination';
import type { EntityManager } from '@mikro-orm/postgresql';
import type pino from 'pino';
import { inTenantTransaction } from '../db/tenant-scope';
import { toGlobalId } from '../shared/ids';
import { signatureHeader, SIGNATURE_HEADER } from './signature';

/** How deliveries are paced; the defaults are production's, tests shorten them. */
export interface DeliveryOptions {
  /** First retry after this (ms); each next one waits twice as long, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A delivery still failing this long after it was queued is given up (FAILED). */
  giveUpAfterMs: number;
  /** An endpoint is disabled after this many failed attempts in a row (any of its deliveries). */
  disableAfterFailures: number;
  /** How long one POST may take (ms). */
  timeoutMs: number;
  /** At most this many POSTs at once, per batch. */
  batchSize: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  baseDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  giveUpAfterMs: 24 * 3_600_000,
  disableAfterFailures: 50,
  timeoutMs: 10_000,
  batchSize: 20,
};

/** What the log records of one delivery; `metrics` counts them (src/http/metrics.ts). */
export type DeliveryResult = 'delivered' | 'failed' | 'retrying';

/** The JSON body of an event: built from its row, so the log shows exactly what was signed. */
export function eventBody(event: {
  id: string;
  type: string;
  occurred_at: Date | string;
  payload: unknown;
  tenant_slug: string;
}): string {
  return JSON.stringify({
    id: toGlobalId('WebhookEvent', event.id),
    type: event.type,
    occurredAt: new Date(event.occurred_at).toISOString(),
    tenant: event.tenant_slug,
    data: event.payload,
  });
}

interface Claimed {
  id: string;
  endpoint_id: string;
  url: string;
  secret: string;
  attempts: number;
  created_at: Date;
  event_id: string;
  type: string;
  occurred_at: Date;
  payload: unknown;
  tenant_slug: string;
}

/**
 * Posts the tenant's deliveries that are due, until none is, and returns when the next one is
 * due (null: none pending). Each batch is claimed in a short transaction (a one-minute lease,
 * so a worker that dies mid-POST leaves it to be retried), posted outside any transaction, and
 * its outcome recorded in another. One aggregate's events reach an endpoint in order: a delivery
 * waits while an earlier one of the same aggregate to the same endpoint is pending.
 */
export async function deliverDue(
  em: EntityManager,
  tenantId: string,
  logger: pino.Logger,
  options: DeliveryOptions = DEFAULT_DELIVERY_OPTIONS,
  onResult?: (result: DeliveryResult) => void,
): Promise<Date | null> {
  for (let round = 0; round < 100; round++) {
    const claimed = await inTenantTransaction(em.fork(), tenantId, (tx) =>
      tx.execute<Claimed[]>(
        `with due as (
           select d.id from webhook_deliveries d
           join webhook_endpoints e on e.tenant_id = d.tenant_id and e.id = d.endpoint_id and e.disabled_at is null
           where d.tenant_id = ? and d.status = 'PENDING' and d.next_attempt_at <= clock_timestamp()
             and not exists (select 1 from webhook_deliveries p
               where p.tenant_id = d.tenant_id and p.endpoint_id = d.endpoint_id and p.status = 'PENDING'
                 and p.aggregate_id = d.aggregate_id and p.seq < d.seq)
           order by d.seq, d.created_at
           limit ?
           for update of d skip locked
         )
         update webhook_deliveries d set next_attempt_at = clock_timestamp() + interval '1 minute'
         from due, webhook_endpoints e, webhook_events ev, tenants t
         where d.tenant_id = ? and d.id = due.id
           and e.tenant_id = d.tenant_id and e.id = d.endpoint_id
           and ev.tenant_id = d.tenant_id and ev.id = d.event_id and t.id = d.tenant_id
         returning d.id, d.endpoint_id, e.url, e.secret, d.attempts, d.created_at,
           ev.id as event_id, ev.type, ev.occurred_at, ev.payload, t.slug as tenant_slug`,
        [tenantId, options.batchSize, tenantId],
      ),
    );
    if (claimed.length === 0) break;
    const results = await Promise.all(claimed.map((c) => post(c, options)));
    await inTenantTransaction(em.fork(), tenantId, async (tx) => {
      for (const [index, delivery] of claimed.entries()) {
        const outcome = await record(tx, tenantId, delivery, results[index], options, logger);
        onResult?.(outcome);
      }
    });
  }
  const [next] = await inTenantTransaction(em.fork(), tenantId, (tx) =>
    tx.execute<{ at: Date | null }[]>(
      `select min(d.next_attempt_at) as at from webhook_deliveries d
       join webhook_endpoints e on e.tenant_id = d.tenant_id and e.id = d.endpoint_id and e.disabled_at is null
       where d.tenant_id = ? and d.status = 'PENDING'`,
      [tenantId],
    ),
  );
  return next?.at ? new Date(next.at) : null;
}

interface PostResult {
  code: number | null;
  error: string | null;
}

/**
 * One POST: a 2xx is a success; anything else, a timeout, no connection or a non-public address
 * (EADDRNOTPUBLIC: src/webhooks/destination.ts), a failure.
 */
async function post(delivery: Claimed, options: DeliveryOptions): Promise<PostResult> {
  const body = eventBody({ ...delivery, id: delivery.event_id });
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const code = await postTo(
      delivery.url,
      {
        'content-type': 'application/json',
        'user-agent': 'Guichet-Webhooks/1',
        'guichet-event-id': toGlobalId('WebhookEvent', delivery.event_id),
        'guichet-event-type': delivery.type,
        'guichet-delivery-id': toGlobalId('WebhookDelivery', delivery.id),
        [SIGNATURE_HEADER]: signatureHeader(delivery.secret, body, timestamp),
      },
      body,
      options.timeoutMs,
    );
    return { code, error: null };
  } catch (error) {
    const failure = error as Error & { code?: string };
    return {
      code: null,
      error:
        failure.name === 'TimeoutError' || failure.name === 'AbortError'
          ? 'timeout'
          : (failure.code ?? 'network error'),
    };
  }
}

/** The delay before attempt n+1 after n failed attempts: base × 2^(n−1), capped. */
export function backoffMs(failedAttempts: number, options: DeliveryOptions): number {
  return Math.min(options.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1), options.maxDelayMs);
}

async function record(
  tx: EntityManager,
  tenantId: string,
  delivery: Claimed,
  result: PostResult,
  options: DeliveryOptions,
  logger: pino.Logger,
): Promise<DeliveryResult> {
  const attempts = delivery.attempts + 1;
  if (result.code !== null && result.code >= 200 && result.code < 300) {
    await tx.execute(
      `update webhook_deliveries set status = 'DELIVERED', attempts = ?, last_response_code = ?, last_error = null,
         last_attempt_at = clock_timestamp(), delivered_at = clock_timestamp() where tenant_id = ? and id = ?;`,
      [attempts, result.code, tenantId, delivery.id],
    );
    await tx.execute(`update webhook_endpoints set consecutive_failures = 0 where tenant_id = ? and id = ?`, [
      tenantId,
      delivery.endpoint_id,
    ]);
    return 'delivered';
  }
  const next = new Date(Date.now() + backoffMs(attempts, options));
  const giveUp = next.getTime() - new Date(delivery.created_at).getTime() > options.giveUpAfterMs;
  await tx.execute(
    `update webhook_deliveries set status = ?, attempts = ?, last_response_code = ?, last_error = ?,
       last_attempt_at = clock_timestamp(), next_attempt_at = ? where tenant_id = ? and id = ?`,
    [giveUp ? 'FAILED' : 'PENDING', attempts, result.code, result.error, next, tenantId, delivery.id],
  );
  const [endpoint] = await tx.execute<{ consecutive_failures: number; disabled: boolean }[]>(
    `update webhook_endpoints set consecutive_failures = consecutive_failures + 1,
       disabled_at = case when consecutive_failures + 1 >= ? then coalesce(disabled_at, clock_timestamp()) end,
       disabled_reason = case when consecutive_failures + 1 >= ? then ? end
     where tenant_id = ? and id = ? returning consecutive_failures, disabled_at is not null as disabled`,
    [
      options.disableAfterFailures,
      options.disableAfterFailures,
      // The last failure only: the field renders the sentence in the reader's language.
      result.code ? `HTTP ${result.code}` : result.error,
      tenantId,
      delivery.endpoint_id,
    ],
  );
  if (endpoint?.disabled && endpoint.consecutive_failures === options.disableAfterFailures) {
    // The notice: in the audit trail and the log, and on the endpoint (disabledAt, disabledReason).
    await tx.execute(
      `insert into audit_events (id, tenant_id, actor, actor_roles, action, subject_id, details, created_at)
       values (gen_random_uuid(), ?, 'system:webhooks', '{}', 'WEBHOOK_ENDPOINT_DISABLED', ?, ?::jsonb, clock_timestamp())`,
      [tenantId, delivery.endpoint_id, JSON.stringify({ url: delivery.url, lastResponseCode: result.code })],
    );
    logger.warn(
      { tenantId, endpointId: delivery.endpoint_id, url: delivery.url },
      'webhook endpoint disabled',
    );
  }
  return giveUp ? 'failed' : 'retrying';
}
