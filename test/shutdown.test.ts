import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive, processArgv, runningPostmaster, stopPostmaster } from '../src/db/embedded';
import { createLogger } from '../src/shared/logger';

/**
 * The built server (`node dist/src/main.js`, what `npm start` runs) as a child process: SIGTERM
 * when idle and under load, and an embedded PostgreSQL orphaned by SIGKILL. `npm test` builds
 * first.
 */
const ROOT = path.resolve(__dirname, '..');
const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');

interface Server {
  child: ChildProcess;
  port: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();
const tempDirs: string[] = [];

function startServer(env: Record<string, string>): Promise<Server> {
  return freePort().then((port) => {
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      // Only what the server needs: nothing of jest's environment (DATABASE_URL, NODE_ENV…) leaks in.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? os.tmpdir(),
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: String(port),
        DEMO_DATA: 'off',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => {
        children.delete(child);
        resolve({ code, signal });
      }),
    );
    return { child, port, output: () => output, exited };
  });
}

/** Polls /readyz until 200 (bounded); fails at once, with the server's output, if it exits. */
async function ready(server: Server, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`server exited before being ready:\n${server.output()}`);
    }
    const status = await fetch(`http://127.0.0.1:${server.port}/readyz`)
      .then((res) => res.status)
      .catch(() => 0);
    if (status === 200) return;
    await sleep(100);
  }
  throw new Error(`server not ready after ${timeoutMs} ms:\n${server.output()}`);
}

/** SIGTERM, then the exit code and how long the exit took (bounded). */
async function terminate(server: Server, timeoutMs: number): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  server.child.kill('SIGTERM');
  const { code } = await within(server.exited, timeoutMs, () => `no exit after SIGTERM:\n${server.output()}`);
  return { code, ms: Date.now() - started };
}

