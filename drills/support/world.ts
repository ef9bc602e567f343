import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import { migrate } from '../../src/db/database';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded';
import { initOrm } from '../../src/db/orm';
import { writeClockFile } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { seedDemoIfEmpty } from '../../seeds/seed-demo';
import { freePort, onInterrupt, spawnGroup, stopGroup, waitForHttp } from '../../bench/support/processes';

/** The repository's root (this file runs from dist/drills/support). */
export const ROOT = path.resolve(__dirname, '../../..');

/**
 * Everything a drill runs against: its own embedded PostgreSQL (a copy of a freshly seeded demo),
 * its own Guichet process (`dist/src/main.js`, as `npm start` runs it) on its own ports, the clock
 * file that process reads (GUICHET_CLOCK_FILE), and an owner connection for the invariants.
 * The drill holds PostgreSQL and the API as separate processes so that `--chaos` can stop one.
 */
export interface World {
  /** The GraphQL endpoint, and the API's base URL. */
  url: string;
  base: string;
  ownerUrl: string;
  /** An owner connection (checks only: the story acts through the API). */
  owner: Client;
  /** Sets the server's business clock (it runs on from there in real time). */
  setClock(at: Date): void;
  /** The clock the server reads now. */
  clock(): Date;
  /** SIGKILL the API (no drain), then start it again on the same database. */
  killApi(): Promise<void>;
  startApi(): Promise<void>;
  /** Stops PostgreSQL (fast shutdown: the API's connections are cut) and starts it again after `downMs`. */
  restartPostgres(downMs: number): Promise<void>;
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  /** The API's log file (kept after a failure). */
  logFile: string;
  close(): Promise<void>;
}

const logger = createLogger('warn');
let template: Promise<string> | undefined;

/**
 * One data folder per run, migrated and seeded with the demo exactly as `npm start` would on an
 * empty database (around today), then stopped; each drill copies it (`cp -a`, seconds instead of
 * the seed's minute).
 */
function seededTemplate(workDir: string): Promise<string> {
  return (template ??= (async () => {
    const dir = path.join(workDir, 'template-pg');
    const pg = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), logger, detached: true });
    try {
      await migrate(pg.ownerUrl, loadConfig(), logger);
      const orm = await initOrm({ clientUrl: pg.ownerUrl, logger, poolMax: 2 });
      try {
        await seedDemoIfEmpty(orm, logger);
      } finally {
        await orm.close(true);
      }
    } finally {
      await pg.stop();
    }
    return dir;
  })());
}

