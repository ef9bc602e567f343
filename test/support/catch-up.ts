import type { Client } from 'pg';
import { rawClient, Role, startTestApp, token, type TestApp } from './app';
import { seedTestTenant } from './tenants';

/**
 * A small Saint-Nazaire copy of its own (`families` families, children aged `childAges`) whose
 * suspended billing was just resumed: one catch-up invoice per family, at `now`. The billing
 * suites' common start (SEPA batches, water debits, instalments).
 */
export async function catchUpCopy(options: {
  slug: string;
  seed: number;
  childAges: [number, number];
  now: string;
  families?: number;
}): Promise<{ app: TestApp; owner: Client; tenantId: string; agent: string; admin: string }> {
  const app = await startTestApp();
  const owner = await rawClient('owner');
  const tenantId = await seedTestTenant(
    'saint-nazaire',
    { slug: options.slug, families: options.families ?? 4, seed: options.seed, childAges: options.childAges },
    new Date(options.now),
    2,
  );
  const agent = await token(options.slug, Role.AGENT);
  const admin = await token(options.slug, Role.TENANT_ADMIN);
  app.setNow(options.now);
  const resumed = await app.gql(
    'mutation($i: ResumeBillingInput!) { resumeBilling(input: $i) { userErrors { code } } }',
    { i: { idempotencyKey: 'resume' } },
    { token: admin },
  );
  if (resumed.data?.resumeBilling?.userErrors?.length !== 0) {
    throw new Error(`resumeBilling refused: ${JSON.stringify(resumed)}`);
  }
  return { app, owner, tenantId, agent, admin };
}
