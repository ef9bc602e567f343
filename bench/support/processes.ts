import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * The processes a benchmark starts (servers, load generators), each in its own process group so
 * that stopping one stops everything it started (npm, node, autocannon's workers). On a normal end
 * the benchmark stops them in order; on Ctrl-C, SIGTERM or a crash, `onInterrupt` runs the
 * benchmark's own clean-up (PostgreSQL, temporary folders) and every group left is killed.
 */
const groups = new Map<number, { name: string; child: ChildProcess }>();
const cleanups: ((code: number) => Promise<void>)[] = [];
let stopping = false;

/** Spawns `command` in a process group of its own; its output goes to `logFile` unless piped. */
export function spawnGroup(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions & { logFile?: string } = {},
): ChildProcess {
  const { logFile, ...spawnOptions } = options;
  const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const child = spawn(command, args, {
    stdio: ['ignore', out, out],
    ...spawnOptions,
    detached: true,
  });
  if (typeof out === 'number') fs.closeSync(out);
  if (child.pid) {
    groups.set(child.pid, { name, child });
    child.once('exit', () => groups.delete(child.pid!));
  }
  return child;
}

/** Runs a process of its own to its end; its stdout's last line. */
export async function lastLineOf(name: string, command: string, args: string[]): Promise<string> {
  const child = spawnGroup(name, command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${name} exited with ${code}`);
  return out.trim().split('\n').pop() ?? '';
}

/** SIGTERM to the child's group, SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopGroup(child: ChildProcess, graceMs = 15000): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  signalGroup(child.pid, 'SIGKILL'); // whatever it left behind in its group
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Kills every process group left, runs the clean-ups (last registered first), exits with `code`.
 * Once: a second signal during the clean-up changes nothing; 20 s at most.
 */
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const { child } of [...groups.values()]) signalGroup(child.pid!, 'SIGKILL');
    setTimeout(() => process.exit(code), 20000).unref();
    for (const run of cleanups.reverse()) await run(code).catch(() => undefined);
    process.exit(code);
  }
  return new Promise<never>(() => undefined);
}

/**
 * Registers the benchmark's clean-up (stop PostgreSQL, remove folders) for an interruption
 * (Ctrl-C, SIGTERM, SIGHUP) or a failure (`failAndExit`), after the process groups it started
 * are killed. Whatever way the process ends, no group it started survives it.
 */
export function onInterrupt(cleanup: (code: number) => Promise<void>): void {
  cleanups.push(cleanup);
  if (cleanups.length > 1) return;
  process.on('SIGINT', () => void shutdown(130));
  process.on('SIGTERM', () => void shutdown(143));
  process.on('SIGHUP', () => void shutdown(129));
  process.on('exit', () => {
    for (const { child } of groups.values()) signalGroup(child.pid!, 'SIGKILL');
  });
}

/**
 * Ends a failed benchmark: prints the error, cleans up, exits 1. During an interruption the
 * steps under way fail as their processes are killed: nothing more to say then.
 */
export async function failAndExit(error: unknown): Promise<never> {
  if (!stopping) console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  return shutdown(1);
}

/**
 * A temporary folder for a benchmark's logs and files, removed on an interruption (Ctrl-C) and
 * kept after a failure (`failAndExit`), for its logs; the benchmark removes it when it succeeds.
 */
export function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  onInterrupt(async (code) => {
    if (code !== 1) fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 2xx, the child exits, or `timeoutMs` passes. */
export async function waitForHttp(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  init?: RequestInit,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${url}: the process exited (${child.exitCode ?? child.signalCode}) before answering`);
    }
    try {
      const res = await fetch(url, init);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const CLOCK_TICKS_PER_SECOND = 100; // Linux's USER_HZ

/**
 * CPU time (ms) a process has used: its own user + system time, plus that of its children it
 * has reaped when `withReaped` (PostgreSQL's postmaster reaps the backends that exit).
 */
export function cpuMs(pid: number, withReaped = false): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
  const at = (field: number) => Number(fields[field - 3]);
  const ticks = at(14) + at(15) + (withReaped ? at(16) + at(17) : 0);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * CPU time (ms) of a process and its descendants, live and reaped: the API's primary and its API
 * processes (API_PROCESSES, src/serve/primary.ts).
 */
export function treeCpuMs(pid: number): number {
  let total = cpuMs(pid, true);
  let children: string[] = [];
  try {
    children = fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
  } catch {
    return total; // gone meanwhile
  }
  for (const child of children) total += treeCpuMs(Number(child));
  return total;
}

/** CPU time (ms) of PostgreSQL: the postmaster, its live backends, and those it has reaped. */
export function postgresCpuMs(postmasterPid: number): number {
  let total = cpuMs(postmasterPid, true);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmasterPid) total += cpuMs(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** The machine, as docs/benchmarks.md records it. */
export function machine(): { cpus: number; cpuModel: string; memoryGiB: number; node: string } {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** The 1-minute load average, rounded to 0.01. */
export const loadAverage = () => Math.round(os.loadavg()[0] * 100) / 100;

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
