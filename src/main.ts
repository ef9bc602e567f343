import 'reflect-metadata';
import { loadConfig } from './config';
import { migrate, provideDatabase } from './db/database';
import { initOrm } from './db/orm';
import { seedDemoIfEmpty } from './db/seed';
import { createApp } from './http/app';
import { createLogger } from './shared/logger';
import { startWorker } from './jobs/worker';

/**
 * `npm start`: PostgreSQL (DATABASE_URL, or embedded), migrations, demo data on an empty
 * database, then the API. SIGTERM/SIGINT: stop accepting, finish in-flight requests, close the
 * pool, stop the embedded server.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (config.jwtSecretIsDevelopmentDefault) {
    logger.warn('JWT_SECRET is not set: using the development secret. Never do this in production.');
  }

  const database = await provideDatabase(config, logger);
  await migrate(database.ownerUrl, config, logger);
  if (config.env !== 'production') {
    const ownerOrm = await initOrm({ clientUrl: database.ownerUrl, logger, poolMax: 2 });
    try {
      await seedDemoIfEmpty(ownerOrm, logger);
    } finally {
      await ownerOrm.close(true);
    }
  }

  const orm = await initOrm({ clientUrl: database.appUrl, logger });
  const app = await createApp({ orm, config, logger });
  // The job queue (month-end billing) runs in this process unless JOBS=off (e.g. API-only replicas).
  const worker = config.jobs ? await startWorker({ ownerUrl: database.ownerUrl, orm, logger }) : null;
  const address = await app.http.listen({ port: config.port, host: config.host });

  const shown = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  console.log(`\nGuichet is serving GraphQL at ${shown}/graphql`);
  console.log(`Health: ${shown}/healthz  Readiness: ${shown}/readyz`);
  console.log('Get a token for the demo data (in another terminal):');
  console.log('  npm run -s token -- --tenant nimes --role AGENT');
  console.log('  npm run -s token -- --tenant beziers --role PARENT   # picks a demo family\n');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15000).unref();
    try {
      await app.close();
      await worker?.stop();
      await orm.close(true);
      await database.stop();
      clearTimeout(force);
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
