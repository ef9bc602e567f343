import type { MikroORM } from '@mikro-orm/postgresql';
import { run, type Runner } from 'graphile-worker';
import { Pool } from 'pg';
import type pino from 'pino';
import { inTenantTransaction } from '../db/tenant-scope';
import { purgeIdempotencyKeys } from '../idempotency/idempotency.service';
import { listTenants } from '../tenants/tenants.service';
import { monthEndBilling } from './month-end-billing';
import { runOfferExpiry, runOfferReminder, runWaitlistClosing, type OfferJobPayload } from './waitlist-jobs';

/**
 * Deletes idempotency keys past their retention (48 h), one tenant-scoped transaction per tenant
 * (row-level security holds even for the job). Returns how many were deleted.
 */
export async function purgeExpiredIdempotencyKeys(orm: MikroORM, logger: pino.Logger): Promise<number> {
  let deleted = 0;
  for (const tenant of await listTenants(orm.em.fork())) {
    deleted += await inTenantTransaction(orm.em.fork(), tenant.id, (tx) =>
      purgeIdempotencyKeys(tx, tenant.id),
    );
  }
  if (deleted) logger.info({ deleted }, 'idempotency keys purged');
  return deleted;
}

/**
 * The job queue: graphile-worker on the same PostgreSQL (its own `graphile_worker` schema, created
 * with the owner's connection). Jobs, not timers in the API: a job survives a restart, runs once
 * across replicas, and is retried on failure. Every hour: month-end billing (the task decides, per
 * tenant time zone, whether a month has just ended), the purge of expired idempotency keys and the
 * closing of past sessions' waitlist entries; and the waitlist offers' expiries and reminders, each
 * scheduled at its instant by the transaction that made the offer.
 */
export async function startWorker(options: {
  ownerUrl: string;
  orm: MikroORM;
  logger: pino.Logger;
}): Promise<Runner> {
  const { orm, logger } = options;
  // Our pool, ended (and awaited) by `stop()`: graphile-worker's own pool is ended without waiting,
  // so PostgreSQL could be stopped under a connection still open (an unhandled pool error).
  const pgPool = new Pool({ connectionString: options.ownerUrl, max: 10 });
  pgPool.on('error', (error) => logger.warn({ err: error }, 'job queue connection lost'));
  const runner = await run({
    pgPool,
    concurrency: 1,
    noHandleSignals: true,
    pollInterval: 5000,
    crontab: [
      '5 * * * * billing_month_end ?max=3',
      '35 * * * * idempotency_purge ?max=3',
      '15 * * * * waitlist_close_past ?max=3',
    ].join('\n'),
    taskList: {
      billing_month_end: async () => {
        await monthEndBilling(orm.em.fork(), new Date(), logger);
      },
      idempotency_purge: async () => {
        await purgeExpiredIdempotencyKeys(orm, logger);
      },
      // Scheduled at an offer's deadline (and before it) by the transaction that made the offer.
      waitlist_offer_expiry: async (payload) => {
        await runOfferExpiry(orm.em.fork(), payload as OfferJobPayload, new Date(), logger);
      },
      waitlist_offer_reminder: async (payload) => {
        await runOfferReminder(orm.em.fork(), payload as OfferJobPayload, new Date());
      },
      waitlist_close_past: async () => {
        const tenants = await listTenants(orm.em.fork());
        const closed = await runWaitlistClosing(
          orm.em,
          tenants.map((t) => t.id),
          new Date(),
        );
        if (closed) logger.info({ closed }, 'waitlist entries of past sessions closed');
      },
    },
  });
  return {
    ...runner,
    async stop() {
      await runner.stop();
      await pgPool.end();
    },
  };
}
