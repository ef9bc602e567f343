import type { Client } from 'pg';
import { Scope } from '../src/auth/viewer';
import { DEFAULT_RATE_LIMITS, parseBucketLimit } from '../src/http/rate-limit';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { apiKey, seedTestTenant } from './support/tenants';

/**
 * Rate limits per client: a leaky bucket of query-cost points in PostgreSQL, shared by every
 * replica (two apps on one database here), reported in `extensions.cost.throttleStatus`, refused
 * with THROTTLED, HTTP 429 and Retry-After when short. Buckets here are tiny: 100 points, refilled
 * at 20 a second for keys; people unlimited, as by default.
 */
describe('rate limits', () => {
  const SLUG = 'test-rate-limits';
  let one: TestApp;
  let two: TestApp;
  let owner: Client;
  let key: string;
  let tenantId: string;
  const limits = {
    API_KEY: { maximumAvailable: 100, restoreRate: 20 },
    ANONYMOUS: { maximumAvailable: 60, restoreRate: 10 },
    PERSON: null,
  };
  /** families(first: 30) { nodes { id } } costs 30 points. */
  const QUERY = '{ families(first: 30) { nodes { id } } }';

  beforeAll(async () => {
    tenantId = await seedTestTenant('nimes', { slug: SLUG, families: 40, seed: 31 }, new Date(), 1);
    owner = await rawClient('owner');
    key = await apiKey([tenantId], [Scope.FAMILIES_READ], 'Vendor script');
    const config = { rateLimits: limits } as never;
    [one, two] = await Promise.all([startTestApp({ config }), startTestApp({ config })]);
  });
  afterAll(async () => {
    await owner.end();
    await Promise.all([one?.close(), two?.close()]);
  });

  it('draws each query’s cost from the client’s bucket, on every replica, then refuses with 429 and Retry-After', async () => {
    const first = await one.gql(QUERY, {}, { token: key });
    expect(first.status).toBe(200);
    expect(first.extensions.cost).toMatchObject({
      requestedQueryCost: 30,
      throttleStatus: { maximumAvailable: 100, currentlyAvailable: expect.any(Number), restoreRate: 20 },
    });
    const after = (first.extensions.cost as { throttleStatus: { currentlyAvailable: number } }).throttleStatus
      .currentlyAvailable;
    expect(after).toBeGreaterThanOrEqual(70);
    expect(after).toBeLessThanOrEqual(71);
    // The other replica draws from the same bucket: 70 → 40 → 10, then short.
    expect((await two.gql(QUERY, {}, { token: key })).status).toBe(200);
    expect((await one.gql(QUERY, {}, { token: key })).status).toBe(200);
    const refused = await two.gql(QUERY, {}, { token: key, headers: { 'accept-language': 'en' } });
    expect(refused.status).toBe(429);
    expect(refused.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^Too many requests: this query costs 30 points and your bucket holds \d+/,
        ),
        extensions: expect.objectContaining({ code: 'THROTTLED' }),
      }),
    ]);
    expect(refused.data).toBeUndefined();
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    // After Retry-After, the bucket has refilled enough.
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    expect((await one.gql(QUERY, {}, { token: key })).status).toBe(200);
    // The bucket is one row, kept by a function the API role calls; it cannot read the table.
    const { rows } = await owner.query(`select client from rate_limit_buckets where client like $1`, [
      `key:${tenantId}:%`,
    ]);
    expect(rows).toHaveLength(1);
  }, 30_000);

  it('anonymous clients draw per address; people signed in are not limited by default', async () => {
    const directory = '{ tenants { slug } }';
    const anonymous = await one.gql(directory);
    expect(anonymous.status).toBe(200);
    expect(anonymous.extensions.cost).toMatchObject({ throttleStatus: { maximumAvailable: 60 } });
    const agent = await token(SLUG, Role.AGENT);
    for (let i = 0; i < 5; i++) {
      const res = await one.gql(QUERY, {}, { token: agent });
      expect(res.status).toBe(200);
      expect(res.extensions.cost).not.toHaveProperty('throttleStatus');
    }
    await expect(
      rawClient('app').then(async (app) => {
        try {
          await app.query('select * from rate_limit_buckets');
        } finally {
          await app.end();
        }
      }),
    ).rejects.toThrow(/permission denied/);
  });

  it('reads its limits from the environment: "<points>/<points a second>" or "off"', () => {
    expect(parseBucketLimit(undefined, DEFAULT_RATE_LIMITS.API_KEY)).toEqual({
      maximumAvailable: 50_000,
      restoreRate: 5_000,
    });
    expect(parseBucketLimit('1000/50', null)).toEqual({ maximumAvailable: 1000, restoreRate: 50 });
    expect(parseBucketLimit('off', DEFAULT_RATE_LIMITS.API_KEY)).toBeNull();
    expect(() => parseBucketLimit('fast', null)).toThrow(/<points>\/<points a second>/);
    expect(() => parseBucketLimit('0/5', null)).toThrow();
  });
});