/** A scratch folder for the run (databases, logs, clock files), removed at the end unless kept. */
export function runDirectory(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-drill-'));
  onInterrupt(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function startWorld(workDir: string, story: string): Promise<World> {
  const source = await seededTemplate(workDir);
  const dir = path.join(workDir, story);
  fs.mkdirSync(dir, { recursive: true });
  const dataDir = path.join(dir, 'pg');
  const copy = spawnSync('cp', ['-a', source, dataDir]);
  if (copy.status !== 0) throw new Error(`could not copy the seeded database: ${copy.stderr}`);
  const pgPort = await freePort();
  const apiPort = await freePort();
  const clockFile = path.join(dir, 'clock.json');
  const logFile = path.join(dir, 'api.log');
  writeClockFile(clockFile, new Date());

  let pg: EmbeddedDatabase | undefined;
  const startPostgres = async () => {
    pg = await startEmbeddedPostgres({ dataDir, port: pgPort, logger, detached: true });
  };
  const stopPostgres = async () => {
    await pg?.stop();
    pg = undefined;
  };
  await startPostgres();
  const ownerUrl = pg!.ownerUrl;

  let api: ChildProcess | undefined;
  const startApi = async () => {
    api = spawnGroup(`guichet-${story}`, process.execPath, [path.join(ROOT, 'dist/src/main.js')], {
      cwd: ROOT,
      logFile,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: ownerUrl,
        PORT: String(apiPort),
        METRICS_PORT: '0',
        HOST: '127.0.0.1',
        GUICHET_CLOCK_FILE: clockFile,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        // Short enough that a request waiting for a restarted PostgreSQL answers 503 soon.
        DB_ACQUIRE_TIMEOUT_MS: '2000',
        SHUTDOWN_TIMEOUT_MS: '3000',
      },
    });
    await waitForHttp(`http://127.0.0.1:${apiPort}/readyz`, api, 120000);
  };
  const killApi = async () => {
    if (!api?.pid || api.exitCode !== null) return;
    const exited = new Promise((resolve) => api!.once('exit', resolve));
    process.kill(-api.pid, 'SIGKILL');
    await exited;
  };
  await startApi();

  const owner = new Client({ connectionString: ownerUrl });
  owner.on('error', () => undefined); // PostgreSQL restarted under it: reconnected by `ownerQuery`
  await owner.connect();
  const world: World = {
    url: `http://127.0.0.1:${apiPort}/graphql`,
    base: `http://127.0.0.1:${apiPort}`,
    ownerUrl,
    owner,
    logFile,
    setClock: (at) => writeClockFile(clockFile, at),
    clock: () => {
      const { at, setAt } = JSON.parse(fs.readFileSync(clockFile, 'utf8')) as { at: string; setAt: number };
      return new Date(Date.parse(at) + Date.now() - setAt);
    },
    killApi,
    startApi,
    stopPostgres,
    startPostgres,
    async restartPostgres(downMs) {
      await stopPostgres();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await startPostgres();
      await reconnectOwner(world);
    },
    async close() {
      await owner.end().catch(() => undefined);
      if (api) await stopGroup(api, 5000);
      await stopPostgres().catch(() => undefined);
    },
  };
  return world;
}

/** A fresh owner connection (after a PostgreSQL restart the first one is gone). */
export async function reconnectOwner(world: World): Promise<void> {
  await world.owner.end().catch(() => undefined);
  const owner = new Client({ connectionString: world.ownerUrl });
  owner.on('error', () => undefined);
  await owner.connect();
  world.owner = owner;
}

/**
 * `--url`: a Guichet someone else started (a town's staging server), on a freshly seeded demo
 * database. The drill signs its tokens with the JWT_SECRET it is given (the server's), moves the
 * clock through the file the server was started with (GUICHET_CLOCK_FILE, refused in production)
 * and reads the invariants through `databaseUrl` (the owner's or any role that can read every
 * tenant's rows; nothing is written there but graphile-worker's `add_job`, as a scheduler would).
 * It cannot restart what it did not start: `--chaos` is refused with `--url`.
 */
export async function attachWorld(url: string, databaseUrl: string, clockFile: string): Promise<World> {
  const base = url.replace(/\/graphql\/?$/, '').replace(/\/$/, '');
  const ready = await fetch(`${base}/readyz`).catch((error: Error) => error);
  if (ready instanceof Error || !ready.ok)
    throw new Error(`${base}/readyz: ${ready instanceof Error ? ready.message : `HTTP ${ready.status}`}`);
  writeClockFile(clockFile, new Date());
  const owner = new Client({ connectionString: databaseUrl });
  owner.on('error', () => undefined);
  await owner.connect();
  const cannot = (what: string) => async () => {
    throw new Error(`${what}: not with --url (the drill did not start this server)`);
  };
  return {
    url: `${base}/graphql`,
    base,
    ownerUrl: databaseUrl,
    owner,
    logFile: '(the server’s own log)',
    setClock: (at) => writeClockFile(clockFile, at),
    clock: () => {
      const { at, setAt } = JSON.parse(fs.readFileSync(clockFile, 'utf8')) as { at: string; setAt: number };
      return new Date(Date.parse(at) + Date.now() - setAt);
    },
    killApi: cannot('killing the API'),
    startApi: cannot('starting the API'),
    stopPostgres: cannot('stopping PostgreSQL'),
    startPostgres: cannot('starting PostgreSQL'),
    restartPostgres: cannot('restarting PostgreSQL'),
    async close() {
      await owner.end().catch(() => undefined);
    },
  };
}
