import cluster, { type Worker } from 'node:cluster';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import type { Runner } from 'graphile-worker';
import type pino from 'pino';
import type { AppConfig } from '../config';
import { DataFolderInUseError } from '../db/database';
import { initOrm } from '../db/orm';
import { primaryMetrics } from '../http/cluster-metrics';
import { failAbandonedImports } from '../imports/abandoned';
import { startWorker } from '../jobs/worker';
import { processMetrics } from '../shared/metrics';
import {
  finishShutdown,
  prepareDatabase,
  printBanner,
  warnOfDevelopmentSecret,
  type StartingDatabase,
} from './database';

/** Signals that stop the API in order (SIGHUP: the terminal that ran `npm start` was closed). */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
/**
 * The young generation of an API process: each request allocates a few hundred objects per row it
 * returns, all short-lived; with V8's default (16 MB semi-spaces) the scavenger ran so often that
 * garbage collection was 15 % of the nested read's CPU. 64 MB semi-spaces took 20 % off the CPU
 * per request (docs/performance.md) for at most ≈ 150 MB more memory per process.
 */
const YOUNG_GENERATION_FLAG = '--max-semi-space-size=64';
/** More API processes dying than this within a minute: something is wrong with all of them. */
const MAX_RESTARTS_A_MINUTE = 5;

/**
 * The API as `config.apiProcesses` processes (Node's cluster: they share the port, the primary
 * hands each new connection to the next in turn). One Node process runs JavaScript on one core;
 * the API's CPU per request (parsing, validation, execution, serialisation) is what bounds its
 * throughput, so one process per core is what lets it use the machine it is given.
 *
 * This process (the primary) prepares the database once (embedded PostgreSQL, migrations, demo
 * data), runs the job queue, the start-up check of abandoned imports and the metrics port, then
 * forks the API processes: each is `main.ts` with MIGRATIONS=off on the API role's connection,
 * no job queue and no metrics port. A process that dies is replaced (more than five deaths in a
 * minute stop everything, exit 1). SIGTERM/SIGINT/SIGHUP: each API process drains its requests
 * as a single one does, then the queue, the pool and the embedded PostgreSQL stop, exit 0. If
 * this process is killed (SIGKILL), the API processes lose their channel to it and exit.
 */
export async function runPrimary(config: AppConfig, logger: pino.Logger, now: () => Date): Promise<void> {
  const starting: StartingDatabase = {};
  let orm: MikroORM | undefined;
  let jobs: Runner | undefined;
  let metricsServer: FastifyInstance | undefined;
  let stopping = false;
  let serving = false;
  const deaths: number[] = [];

  const exits = () =>
    Promise.all(
      Object.values(cluster.workers ?? {}).map(
        (worker) =>
          worker &&
          new Promise<void>((resolve) =>
            worker.isDead() ? resolve() : worker.once('exit', () => resolve()),
          ),
      ),
    );
  const shutdown = async (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    setTimeout(() => {
      logger.error({ ms: Date.now() - started }, 'shutdown is taking too long: exiting now');
      process.exit(1);
    }, config.shutdownTimeoutMs + 15000).unref();
    logger.info(
      { reason, deadlineMs: config.shutdownTimeoutMs },
      serving ? 'shutting down: draining requests' : 'stopping',
    );
    await starting.seeding?.catch(() => undefined);
    // Each API process drains its own requests (main.ts) and exits.
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    await exits();
    await finishShutdown(
      logger,
      starting,
      started,
      async () => {
        await Promise.all([jobs?.stop(), metricsServer?.close()]);
        await orm?.close(true);
      },
      code,
    );
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => void shutdown(signal));

  warnOfDevelopmentSecret(config, logger);
  try {
    const urls = await prepareDatabase(config, logger, starting, () => stopping);
    if (!urls) return;
    orm = await initOrm({
      clientUrl: urls.appUrl,
      logger,
      poolMax: 4,
      acquireTimeoutMs: config.dbAcquireTimeoutMs,
    });
    await failAbandonedImports(orm, now(), logger).catch((error: unknown) =>
      logger.warn({ err: error }, 'abandoned imports not checked'),
    );
    jobs =
      config.jobs && urls.queueUrl
        ? await startWorker({ queueUrl: urls.queueUrl, orm, logger, now })
        : undefined;
    if (stopping) return;

    const metrics = primaryMetrics([processMetrics]);
    const env = {
      MIGRATIONS: 'off',
      APP_DATABASE_URL: urls.appUrl,
      JOBS: 'off',
      METRICS_PORT: '0',
      DEMO_DATA: 'off',
    };
    // The API processes get the young generation above unless this process was given its own.
    const execArgv = process.execArgv.some((arg) => arg.startsWith('--max-semi-space-size'))
      ? process.execArgv
      : [...process.execArgv, YOUNG_GENERATION_FLAG];
    cluster.setupPrimary({ execArgv });
    const fork = () => metrics.watch(cluster.fork(env));
    const listening = new Promise<string>((resolve, reject) => {
      let count = 0;
      cluster.on('listening', (_worker, address) => {
        if (++count === config.apiProcesses)
          resolve(`http://${address.address ?? config.host}:${address.port}`);
      });
      cluster.on('exit', (worker: Worker, code, signal) => {
        if (stopping) return;
        if (!serving)
          return reject(new Error(`an API process exited during start-up (code ${code}, signal ${signal})`));
        const at = Date.now();
        deaths.push(at);
        while (deaths.length && deaths[0] < at - 60_000) deaths.shift();
        logger.error({ pid: worker.process.pid, code, signal }, 'an API process died: starting another');
        if (deaths.length > MAX_RESTARTS_A_MINUTE) {
          logger.error({ deaths: deaths.length }, 'API processes keep dying: stopping');
          void shutdown('API processes keep dying', 1);
        } else {
          fork();
        }
      });
    });
    for (let i = 0; i < config.apiProcesses; i++) fork();
    const address = await listening;
    serving = true;
    if (stopping) return;
    logger.info({ processes: config.apiProcesses }, 'API processes listening');
    if (config.metricsPort) {
      const server = Fastify({ logger: false });
      server.get('/metrics', async (_request, reply) => {
        reply.header('content-type', processMetrics.contentType);
        return metrics.scrape();
      });
      metricsServer = await server
        .listen({ port: config.metricsPort, host: config.host })
        .then(() => server)
        .catch((error: unknown) => {
          logger.warn({ err: error, port: config.metricsPort }, 'metrics server not started');
          return undefined;
        });
    }
    printBanner(address);
  } catch (error) {
    if (stopping) return;
    if (error instanceof DataFolderInUseError) logger.error(error.message);
    else logger.error({ err: error }, 'start-up failed');
    await shutdown('start-up failed', 1);
  }
}
