import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { startMetricsServer } from '../src/http/metrics';
import { createLogger } from '../src/shared/logger';
import { Role, startTestApp, token, type TestApp } from './support/app';

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
});
