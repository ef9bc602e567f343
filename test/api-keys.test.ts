import { createApiKey } from '../src/auth/api-keys.service';
import { Scope } from '../src/auth/viewer';
import { initOrm } from '../src/db/orm';
import { createLogger } from '../src/shared/logger';
import { Tenant } from '../src/tenants/tenant.entity';
import { rawClient, startTestApp, type TestApp } from './support/app';

/** Vendor integrations: hashed keys, scoped to tenants and to what they may read. */
describe('API keys', () => {
  let app: TestApp;
  let multiTenantKey: string;
  let catalogOnlyKey: string;

  beforeAll(async () => {
    app = await startTestApp();
    const owner = await initOrm({
      clientUrl: process.env.GUICHET_TEST_OWNER_URL!,
      logger: createLogger('silent'),
    });
    try {
      const em = owner.em.fork();
      const tenants = await em.find(Tenant, { slug: { $in: ['nimes', 'beziers'] } });
      multiTenantKey = (
        await createApiKey(em, {
          name: 'Vendor menus',
          tenantIds: tenants.map((t) => t.id),
          scopes: [Scope.FAMILIES_READ, Scope.CATALOG_READ],
        })
      ).plaintext;
      catalogOnlyKey = (
        await createApiKey(em, {
          name: 'Catalog mirror',
          tenantIds: [tenants.find((t) => t.slug === 'nimes')!.id],
          scopes: [Scope.CATALOG_READ],
        })
      ).plaintext;
    } finally {
      await owner.close(true);
    }
  });
  afterAll(() => app.close());

  it('stores only a hash of the key', async () => {
    const owner = await rawClient('owner');
    try {
      const { rows } = await owner.query('select prefix, secret_hash from api_keys');
      const secret = multiTenantKey.split('_').slice(2).join('_');
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const row of rows) {
        expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(row.secret_hash).not.toContain(secret);
      }
    } finally {
      await owner.end();
    }
  });

  it('acts for the tenant chosen with X-Tenant, among those it was granted', async () => {
    const viewer = '{ viewer { kind displayName scopes tenant { slug } } families(first: 1) { totalCount } }';
    const beziers = await app.gql(viewer, {}, { token: multiTenantKey, headers: { 'x-tenant': 'beziers' } });
    expect(beziers.data!.viewer).toEqual({
      kind: 'API_KEY',
      displayName: 'Vendor menus',
      scopes: ['families:read', 'catalog:read'],
      tenant: { slug: 'beziers' },
    });
    expect(beziers.data!.families.totalCount).toBe(240);
    const nimes = await app.gql(viewer, {}, { token: multiTenantKey, headers: { 'x-tenant': 'nimes' } });
    expect(nimes.data!.families.totalCount).toBe(320);

    const notGranted = await app.gql(
      viewer,
      {},
      { token: multiTenantKey, headers: { 'x-tenant': 'quebec' } },
    );
    expect(notGranted.status).toBe(403);
    const unchosen = await app.gql(viewer, {}, { token: multiTenantKey });
    expect(unchosen.status).toBe(401);
    expect(unchosen.errors?.[0].message).toMatch(/X-Tenant/);
  });

  it('reads only what its scopes allow', async () => {
    const catalog = await app.gql('{ facilities(first: 1) { totalCount } }', {}, { token: catalogOnlyKey });
    expect(catalog.data!.facilities.totalCount).toBe(83);
    const families = await app.gql('{ families(first: 1) { totalCount } }', {}, { token: catalogOnlyKey });
    expect(families.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses an unknown or tampered key', async () => {
    const tampered = catalogOnlyKey.slice(0, -3) + (catalogOnlyKey.endsWith('abc') ? 'xyz' : 'abc');
    for (const bad of [tampered, 'gk_000000000000_' + 'a'.repeat(43)]) {
      const res = await app.gql('{ viewer { kind } }', {}, { token: bad });
      expect(res.status).toBe(401);
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
  });
});
