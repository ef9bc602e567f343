import { createApiKey } from '../src/auth/api-keys.service';
import { Scope } from '../src/auth/viewer';
import { initOrm } from '../src/db/orm';
import { createLogger } from '../src/shared/logger';
import { Tenant } from '../src/tenants/tenant.entity';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';

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

/** Tenant admins list, create and revoke their tenant's keys through the API. */
describe('API keys managed by tenant admins', () => {
  let app: TestApp;
  let vendorKey: string;
  let vendorKeyId: string;
  const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) {
    apiKey { id name prefix scopes sharedWithOtherTenants revokedAt } plaintext userErrors { code field } } }`;
  const REVOKE = `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) {
    apiKey { id revokedAt sharedWithOtherTenants } userErrors { code field } } }`;
  const LIST = `{ apiKeys(includeRevoked: true) { id name prefix scopes sharedWithOtherTenants revokedAt } }`;

  beforeAll(async () => {
    app = await startTestApp();
    const owner = await initOrm({
      clientUrl: process.env.GUICHET_TEST_OWNER_URL!,
      logger: createLogger('silent'),
    });
    try {
      const em = owner.em.fork();
      const tenants = await em.find(Tenant, { slug: { $in: ['quebec', 'saint-nazaire'] } });
      const created = await createApiKey(em, {
        name: 'Éditeur logiciel',
        tenantIds: tenants.map((t) => t.id),
        scopes: [Scope.CATALOG_READ],
      });
      vendorKey = created.plaintext;
      vendorKeyId = created.apiKey.id;
    } finally {
      await owner.close(true);
    }
  });
  afterAll(() => app.close());

  const admin = () => token('quebec', Role.TENANT_ADMIN);
  const asKey = (key: string, tenant?: string) =>
    app.gql('{ tenant { slug } }', {}, { token: key, headers: tenant ? { 'x-tenant': tenant } : {} });

  it('creates a key for this tenant only, shows its plaintext once, and the key works at once', async () => {
    const input = { name: 'Tablette CPE Limoilou', scopes: ['attendance:write'], idempotencyKey: 'tablet-1' };
    const res = await app.gql(CREATE, { input }, { token: await admin() });
    expect(res.data.createApiKey).toMatchObject({
      userErrors: [],
      apiKey: {
        name: 'Tablette CPE Limoilou',
        scopes: ['attendance:write'],
        sharedWithOtherTenants: false,
        revokedAt: null,
      },
    });
    const plaintext: string = res.data.createApiKey.plaintext;
    expect(plaintext).toMatch(new RegExp(`^gk_${res.data.createApiKey.apiKey.prefix}_`));
    expect((await asKey(plaintext)).data.tenant.slug).toBe('quebec');
    // A retry replays the key without its secret; the database holds only its hash.
    const replay = await app.gql(CREATE, { input }, { token: await admin() });
    expect(replay.data.createApiKey.apiKey.id).toBe(res.data.createApiKey.apiKey.id);
    expect(replay.data.createApiKey.plaintext).toBeNull();
    const db = await rawClient('owner');
    try {
      const { rows } = await db.query(
        `select count(*)::int as n from idempotency_keys where response::text like $1`,
        [`%${plaintext.slice(-20)}%`],
      );
      expect(rows[0].n).toBe(0);
      const audit = await db.query(
        `select count(*)::int as n from audit_events where action = 'API_KEY_CREATED'`,
      );
      expect(audit.rows[0].n).toBeGreaterThanOrEqual(1);
    } finally {
      await db.end();
    }
  });

  it('refuses an unknown scope, and callers other than tenant admins', async () => {
    const bad = await app.gql(
      CREATE,
      { input: { name: 'x', scopes: ['catalog:read', 'everything'], idempotencyKey: 'bad-scope' } },
      { token: await admin() },
    );
    expect(bad.data.createApiKey).toMatchObject({
      apiKey: null,
      plaintext: null,
      userErrors: [{ code: 'INVALID', field: ['scopes', '1'] }],
    });
    const agent = await app.gql(LIST, {}, { token: await token('quebec', Role.AGENT) });
    expect(agent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it("lists the tenant's keys, and revoking a vendor's shared key withdraws this tenant only", async () => {
    const list = await app.gql(LIST, {}, { token: await admin() });
    const vendor = list.data.apiKeys.find((k: { name: string }) => k.name === 'Éditeur logiciel');
    expect(vendor).toMatchObject({ sharedWithOtherTenants: true, revokedAt: null });
    expect(list.data.apiKeys.every((k: { name: string }) => k.name !== 'Vendor menus')).toBe(true);
    const revoked = await app.gql(REVOKE, { input: { apiKeyId: vendor.id } }, { token: await admin() });
    expect(revoked.data.revokeApiKey.userErrors).toEqual([]);
    expect((await asKey(vendorKey, 'quebec')).status).toBe(403);
    expect((await asKey(vendorKey, 'saint-nazaire')).data.tenant.slug).toBe('saint-nazaire');
    // Gone from this tenant's list; revoking again: NOT_FOUND (it is no longer granted here).
    const after = await app.gql(LIST, {}, { token: await admin() });
    expect(after.data.apiKeys.map((k: { id: string }) => k.id)).not.toContain(vendor.id);
    const again = await app.gql(REVOKE, { input: { apiKeyId: vendor.id } }, { token: await admin() });
    expect(again.data.revokeApiKey.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['apiKeyId'] }]);
    expect(vendorKeyId).toBeDefined();
  });

  it("revokes the tenant's own key: it stops working at once", async () => {
    const res = await app.gql(
      CREATE,
      { input: { name: 'Script temporaire', scopes: ['catalog:read'], idempotencyKey: 'temp-1' } },
      { token: await admin() },
    );
    const { apiKey, plaintext } = res.data.createApiKey;
    const revoked = await app.gql(REVOKE, { input: { apiKeyId: apiKey.id } }, { token: await admin() });
    expect(revoked.data.revokeApiKey.apiKey.revokedAt).not.toBeNull();
    expect((await asKey(plaintext)).status).toBe(401);
    // Another tenant's admin cannot see or revoke it.
    const other = await app.gql(
      REVOKE,
      { input: { apiKeyId: apiKey.id } },
      { token: await token('nimes', Role.TENANT_ADMIN) },
    );
    expect(other.data.revokeApiKey.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['apiKeyId'] }]);
  });
});
