import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { appUrlFor, migrate } from '../../src/db/database';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded';
import { initOrm } from '../../src/db/orm';
import { createLogger } from '../../src/shared/logger';
import { seedDemoIfEmpty } from '../../seeds/seed-demo';
import { freePort, onInterrupt, sleep } from './processes';

/** The prefix PostgreSQL writes before every log line: the backend's pid and its role. */
const LOG_LINE_PREFIX = 'benchlog[%p] %u ';
const STATEMENT_LINE = /^benchlog\[\d+\] (\S+) LOG:\s+(statement|execute [^:]*):/;

/**
 * PostgreSQL's own log (its stderr, which `startEmbeddedPostgres` hands to the logger at debug
 * level), kept only while `countStatements` records. Other messages at warn level or above go to
 * stderr.
 */
export class PostgresLog {
  private recording: string[] | null = null;
  readonly stream = { write: (line: string) => this.write(line) };

  private write(line: string): void {
    let entry: { embeddedPostgres?: boolean; msg?: string; level?: number };
    try {
      entry = JSON.parse(line);
    } catch {
      return;
    }
    if (entry.embeddedPostgres) {
      this.recording?.push(entry.msg ?? '');
    } else if ((entry.level ?? 0) >= 40) {
      process.stderr.write(line);
    }
  }

  /**
   * The statements `role` sent to PostgreSQL while `work` ran, as PostgreSQL itself logs them
   * (`log_statement = all`, switched on for the count only): one per simple query, one per
   * extended-protocol execute, so BEGIN, set_config and COMMIT count like any query. A marker
   * statement after `work` tells when every line of it has come through the pipe.
   */
  async statementsOf(owner: Client, role: string, work: () => Promise<unknown>): Promise<string[]> {
    await owner.query(`alter system set log_statement = 'all'`);
    await owner.query('select pg_reload_conf()');
    await sleep(500); // every backend reloads its configuration before its next command
    const lines: string[] = (this.recording = []);
    try {
      await work();
      const marker = `guichet-bench-marker-${Date.now()}`;
      await owner.query(`select '${marker}'`);
      for (const deadline = Date.now() + 10000; !lines.some((l) => l.includes(marker));) {
        if (Date.now() > deadline) throw new Error('PostgreSQL log: the marker never came through');
        await sleep(50);
      }
    } finally {
      this.recording = null;
      await owner.query('alter system reset log_statement');
      await owner.query('select pg_reload_conf()');
    }
    return lines
      .filter((line) => STATEMENT_LINE.exec(line)?.[1] === role)
      .map((line) => line.replace(/^\S+ \S+ /, ''));
  }
}

export interface BenchDatabase {
  ownerUrl: string;
  /** The API's non-owning role (guichet_app), subject to row-level security. */
  appUrl: string;
  appRole: string;
  /** The postmaster's pid (its CPU time, and its backends'). */
  pid: number;
  version: string;
  /** An owner connection, open until `stop()`. */
  owner: Client;
  log: PostgresLog;
  /** Stops PostgreSQL and deletes its folder. Idempotent. */
  stop(): Promise<void>;
}

/**
 * A fresh embedded PostgreSQL (the build `npm start` uses) in a temporary folder, migrated and
 * seeded with the demo data as `npm start` does. `restartSettings` are applied with ALTER SYSTEM
 * and a restart (e.g. track_commit_timestamp) before anything else. Stopped and removed on Ctrl-C,
 * SIGTERM or a failure (`onInterrupt`), whenever it comes.
 */
export async function startBenchDatabase(
  name: string,
  restartSettings: Record<string, string> = {},
): Promise<BenchDatabase> {
  const config = loadConfig();
  const appLogger = createLogger('warn');
  const log = new PostgresLog();
  const pgLogger = pino({ level: 'debug' }, log.stream);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `guichet-${name}-`));
  const port = await freePort();
  const start = () =>
    startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port, logger: pgLogger, detached: true });
  let pg: EmbeddedDatabase | undefined;
  let owner: Client | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await owner?.end().catch(() => undefined);
      await pg?.stop().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    })());
  // Ctrl-C or a failure, even during the set-up below: PostgreSQL stopped, its folder removed.
  onInterrupt(stop);
  try {
    pg = await start();
    const settings = { log_line_prefix: LOG_LINE_PREFIX, ...restartSettings };
    const setup = new Client({ connectionString: pg.ownerUrl });
    await setup.connect();
    for (const [key, value] of Object.entries(settings)) {
      await setup.query(`alter system set ${key} = ${setup.escapeLiteral(value)}`);
    }
    await setup.end();
    await pg.stop();
    pg = await start();

    await migrate(pg.ownerUrl, config, appLogger);
    const ownerOrm = await initOrm({ clientUrl: pg.ownerUrl, logger: appLogger, poolMax: 2 });
    try {
      await seedDemoIfEmpty(ownerOrm, appLogger);
    } finally {
      await ownerOrm.close(true);
    }
    owner = new Client({ connectionString: pg.ownerUrl });
    owner.on('error', () => undefined); // PostgreSQL stops under it at the end
    await owner.connect();
    const {
      rows: [{ version }],
    } = await owner.query(`select current_setting('server_version') as version`);
    return {
      ownerUrl: pg.ownerUrl,
      appUrl: appUrlFor(config, pg.ownerUrl),
      appRole: config.appDbRole,
      pid: pg.pid,
      version,
      owner,
      log,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
