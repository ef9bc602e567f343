import { demoTenants, type DemoTenant } from '../../seeds/demo-tenants';
import type { RecentActivity } from '../../seeds/activity';
import { seedTenant } from '../../seeds/DatabaseSeeder';
import { NOTABLES } from '../../seeds/random';
import { createApiKey } from '../../src/auth/api-keys.service';
import type { Scope } from '../../src/auth/viewer';
import { initOrm } from '../../src/db/orm';
import { createLogger } from '../../src/shared/logger';

/**
 * A tenant of a suite's own, copied from a demo tenant (so that no other suite shares its rows),
 * seeded as if at the instant `today` with `weeks` weeks of sessions from that day — and, with
 * `activity`, the demo's recent past and booked days. Returns its id.
 */
export async function seedTestTenant(
  base: string,
  overrides: Partial<DemoTenant> & { slug: string },
  today: Date,
  weeks = 6,
  activity?: RecentActivity,
): Promise<string> {
  const definition = demoTenants(NOTABLES).find((t) => t.slug === base)!;
  const orm = await initOrm({
    clientUrl: process.env.GUICHET_TEST_OWNER_URL!,
    logger: createLogger('silent'),
  });
  try {
    const tenant = await seedTenant(
      orm.em.fork(),
      { ...definition, name: `Ville de test — ${overrides.slug}`, ...overrides },
      today,
      weeks,
      activity,
    );
    return tenant.id;
  } finally {
    await orm.close(true);
  }
}

/** An API key for the given tenants and scopes (the plaintext to send as a bearer token). */
export async function apiKey(tenantIds: string[], scopes: Scope[], name = 'Test key'): Promise<string> {
  const orm = await initOrm({
    clientUrl: process.env.GUICHET_TEST_OWNER_URL!,
    logger: createLogger('silent'),
  });
  try {
    return (await createApiKey(orm.em.fork(), { name, tenantIds, scopes })).plaintext;
  } finally {
    await orm.close(true);
  }
}
