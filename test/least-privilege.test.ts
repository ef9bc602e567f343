import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { ensureWorkerLoginRole } from '../src/db/database';
import { rawClient } from './support/app';
import { errorLines, ready, startServer } from './support/main-process';

/**
 * Production-like runs hold no owner credentials (docker-compose.yml): `db:migrate` runs once as
 * the owner and creates the job queue's own role; the API and its job worker then start with
 * MIGRATIONS=off on the API role (APP_DATABASE_URL) and the queue role (WORKER_DATABASE_URL).
 */
describe('running without the owner', () => {
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
    const server = await startServer({
      METRICS_PORT: '0',
      MIGRATIONS: 'off',
      APP_DATABASE_URL: process.env.GUICHET_TEST_APP_URL!,
      WORKER_DATABASE_URL: workerUrl,
    });
    const { port } = server;
    try {
      await ready(server);
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
      expect(errorLines(server.output())).toEqual([]);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect((await server.exited).code).toBe(0);
  }, 90_000);
});
