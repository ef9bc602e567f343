import type { MikroORM } from '@mikro-orm/postgresql';
import { Logger, run, type Runner, type TaskList } from 'graphile-worker';
import { jobRuns, setQueueDepthSource, webhookDeliveries } from '../shared/metrics';
import { Pool } from 'pg';
import type pino from 'pino';
import { inTenantTransaction } from '../db/tenant-scope';
import { purgeIdempotencyKeys } from '../idempotency/idempotency.service';
import { listTenants } from '../tenants/tenants.service';
import { DEFAULT_DELIVERY_OPTIONS, type DeliveryOptions, type DeliveryResult } from '../webhooks/delivery';
import { runMealCountsFinal } from './meal-counts-jobs';
import { runAttendanceClosing } from './attendance-close-days';
import { failAbandonedImports } from '../imports/abandoned';
import { monthEndBilling } from './month-end-billing';
import { listenForEvents, webhookTasks } from './webhooks';
import { runCollection } from './reminder-jobs';
import { runOfferExpiry, runOfferReminder, runWaitlistClosing, type OfferJobPayload } from './waitlist-jobs';
import { runPlacementOfferExpiry, type PlacementOfferJobPayload } from './placement-jobs';

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
  // Rate-limit buckets idle for an hour are full again: forgetting them changes nothing.
  await orm.em.fork().execute('select guichet_forget_full_buckets(3600)');
  return deleted;
}

/** Each task counted by outcome (guichet_jobs_total): a failure is also retried by the queue. */
function counted(tasks: TaskList): TaskList {
  return Object.fromEntries(
    Object.entries(tasks).map(([name, task]) => [
      name,
      async (payload, helpers) => {
        try {
          await task!(payload, helpers);
          jobRuns.inc({ task: name, outcome: 'ok' });
        } catch (error) {
          jobRuns.inc({ task: name, outcome: 'failed' });
          throw error;
        }
      },
    ]),
  ) as TaskList;
}

/**
 * The job queue: graphile-worker on the same PostgreSQL (its own `graphile_worker` schema, created
 * with the owner's connection). Jobs, not timers in the API: a job survives a restart, runs once
 * across replicas, and is retried on failure. Every hour: month-end billing (the task decides, per
 * tenant time zone, whether a month has just ended), reminders and the hand-over to the treasury, the purge of expired idempotency keys and the
 * closing of past sessions' waitlist entries; every ten minutes, the meal counts of the school days
 * whose booking has closed (webhook mealCounts.final); every fifteen minutes, the closing of the
 * rolls tablets opened offline once their session is over (src/jobs/attendance-close-days.ts) and the
 * imports a killed process left RUNNING (src/imports/abandoned.ts); and the waitlist offers' expiries and reminders, each
 * scheduled at its instant by the transaction that made the offer. Webhook deliveries run when a
 * change that emitted events commits (LISTEN, src/jobs/webhooks.ts), at their retry times, and in a
 * sweep every five minutes.
 */
