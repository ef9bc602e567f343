import type { Client } from 'pg';
import { Role, rawClient, startTestApp, token, type TestApp } from './support/app';

/**
 * A browser front end on an origin a tenant allows calls the API (preflight, then the request);
 * any other origin gets no CORS header. The origins are the tenants' configuration, read again
 * within the cache's time.
 */
describe('CORS for browser front ends', () => {
  const LOCAL = 'http://localhost:3000';
  const PORTAL = 'https://portail.test-cors.example';
  const CACHE_MS = 300;
  let app: TestApp;
  let owner: Client;

  const preflight = (path: string, origin: string, method = 'POST') =>
    fetch(`${app.url}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization,content-type,x-tenant',
      },
    });
  const corsHeaders = (response: { headers: Headers }) =>
    [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

  beforeAll(async () => {
    app = await startTestApp({ config: { corsOriginsCacheMs: CACHE_MS } });
    owner = await rawClient('owner');
    // A tenant of the suite's own: its origins change below without touching another suite's.
    await owner.query(
      `insert into tenants (id, slug, name, locale, time_zone, currency, holiday_region)
       values (gen_random_uuid(), 'test-cors', 'Ville de test — CORS', 'fr-FR', 'Europe/Paris', 'EUR', 'FR')
       on conflict (slug) do update set config_allowed_origins = '{}'`,
    );
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('answers the preflight of an allowed origin 204 with the methods and headers a front end needs', async () => {
    const response = await preflight('/graphql', LOCAL);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(LOCAL);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    const allowed = response.headers.get('access-control-allow-headers')!.split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-tenant']));
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/origin/i);
  });

  it('gives an origin no tenant allows no CORS header at all', async () => {
    const response = await preflight('/graphql', 'https://evil.example');
    expect(response.status).toBe(404);
    expect(corsHeaders(response)).toEqual([]);
    // A look-alike of an allowed origin (another port, scheme, a trailing slash) is another origin.
    for (const origin of ['http://localhost:3001', 'https://localhost:3000', `${LOCAL}/`, 'null']) {
      expect(corsHeaders(await preflight('/graphql', origin))).toEqual([]);
    }
  });

  it('lets the allowed page read the answer of its POST, and the headers it needs to back off', async () => {
    const agent = await token('beziers', Role.AGENT);
    const answer = await app.gql('{ tenant { slug } }', {}, { token: agent, headers: { origin: LOCAL } });
    expect(answer.status).toBe(200);
    expect(answer.data.tenant.slug).toBe('beziers');
    expect(answer.headers.get('access-control-allow-origin')).toBe(LOCAL);
    expect(answer.headers.get('access-control-expose-headers')!.split(/,\s*/)).toEqual(
      expect.arrayContaining(['retry-after', 'x-request-id', 'content-disposition']),
    );
    // Refusals too: a front end reads the 401 to send its user to sign in again.
    const refused = await app.gql('{ tenant { slug } }', {}, { token: 'nope', headers: { origin: LOCAL } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(LOCAL);
    // And Fastify's own refusals (a body that is not JSON, one too large).
    for (const body of ['{not json', 'x'.repeat(2 * 1024 * 1024)]) {
      const malformed = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { origin: LOCAL, 'content-type': 'application/json' },
        body,
      });
      expect([malformed.status, malformed.headers.get('access-control-allow-origin')]).toEqual([
        body.length > 100 ? 413 : 400,
        LOCAL,
      ]);
    }
    // Another origin's page gets the answer without the header: the browser keeps it from the page.
    const foreign = await app.gql(
      '{ tenants { slug } }',
      {},
      { headers: { origin: 'https://evil.example' } },
    );
    expect(foreign.status).toBe(200);
    expect(corsHeaders(foreign)).toEqual([]);
    // Without Origin (curl, a server), nothing changes.
    const plain = await app.gql('{ tenants { slug } }');
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('covers the document routes too', async () => {
    const response = await preflight('/documents/invoices/F2026-000001.pdf', LOCAL, 'GET');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(LOCAL);
    const download = await fetch(`${app.url}/documents/invoices/F2026-000001.pdf?sig=x`, {
      headers: { origin: LOCAL },
    });
    expect(download.status).toBe(403);
    expect(download.headers.get('access-control-allow-origin')).toBe(LOCAL);
  });

  it("follows the tenants' configuration within the cache's time", async () => {
    expect(corsHeaders(await preflight('/graphql', PORTAL))).toEqual([]);
    await owner.query(`update tenants set config_allowed_origins = array[$1] where slug = 'test-cors'`, [
      PORTAL,
    ]);
    await new Promise((resolve) => setTimeout(resolve, CACHE_MS + 50));
    const allowed = await preflight('/graphql', PORTAL);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(PORTAL);
    // Exposed, read-only, to callers inside the tenant.
    const config = await app.gql(
      '{ tenant { configuration { allowedOrigins } } }',
      {},
      { token: await token('beziers', Role.AGENT) },
    );
    expect(config.data.tenant.configuration.allowedOrigins).toEqual([LOCAL]);

    await owner.query(`update tenants set config_allowed_origins = '{}' where slug = 'test-cors'`);
    await new Promise((resolve) => setTimeout(resolve, CACHE_MS + 50));
    expect(corsHeaders(await preflight('/graphql', PORTAL))).toEqual([]);
  });

  it('keeps malformed origins out of the configuration (they would never match a browser)', async () => {
    for (const origin of [
      'https://portail.example/',
      '*',
      'https://Portail.example',
      'portail.example',
      '',
    ]) {
      await expect(
        owner.query(`update tenants set config_allowed_origins = array[$1] where slug = 'test-cors'`, [
          origin,
        ]),
      ).rejects.toThrow(/tenants_allowed_origins_check/);
    }
    await owner.query(
      `update tenants set config_allowed_origins = array['http://127.0.0.1:8080', 'https://[::1]:3000', 'https://a-b.c.example']
       where slug = 'test-cors'`,
    );
    await owner.query(`update tenants set config_allowed_origins = '{}' where slug = 'test-cors'`);
  });
});