async function waitUntil(condition: () => boolean, ms: number, message: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${message()} after ${ms} ms`);
    await sleep(20);
  }
}

/** The promise's value, or a failure after `ms` (the timer does not outlive the promise). */
async function within<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${message()} (${ms} ms)`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Server-side log lines at level error (50) or fatal (60). */
function errorLines(output: string): string[] {
  return output.split('\n').filter((line) => /"level":(50|60)/.test(line) || /\bERROR\b/.test(line));
}

describe('shutdown of node dist/src/main.js', () => {
  const databaseUrl = process.env.GUICHET_TEST_OWNER_URL!;

  beforeAll(() => {
    if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` (npm test does).`);
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    // Any PostgreSQL still running on a data folder of these tests (a failed test).
    for (const dir of tempDirs) {
      const postmaster = runningPostmaster(path.join(dir, 'pg'));
      if (postmaster)
        await stopPostmaster(postmaster.pid, { logger: createLogger('silent'), timeoutMs: 3000 });
    }
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 within 3 s of SIGTERM when idle (job worker on)', async () => {
    const server = await startServer({ DATABASE_URL: databaseUrl, JOBS: 'on' });
    await ready(server);
    const { code, ms } = await terminate(server, 5000);
    expect({ code, output: errorLines(server.output()) }).toEqual({ code: 0, output: [] });
    expect(ms).toBeLessThan(3000);
  });

  it('answers every in-flight request (200, or 503 once closing) and exits 0', async () => {
    // One pooled connection: the requests queue up in the server, so SIGTERM lands mid-flight.
    const server = await startServer({ DATABASE_URL: databaseUrl, JOBS: 'off', DB_POOL_MAX: '1' });
    await ready(server);
    const total = 150;
    let signalled = false;
    let answeredAfterSignal = 0;
    const results = Array.from({ length: total }, () =>
      post(server.port, '{ tenants { slug name } }').then(
        (status) => {
          if (signalled) answeredAfterSignal++;
          return String(status);
        },
        (error: Error) => `failed: ${error.message}`,
      ),
    );
    // SIGTERM once the server has read every request (its log says so). A connection whose request
    // it has not read yet when it stops listening is closed as idle (Node's server.close()).
    const received = () =>
      server.output().match(/"url":"\/graphql"[^\n]*"msg":"incoming request"/g)?.length ?? 0;
    await waitUntil(
      () => received() === total,
      15000,
      () => `${received()} of ${total} requests received`,
    );
    signalled = true;
    const exit = terminate(server, 15000);
    const statuses = await Promise.all(results);
    const { code } = await exit;

    const counts = statuses.reduce<Record<string, number>>(
      (acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }),
      {},
    );
    expect(Object.keys(counts).filter((s) => s !== '200' && s !== '503')).toEqual([]);
    expect(answeredAfterSignal).toBeGreaterThan(0); // SIGTERM did land while requests were in flight
    expect({ code, output: errorLines(server.output()) }).toEqual({ code: 0, output: [] });
  });

  it('stops the embedded PostgreSQL orphaned by a SIGKILL at the next start, and its own on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-shutdown-'));
    tempDirs.push(dataDir);
    const databaseDir = path.join(dataDir, 'pg');
    const env = { GUICHET_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), JOBS: 'off' };

    const first = await startServer(env);
    await ready(first, 45000);
    const orphan = runningPostmaster(databaseDir);
    expect(orphan).not.toBeNull();
    expect(fs.readFileSync(path.join(dataDir, 'guichet.pid'), 'utf8').trim()).toBe(String(first.child.pid));
    first.child.kill('SIGKILL');
    await first.exited;
    await sleep(200);
    expect(isProcessAlive(orphan!.pid)).toBe(true); // nobody stopped it

    const second = await startServer(env);
    await ready(second, 45000);
    expect(second.output()).toContain('the process that started it is gone');
    expect(isProcessAlive(orphan!.pid)).toBe(false);
    const own = runningPostmaster(databaseDir);
    expect(own).not.toBeNull();
    expect(own!.pid).not.toBe(orphan!.pid);

    // A second `npm start` on the same folder refuses; the running one is untouched.
    const third = await startServer(env);
    const refused = await within(
      third.exited,
      15000,
      () => `the third server is running:\n${third.output()}`,
    );
    expect(refused.code).toBe(1);
    expect(third.output()).toContain(`Guichet is already running with pid ${second.child.pid}`);
    expect(isProcessAlive(own!.pid)).toBe(true);

    const { code } = await terminate(second, 15000);
    expect({ code, output: errorLines(second.output()) }).toEqual({ code: 0, output: [] });
    expect(isProcessAlive(own!.pid)).toBe(false);
    expect(postgresProcessesOn(databaseDir)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'guichet.pid'))).toBe(false);
  });

  it('`npm start` then Ctrl-C: exits 0, no ERROR line from npm, Node or PostgreSQL, nothing left running', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-ctrl-c-'));
    tempDirs.push(dataDir);
    const port = await freePort();
    // As in a terminal: npm, its shell and Node in one process group, which Ctrl-C signals whole.
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      detached: true,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? os.tmpdir(),
        PORT: String(port),
        GUICHET_DATA_DIR: dataDir,
        EMBEDDED_PG_PORT: String(await freePort()),
        DEMO_DATA: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await ready(
      { child, port, output: () => output, exited: exited.then((code) => ({ code, signal: null })) },
      45000,
    );
    expect(await post(port, '{ tenants { slug } }')).toBe(200);

    process.kill(-child.pid!, 'SIGINT');
    const code = await within(exited, 15000, () => `npm start still running after Ctrl-C:\n${output}`);
    children.delete(child);
    expect({ code, errors: errorLines(output), npm: output.match(/^npm (error|ERR!).*$/gm) ?? [] }).toEqual({
      code: 0,
      errors: [],
      npm: [],
    });
    expect(output).toMatch(/"msg":"stopped"/);
    expect(postgresProcessesOn(path.join(dataDir, 'pg'))).toEqual([]);
  });
});

/** POST /graphql on a connection of its own; resolves with the HTTP status. */
function post(port: number, query: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query });
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: 20000,
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

/** Live processes (not zombies) whose command line names this data folder. */
function postgresProcessesOn(databaseDir: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => (processArgv(pid) ?? []).includes(databaseDir) && isProcessAlive(pid));
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
