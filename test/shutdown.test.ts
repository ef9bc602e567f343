import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { isProcessAlive, processArgv, runningPostmaster, stopPostmaster } from '../src/db/embedded';
import { createLogger } from '../src/shared/logger';
import {
  children,
  errorLines,
  freePort,
  MAIN,
  post,
  ready,
  ROOT,
  sleep,
  startServer,
  terminate,
  waitUntil,
  within,
} from './support/main-process';

/**
 * The built server (`node dist/src/main.js`, what `npm start` runs) as a child process: SIGTERM
 * when idle and under load, and an embedded PostgreSQL orphaned by SIGKILL. `npm test` builds
 * first.
 */
const tempDirs: string[] = [];

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

/** Live processes (not zombies) whose command line names this data folder. */
function postgresProcessesOn(databaseDir: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => (processArgv(pid) ?? []).includes(databaseDir) && isProcessAlive(pid));
}
