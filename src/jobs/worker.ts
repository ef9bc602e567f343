import type { MikroORM } from '@mikro-orm/postgresql';
import { run, type Runner } from 'graphile-worker';
import { Pool } from 'pg';
import type pino from 'pino';
import { monthEndBilling } from './month-end-billing';

/**
 * The job queue: graphile-worker on the same PostgreSQL (its own `graphile_worker` schema, created
 * with the owner's connection). Jobs, not timers in the API: a job survives a restart, runs once
 * across replicas, and is retried on failure. The cron runs month-end billing every hour; the
 * task itself decides, per tenant time zone, whether a month has just ended.
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
    crontab: '5 * * * * billing_month_end ?max=3',
    taskList: {
      billing_month_end: async () => {
        await monthEndBilling(orm.em.fork(), new Date(), logger);
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