export async function startWorker(options: {
  /** The job queue's connection: the owner's, or a role with rights on its schema only (MIGRATIONS=off). */
  queueUrl: string;
  orm: MikroORM;
  logger: pino.Logger;
  /** The scheduled jobs (billing, purges, the webhook sweep); off in tests that run the worker. */
  crontab?: boolean;
  /** How often the queue is polled for jobs scheduled later, e.g. webhook retries (ms). */
  pollIntervalMs?: number;
  webhooks?: Partial<DeliveryOptions>;
  onWebhookResult?: (result: DeliveryResult) => void;
  /** The clock the tasks read (a drill's, outside production: src/shared/clock.ts). */
  now?: () => Date;
}): Promise<Runner> {
  const { orm, logger } = options;
  const now = options.now ?? (() => new Date());
  const deliveryOptions = { ...DEFAULT_DELIVERY_OPTIONS, ...options.webhooks };
  // Our pool, ended (and awaited) by `stop()`: graphile-worker's own pool is ended without waiting,
  // so PostgreSQL could be stopped under a connection still open (an unhandled pool error).
  const pgPool = new Pool({ connectionString: options.queueUrl, max: 10 });
  pgPool.on('error', (error) => logger.warn({ err: error }, 'job queue connection lost'));
  // The queue's depth for /metrics, read at scrape time through the queue's own connection.
  setQueueDepthSource(async () => {
    const { rows } = await pgPool.query<{ task: string; state: string; n: number }>(
      `select task_identifier as task,
              case when locked_at is not null then 'locked' when run_at <= now() then 'ready' else 'scheduled' end as state,
              count(*)::int as n
       from graphile_worker.jobs group by 1, 2`,
    );
    return rows;
  });
  // The queue's own messages go to our log (debug for its chatter, warn and error as such).
  const queueLogger = new Logger(() => (level, message, meta) => {
    // PostgreSQL stopping (57P01, e.g. Ctrl-C reaches it with the API) cuts the queue's connections:
    // expected, and the queue reconnects or stops with us — a warning, not an error.
    const shutdown = (meta as { error?: { code?: string } } | undefined)?.error?.code === '57P01';
    const method =
      level === 'error' && !shutdown ? 'error' : level === 'warning' || shutdown ? 'warn' : 'debug';
    logger[method]({ queue: meta }, message);
  });
  const runOptions: Parameters<typeof run>[0] = {
    pgPool,
    logger: queueLogger,
    // Two: a slow vendor's deliveries never hold up month-end billing, nor the other way round.
    concurrency: 2,
    noHandleSignals: true,
    pollInterval: options.pollIntervalMs ?? 5000,
    crontab:
      options.crontab === false
        ? ''
        : [
            '5 * * * * billing_month_end ?max=3',
            '25 * * * * billing_reminders ?max=3',
            '35 * * * * idempotency_purge ?max=3',
            '15 * * * * waitlist_close_past ?max=3',
            '*/10 * * * * meal_counts_final ?max=1',
            '*/15 * * * * attendance_close_days ?max=1',
            '*/10 * * * * imports_fail_abandoned ?max=1',
            '*/5 * * * * webhooks_deliver ?max=1',
            '45 3 * * * webhooks_purge ?max=3',
          ].join('\n'),
    taskList: counted({
      ...webhookTasks(orm, logger, deliveryOptions, (result) => {
        webhookDeliveries.inc({ result });
        options.onWebhookResult?.(result);
      }),
      billing_month_end: async () => {
        await monthEndBilling(orm.em.fork(), now(), logger);
      },
      // Reminders due today, then the hand-over of debts past their last level (once a day in effect).
      billing_reminders: async () => {
        await runCollection(orm.em.fork(), now(), logger);
      },
      idempotency_purge: async () => {
        await purgeExpiredIdempotencyKeys(orm, logger);
      },
      // Scheduled at an offer's deadline (and before it) by the transaction that made the offer.
      waitlist_offer_expiry: async (payload) => {
        await runOfferExpiry(orm.em.fork(), payload as OfferJobPayload, now(), logger);
      },
      // Scheduled at a childcare offer's deadline by the transaction that made the offer.
      placement_offer_expiry: async (payload) => {
        await runPlacementOfferExpiry(orm.em.fork(), payload as PlacementOfferJobPayload, now(), logger);
      },
      waitlist_offer_reminder: async (payload) => {
        await runOfferReminder(orm.em.fork(), payload as OfferJobPayload, now());
      },
      meal_counts_final: async () => {
        const tenants = await listTenants(orm.em.fork());
        await runMealCountsFinal(
          orm.em,
          tenants.map((t) => t.id),
          now(),
          logger,
        );
      },
      imports_fail_abandoned: async () => {
        await failAbandonedImports(orm, now(), logger);
      },
      attendance_close_days: async () => {
        const tenants = await listTenants(orm.em.fork());
        await runAttendanceClosing(
          orm.em,
          tenants.map((t) => t.id),
          now(),
          logger,
        );
      },
      waitlist_close_past: async () => {
        const tenants = await listTenants(orm.em.fork());
        const closed = await runWaitlistClosing(
          orm.em,
          tenants.map((t) => t.id),
          now(),
        );
        if (closed) logger.info({ closed }, 'waitlist entries of past sessions closed');
      },
    }),
  };
  // graphile-worker does not replace a worker that died (its connection was cut: PostgreSQL
  // restarted), so the queue would stop for good with the API still serving. When one dies, the
  // runner is stopped and started again (found by `npm run drill -- nimes --chaos`).
  let stopping = false;
  let runner = await run(runOptions);
  const supervise = (current: Runner) =>
    current.events.on('worker:fatalError', () => {
      if (stopping || current !== runner) return;
      logger.error('a job worker died (database connection lost): restarting the job queue');
      void restart(current);
    });
  const restart = async (dead: Runner) => {
    await Promise.race([dead.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    while (!stopping) {
      try {
        runner = await run(runOptions);
        supervise(runner);
        return;
      } catch (error) {
        logger.warn({ err: error }, 'job queue not restarted yet: trying again');
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  };
  supervise(runner);
  // Notifications queue deliveries on whichever runner is current.
  const current = { addJob: (...args: Parameters<Runner['addJob']>) => runner.addJob(...args) } as Runner;
  const stopListening = await listenForEvents(options.queueUrl, current, logger);
  return {
    ...runner,
    addJob: current.addJob,
    async stop() {
      stopping = true;
      setQueueDepthSource(null);
      await stopListening();
      await runner.stop();
      await pgPool.end();
    },
  };
}
