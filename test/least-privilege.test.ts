import { spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { ensureWorkerLoginRole } from '../src/db/database';
import { rawClient } from './support/app';

/**
 * Production-like runs hold no owner credentials (docker-compose.yml): `db:migrate` runs once as
 * the owner and creates the job queue's own role; the API and its job worker then start with
 * MIGRATIONS=off on the API role (APP_DATABASE_URL) and the queue role (WORKER_DATABASE_URL).
 */
describe('running without the owner', () => {
  const ROOT = path.resolve(__dirname, '..');
  const WORKER_ROLE = 'guichet_worker_test';
  const WORKER_PASSWORD = 'worker-test-password-not-published';
  let owner: Client;
  let workerUrl: string;

  beforeAll(async () => {
    owner = await rawClient('owner');
    await ensureWorkerLoginRole(owner, {
      ...loadConfig({}),
      workerDbRole: WORKER_ROLE,
      workerDbPassword: WORKER_PASSWORD,
    });
    const url = new URL(process.env.GUICHET_TEST_APP_URL!);
    url.username = WORKER_ROLE;
    url.password = WORKER_PASSWORD;
    workerUrl = url.toString();
  });
  afterAll(() => owner.end());

  it('refuses to start MIGRATIONS=off without the connections it then needs', () => {
    expect(() => loadConfig({ MIGRATIONS: 'off' })).toThrow(/needs APP_DATABASE_URL/);
    expect(() => loadConfig({ MIGRATIONS: 'off', APP_DATABASE_URL: 'postgres://a@b/c' })).toThrow(
      /needs WORKER_DATABASE_URL/,
    );
    expect(
      loadConfig({ MIGRATIONS: 'off', APP_DATABASE_URL: 'postgres://a@b/c', JOBS: 'off' }).migrations,
    ).toBe(false);
  });

  it('the queue role reaches the job queue and nothing of the tenants', async () => {
    const worker = new Client({ connectionString: workerUrl });
    await worker.connect();
    try {
      await worker.query('select count(*) from graphile_worker.migrations');
      await expect(worker.query('select count(*) from families')).rejects.toThrow(/permission denied/);
      await expect(worker.query('create table graphile_worker.intruder (id int)')).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await worker.end();
    }
  });

  it('serves and runs its job queue with MIGRATIONS=off on the API and queue roles, then stops cleanly', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? os.tmpdir(),
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: String(port),
        METRICS_PORT: '0',
        MIGRATIONS: 'off',
        APP_DATABASE_URL: process.env.GUICHET_TEST_APP_URL!,
        WORKER_DATABASE_URL: workerUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      let status = 0;
      while (status !== 200 && Date.now() < deadline && child.exitCode === null) {
        status = await fetch(`http://127.0.0.1:${port}/readyz`)
          .then((res) => res.status)
          .catch(() => 0);
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect({ status, output: status === 200 ? '' : output }).toEqual({ status: 200, output: '' });
      const directory = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ tenants { slug } }' }),
      }).then((res) => res.json() as Promise<{ data: { tenants: { slug: string }[] } }>);
      expect(directory.data.tenants.map((t) => t.slug)).toContain('nimes');
      // Its job queue works on the queue role: a job added is run by this worker.
      await owner.query(
        `select graphile_worker.add_job('idempotency_purge', '{}'::json, job_key => 'lp-test')`,
      );
      const runDeadline = Date.now() + 20_000;
      let left = 1;
      while (left > 0 && Date.now() < runDeadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        left = (
          await owner.query(
            `select count(*)::int as n from graphile_worker._private_jobs where key = 'lp-test'`,
          )
        ).rows[0].n;
      }
      expect(left).toBe(0);
      expect(output).not.toMatch(/"level":(50|60)/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 90_000);
});
