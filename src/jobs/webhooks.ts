import type { MikroORM } from '@mikro-orm/postgresql';
import type { Runner, TaskList } from 'graphile-worker';
import { Client } from 'pg';
import type pino from 'pino';
import { inTenantTransaction } from '../db/tenant-scope';
import { EVENTS_CHANNEL } from '../events/emit';
import { listTenants } from '../tenants/tenants.service';
import { deliverDue, type DeliveryOptions, type DeliveryResult } from '../webhooks/delivery';

/** Events (and their delivery logs) are kept this many days. */
export const WEBHOOK_EVENT_RETENTION_DAYS = 30;

/**
 * The webhook tasks. `webhooks_deliver` posts one tenant's due deliveries (or every tenant's,
 * without `tenantId`: the sweep), then schedules itself for that tenant's next retry — one job
 * per tenant (`jobKey`), moved to the earliest retry each time. `webhooks_purge` deletes events
 * past their retention.
 */
export function webhookTasks(
  orm: MikroORM,
  logger: pino.Logger,
  options: DeliveryOptions,
  onResult?: (result: DeliveryResult) => void,
): TaskList {
  return {
    webhooks_deliver: async (payload, helpers) => {
      const { tenantId } = (payload ?? {}) as { tenantId?: string };
      const tenantIds = tenantId ? [tenantId] : (await listTenants(orm.em.fork())).map((t) => t.id);
      for (const id of tenantIds) {
        const next = await deliverDue(orm.em.fork(), id, logger, options, onResult);
        if (next) {
          await helpers.addJob(
            'webhooks_deliver',
            { tenantId: id },
            { runAt: next, jobKey: `webhooks-retry:${id}`, jobKeyMode: 'replace' },
          );
        }
      }
    },
    webhooks_purge: async () => {
      for (const tenant of await listTenants(orm.em.fork())) {
        await inTenantTransaction(orm.em.fork(), tenant.id, (tx) =>
          tx.execute(
            `delete from webhook_events where tenant_id = ? and occurred_at < now() - make_interval(days => ?)`,
            [tenant.id, WEBHOOK_EVENT_RETENTION_DAYS],
          ),
        );
      }
    },
  };
}

/**
 * Wakes the worker when a transaction that emitted deliverable events commits (PostgreSQL
 * delivers NOTIFY at COMMIT only): a delivery job for that tenant, at once. The connection is
 * opened again when it drops; meanwhile the sweep (every five minutes, and at start) catches up.
 */
export async function listenForEvents(
  ownerUrl: string,
  runner: Runner,
  logger: pino.Logger,
): Promise<() => Promise<void>> {
  let client: Client | null = null;
  let stopped = false;
  const connect = async (): Promise<void> => {
    const next = new Client({ connectionString: ownerUrl });
    next.on('notification', (message) => {
      const tenantId = message.payload;
      if (!tenantId) return;
      runner
        .addJob('webhooks_deliver', { tenantId }, { jobKey: `webhooks:${tenantId}`, jobKeyMode: 'replace' })
        .catch((error: unknown) => logger.warn({ err: error }, 'could not queue webhook deliveries'));
    });
    next.on('error', (error) => {
      logger.warn({ err: error }, 'webhook listener connection lost');
      if (client === next) client = null;
      if (!stopped) setTimeout(() => void connect().catch(() => undefined), 5000).unref();
    });
    await next.connect();
    await next.query(`listen ${EVENTS_CHANNEL}`);
    client = next;
  };
  await connect();
  await runner.addJob('webhooks_deliver', {}, { jobKey: 'webhooks:sweep', jobKeyMode: 'replace' });
  return async () => {
    stopped = true;
    await client?.end().catch(() => undefined);
  };
}
