import type { Client } from 'pg';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * The public directory costs no query while nothing changes (every portal polls it for its banner
 * during an outage), and shows a change at once: made through this API, or behind it — by another
 * replica, by an operator — since PostgreSQL notifies every process at COMMIT.
 */
describe('the public directory cache', () => {
  const SLUG = 'test-directory-cache';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  const DIRECTORY = '{ tenants { slug operatingMode publicNotice } }';

  /** The directory as an anonymous client reads it, and the statements it cost on tenants. */
  async function read(id: string) {
    const res = await app.gql(DIRECTORY, {}, { headers: { 'x-request-id': id } });
    expect(res.errors).toBeUndefined();
    const town = (res.data as any).tenants.find((t: any) => t.slug === SLUG);
    return { town, queries: app.statementsFor(id).filter((sql) => /from "?tenants"?/i.test(sql)).length };
  }

  beforeAll(async () => {
    tenantId = await seedTestTenant('nimes', { slug: SLUG, families: 3, seed: 77 }, new Date(), 1);
    owner = await rawClient('owner');
    app = await startTestApp();
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('is read from memory until the tenants table changes, through the API or behind it', async () => {
    await read('dir-warm');
    const cached = await read('dir-cached');
    expect(cached.queries).toBe(0);

    const admin = await token(SLUG, Role.TENANT_ADMIN);
    const set = await app.gql(
      `mutation($i: SetOperatingModeInput!) { setOperatingMode(input: $i) { userErrors { code } } }`,
      { i: { mode: 'COUNTER_ONLY', reason: 'test', notice: 'Au guichet seulement' } },
      { token: admin },
    );
    expect(set.data?.setOperatingMode.userErrors).toEqual([]);
    const changed = await read('dir-after-mode');
    expect(changed.town).toEqual({
      slug: SLUG,
      operatingMode: 'COUNTER_ONLY',
      publicNotice: 'Au guichet seulement',
    });
    expect(changed.queries).toBe(1);

    // Another replica (here the owner, behind the API's back) changes the notice: seen at once.
    await owner.query(`update tenants set config_public_notice = 'Réouverture lundi' where id = $1`, [
      tenantId,
    ]);
    let behind = await read('dir-behind-0');
    for (let i = 1; behind.town.publicNotice !== 'Réouverture lundi' && i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      behind = await read(`dir-behind-${i}`);
    }
    expect(behind.town.publicNotice).toBe('Réouverture lundi');
    expect((await read('dir-cached-again')).queries).toBe(0);
  });
});
