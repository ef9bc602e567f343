import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Runner } from 'graphile-worker';
import { startMetricsServer } from '../src/http/metrics';
import { startWorker } from '../src/jobs/worker';
import { createLogger } from '../src/shared/logger';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';

/** Prometheus metrics on their own port: requests by operation and outcome, the pool's line. */
describe('/metrics', () => {
  let app: TestApp;
  let server: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    app = await startTestApp();
    server = await startMetricsServer(app.app.metrics, {
      port: 0,
      host: '127.0.0.1',
      logger: createLogger('silent'),
    });
    url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/metrics`;
  });
  afterAll(async () => {
    await server.close();
    await app.close();
  });

  const scrape = async () => (await fetch(url)).text();
  const sample = (text: string, line: string) => {
    const found = text.split('\n').find((l) => l.startsWith(`${line} `));
    return found ? Number(found.slice(line.length + 1)) : 0;
  };

  it('counts GraphQL requests by operation name and outcome, and shows the pool', async () => {
    const agent = await token('nimes', Role.AGENT);
    const label = 'guichet_graphql_request_duration_seconds_count{operation="MetricsProbe",outcome="ok"}';
    const refused =
      'guichet_graphql_request_duration_seconds_count{operation="MetricsProbe",outcome="refused"}';
    const before = await scrape();
    expect(before).toMatch(/^# TYPE guichet_db_units_waiting gauge$/m);
    expect(before).toMatch(/^guichet_db_units_in_use 0$/m);
    await app.gql('query MetricsProbe { families(first: 2) { nodes { name } } }', {}, { token: agent });
    await app.gql('query MetricsProbe { families(first: 2) { nodes { name } } }', {}, { token: agent });
    await app.gql('query MetricsProbe { families(first: 500) { nodes { name } } }', {}, { token: agent });
    const after = await scrape();
    expect(sample(after, label) - sample(before, label)).toBe(2);
    expect(sample(after, refused) - sample(before, refused)).toBe(1);
    expect(after).toMatch(/^# TYPE guichet_webhook_deliveries_total counter$/m);
    expect(after).toMatch(/^# TYPE guichet_jobs_total counter$/m);
  });

  it('shows the job queue’s depth by task and state, read at scrape time', async () => {
    const line = 'guichet_jobs_queued{task="metrics_probe",state="scheduled"}';
    expect(sample(await scrape(), line)).toBe(0);
    let worker: Runner | undefined;
    const owner = await rawClient('owner');
    try {
      worker = await startWorker({
        queueUrl: process.env.GUICHET_TEST_OWNER_URL!,
        orm: app.orm,
        logger: createLogger('silent'),
        crontab: false,
      });
      // Two jobs due in an hour (a task nobody runs): scheduled, not ready.
      for (const key of ['a', 'b'])
        await owner.query(
          `select graphile_worker.add_job('metrics_probe', '{}'::json, run_at := now() + interval '1 hour', job_key := $1)`,
          [`metrics-probe-${key}`],
        );
      expect(sample(await scrape(), line)).toBe(2);
      await owner.query(
        `select graphile_worker.remove_job(k) from unnest(array['metrics-probe-a', 'metrics-probe-b']) k`,
      );
      expect(sample(await scrape(), line)).toBe(0);
    } finally {
      await worker?.stop();
      await owner.end();
    }
    // No worker in this process any more: no figure.
    expect(await scrape()).not.toMatch(/^guichet_jobs_queued\{/m);
  });
});

/**
 * `/metrics` on the API's own port: a public port, so loopback clients only (no proxy's forwarding
 * headers) unless METRICS_TOKEN is set, and then that bearer token only.
 */
describe('/metrics on the API port', () => {
  let open: TestApp;
  let guarded: TestApp;

  beforeAll(async () => {
    open = await startTestApp();
    guarded = await startTestApp({ config: { metricsToken: 'scrape-me-please' } });
  });
  afterAll(async () => {
    await open.close();
    await guarded.close();
  });

  it('answers a loopback client, and refuses one a proxy forwarded', async () => {
    const direct = await fetch(`${open.url}/metrics`);
    expect(direct.status).toBe(200);
    expect(await direct.text()).toMatch(/^# TYPE guichet_db_units_in_use gauge$/m);
    const relays: Record<string, string>[] = [
      { 'x-forwarded-for': '203.0.113.9' },
      { forwarded: 'for=203.0.113.9' },
    ];
    for (const headers of relays) {
      const relayed = await fetch(`${open.url}/metrics`, { headers });
      expect(relayed.status).toBe(403);
      expect(await relayed.text()).toContain('METRICS_TOKEN');
    }
  });

  it('asks for the bearer token when METRICS_TOKEN is set, even on loopback', async () => {
    const none = await fetch(`${guarded.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await fetch(`${guarded.url}/metrics`, {
      headers: { authorization: 'Bearer scrape-me-pleasE' },
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${guarded.url}/metrics`, {
      headers: { authorization: 'Bearer scrape-me-please', 'x-forwarded-for': '203.0.113.9' },
    });
    expect(right.status).toBe(200);
    expect(await right.text()).toMatch(/^# TYPE guichet_graphql_request_duration_seconds histogram$/m);
  });
});
