import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Runner } from 'graphile-worker';
import { loadConfig } from './config';
import cluster from 'node:cluster';
import { DataFolderInUseError } from './db/database';
import { initOrm } from './db/orm';
import { createApp, type App } from './http/app';
import { createLogger } from './shared/logger';
import { clockFromEnv } from './shared/clock';
import { startWorker } from './jobs/worker';
import { failAbandonedImports } from './imports/abandoned';
import { startMetricsServer } from './http/metrics';
import type { FastifyInstance } from 'fastify';
import {
  finishShutdown,
  prepareDatabase,
  printBanner,
  warnOfDevelopmentSecret,
  type StartingDatabase,
} from './serve/database';
import { runPrimary, STOP_SIGNALS } from './serve/primary';

/**
 * `npm start`: PostgreSQL (DATABASE_URL, or embedded), migrations, demo data on an empty
 * database, then the API. With MIGRATIONS=off: the API (and the job queue) alone, on
 * APP_DATABASE_URL (and WORKER_DATABASE_URL), without the owner's credentials.
 *
 * SIGTERM/SIGINT/SIGHUP: stop accepting connections, let in-flight requests finish (503 for
 * requests arriving meanwhile; connections still busy after SHUTDOWN_TIMEOUT_MS are closed), stop
 * the job worker, close the pool, stop the embedded PostgreSQL last, exit 0. A signal during
 * start-up stops what has started (a migration in progress is rolled back; the demo seed, which
 * commits tenant by tenant, is let finish first).
 *
 * API_PROCESSES above 1 (by default, one per core): this process becomes the primary of that many
 * API processes (src/serve/primary.ts), each of which runs this function on the primary's database.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // The real clock; a drill's (GUICHET_CLOCK_FILE) outside production only (src/shared/clock.ts).
  const now = clockFromEnv();
  if (cluster.isPrimary && config.apiProcesses > 1) return runPrimary(config, logger, now);

  const starting: StartingDatabase = {};
  let orm: MikroORM | undefined;
  let app: App | undefined;
  let worker: Runner | undefined;
  let metrics: FastifyInstance | undefined;
  let serving = false;
  let stopping = false;

  const shutdown = async (signal: string) => {
    // npm forwards the terminal's SIGINT to its child, which also got it: one is enough.
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    // Past the request deadline, the worker, pool and PostgreSQL get a few seconds more.
    setTimeout(() => {
      logger.error({ ms: Date.now() - started }, 'shutdown is taking too long: exiting now');
      process.exit(1);
    }, config.shutdownTimeoutMs + 10000).unref();
    if (!serving) {
      logger.info({ signal, seeding: !!starting.seeding }, 'interrupted during start-up: stopping');
      // The demo seed commits tenant by tenant: let it finish rather than leave half a demo.
      await starting.seeding?.catch(() => undefined);
    } else {
      logger.info({ signal, deadlineMs: config.shutdownTimeoutMs }, 'shutting down: draining requests');
    }
    await finishShutdown(logger, starting, started, async () => {
      await Promise.all([app?.close(config.shutdownTimeoutMs), worker?.stop(), metrics?.close()]);
      await orm?.close(true);
    });
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => void shutdown(signal));

  /** Start-up steps stop early once a signal came in (the shutdown above takes over). */
  const interrupted = () => stopping;

  // (One of several API processes: the primary warns.)
  if (!cluster.isWorker) warnOfDevelopmentSecret(config, logger);
  try {
    const urls = await prepareDatabase(config, logger, starting, interrupted);
    if (!urls) return;
    const { appUrl, queueUrl } = urls;

    orm = await initOrm({
      clientUrl: appUrl,
      logger,
      poolMax: config.dbPoolMax,
      acquireTimeoutMs: config.dbAcquireTimeoutMs,
    });
    app = await createApp({ orm, config, logger, now });
    if (interrupted()) return;
    // Imports a killed process left RUNNING are marked FAILED (they wrote nothing); never blocks start-up.
    // (One of several API processes: the primary checks them.)
    if (!cluster.isWorker) {
      await failAbandonedImports(orm, now(), logger).catch((error: unknown) =>
        logger.warn({ err: error }, 'abandoned imports not checked'),
      );
    }
    // The job queue (month-end billing) runs in this process unless JOBS=off (e.g. API-only replicas).
    worker = config.jobs && queueUrl ? await startWorker({ queueUrl, orm, logger, now }) : undefined;
    if (interrupted()) return;
    const address = await app.http.listen({ port: config.port, host: config.host });
    // Metrics are for operators: a port already taken costs a warning, never the API.
    metrics = config.metricsPort
      ? await startMetricsServer(app.metrics, { port: config.metricsPort, host: config.host, logger }).catch(
          (error: unknown) => {
            logger.warn({ err: error, port: config.metricsPort }, 'metrics server not started');
            return undefined;
          },
        )
      : undefined;
    serving = true;
    if (interrupted()) return;

    // One of several API processes: the primary prints it once they all listen.
    if (!cluster.isWorker) printBanner(address);
  } catch (error) {
    // A start-up step failing because a signal is stopping everything is no failure.
    if (interrupted()) return;
    if (error instanceof DataFolderInUseError) {
      logger.error(error.message);
    } else {
      logger.error({ err: error }, 'start-up failed');
    }
    try {
      await orm?.close(true);
      await (await starting.database?.catch(() => undefined))?.stop();
    } finally {
      process.exit(1);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
