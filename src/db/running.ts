import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config';
import {
  embeddedOwnerUrl,
  isProcessAlive,
  processArgv,
  processStartedAt,
  runningPostmaster,
} from './embedded';

/**
 * Who runs the data folder's embedded PostgreSQL, without loading the ORM: quick checks for the
 * CLI commands (a token answers in a fraction of a second).
 */

/** `<dataDir>/guichet.pid`: the pid of the process that started the embedded PostgreSQL. */
export const OWNER_FILE = 'guichet.pid';

/** The pid in the owner file if it is another live Node process, else null (none, stale, ours). */
export function liveOwner(ownerFile: string): number | null {
  let pid: number;
  let writtenAt: number;
  try {
    writtenAt = fs.statSync(ownerFile).mtimeMs;
    pid = Number.parseInt(fs.readFileSync(ownerFile, 'utf8'), 10);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isProcessAlive(pid)) return null;
  // The pid may have been reused since: the owner was Node, and started before writing the file.
  const argv = processArgv(pid);
  if (argv && !/node/i.test(path.basename(argv[0] ?? ''))) return null;
  const startedAt = processStartedAt(pid);
  if (startedAt !== undefined && startedAt > writtenAt + 2000) return null;
  return pid;
}

/**
 * The owner URL of a database a command can reach without starting one: `DATABASE_URL`, or the
 * embedded server of a running `npm start` (or command) on the data folder; null when none runs.
 */
export function runningOwnerUrl(config: AppConfig): string | null {
  if (config.databaseUrl) return config.databaseUrl;
  const postmaster = runningPostmaster(path.join(config.dataDir, 'pg'));
  if (!postmaster || liveOwner(path.join(config.dataDir, OWNER_FILE)) === null) return null;
  return embeddedOwnerUrl(postmaster.port);
}
