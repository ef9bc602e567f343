import 'reflect-metadata';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { appUrlFor, migrate } from '../src/db/database';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { initOrm } from '../src/db/orm';
import { seedDemoIfEmpty } from '../seeds/seed-demo';
import { createLogger } from '../src/shared/logger';

/**
 * One real PostgreSQL for the whole run: `DATABASE_URL` when given (a disposable database!),
 * otherwise an embedded server in a temporary folder on a free port. Migrated and seeded with the
 * demo tenants, then handed to the test files through the environment.
 */
export default async function globalSetup(): Promise<void> {
  process.env.NODE_ENV = 'test';
  const config = loadConfig();
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn');
  let ownerUrl = process.env.DATABASE_URL;
  if (!ownerUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-test-'));
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'pg'),
      port: await freePort(),
      logger,
      persistent: false,
    });
    ownerUrl = embedded.ownerUrl;
    (globalThis as { __GUICHET_PG__?: unknown }).__GUICHET_PG__ = { embedded, dataDir };
  }
  await migrate(ownerUrl, config, logger);
  const orm = await initOrm({ clientUrl: ownerUrl, logger, poolMax: 2 });
  try {
    await seedDemoIfEmpty(orm, logger);
  } finally {
    await orm.close(true);
  }
  process.env.GUICHET_TEST_OWNER_URL = ownerUrl;
  process.env.GUICHET_TEST_APP_URL = appUrlFor(config, ownerUrl);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
