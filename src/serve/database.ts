import type pino from 'pino';
import type { AppConfig } from '../config';
import { migrate, provideDatabase, type DatabaseUrls } from '../db/database';
import { initOrm } from '../db/orm';
import { seedDemoIfEmpty } from '../../seeds/seed-demo';

/** What start-up has begun, for a shutdown that comes in the middle of it. */
export interface StartingDatabase {
  /** The database (embedded or not), once asked for: stopped last. */
  database?: Promise<DatabaseUrls>;
  /** The demo seed while it runs: it commits tenant by tenant, so it is let finish. */
  seeding?: Promise<unknown>;
}

/**
 * `npm start`'s database steps: PostgreSQL (DATABASE_URL, or embedded), migrations, demo data on
 * an empty database outside production (DEMO_DATA=off: none). With MIGRATIONS=off, none of it:
 * the API's and the job queue's own connections. Null when `interrupted()` turned true between
 * two steps (a signal: the caller's shutdown takes over, with `starting` to stop what started).
 */
export async function prepareDatabase(
  config: AppConfig,
  logger: pino.Logger,
  starting: StartingDatabase,
  interrupted: () => boolean,
): Promise<{ appUrl: string; queueUrl: string | undefined } | null> {
  if (!config.migrations) {
    // `npm run db:migrate` ran as a release step; no owner credentials here.
    return { appUrl: config.appDatabaseUrl!, queueUrl: config.workerDatabaseUrl };
  }
  starting.database = provideDatabase(config, logger, 'server');
  const urls = await starting.database;
  if (interrupted()) return null;
  await migrate(urls.ownerUrl, config, logger);
  if (interrupted()) return null;
  if (config.env !== 'production' && process.env.DEMO_DATA !== 'off') {
    const ownerOrm = await initOrm({ clientUrl: urls.ownerUrl, logger, poolMax: 2 });
    try {
      await (starting.seeding = seedDemoIfEmpty(ownerOrm, logger));
    } finally {
      await ownerOrm.close(true);
    }
  }
  return interrupted() ? null : { appUrl: urls.appUrl, queueUrl: urls.ownerUrl };
}

/**
 * The end of a shutdown, in order: `close` (servers, job queue, pool), then the database last —
 * nothing uses it any more (during start-up, once it is up). Exits 0, or 1 when a step failed.
 */
export async function finishShutdown(
  logger: pino.Logger,
  starting: StartingDatabase,
  startedAt: number,
  close: () => Promise<unknown>,
  code = 0,
): Promise<never> {
  try {
    await close();
  } catch (error) {
    code = 1;
    logger.error({ err: error }, 'shutdown failed');
  }
  try {
    await (await starting.database?.catch(() => undefined))?.stop();
  } catch (error) {
    code = 1;
    logger.error({ err: error }, 'could not stop the embedded PostgreSQL');
  }
  logger.info({ ms: Date.now() - startedAt }, 'stopped');
  process.exit(code);
}

/** The warning for a server signing tokens with the development secret. */
export function warnOfDevelopmentSecret(config: AppConfig, logger: pino.Logger): void {
  if (config.jwtSecretIsDevelopmentDefault) {
    logger.warn('JWT_SECRET is not set: using the development secret. Never do this in production.');
  }
}

/** The lines `npm start` prints once the API answers. */
export function printBanner(address: string): void {
  const shown = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  console.log(`\nGuichet is serving GraphQL at ${shown}/graphql`);
  console.log(`Health: ${shown}/healthz  Readiness: ${shown}/readyz`);
  console.log('Get a token for the demo data (in another terminal):');
  console.log('  npm run -s token -- --tenant nimes --role AGENT');
  console.log('  npm run -s token -- --tenant beziers --role PARENT   # picks a demo family\n');
}
