import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { demoTenants, type DemoTenant } from '../../seeds/demo-tenants';
import type { RecentActivity } from '../../seeds/activity';
import { seedTenant } from '../../seeds/DatabaseSeeder';
import type { BootstrapFile } from '../../src/administration/bootstrap/bootstrap';
import type { FacilityKind } from '../../src/facilities/facility.entity';
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
  const definition = demoTenants().find((t) => t.slug === base)!;
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

/** A demo tenant's catalogue file (seeds/bootstrap/<base>.yaml), as the seed reads it. */
export function demoCatalogue(base: string): BootstrapFile {
  const file = path.join(__dirname, '..', '..', 'seeds', 'bootstrap', `${base}.yaml`);
  return parse(readFileSync(file, 'utf8'), { schema: 'core' }) as BootstrapFile;
}

/**
 * Part of a demo tenant's catalogue, for a suite's small copy: for each facility asked, the file's
 * next facility of that kind (in the file's order, with its services and price grids), with the
 * changes given (a name of the suite's own, a capacity).
 */
export function partOfCatalogue(
  base: string,
  facilities: { kind: FacilityKind | `${FacilityKind}`; name?: string; capacity?: number }[],
): BootstrapFile {
  const file = demoCatalogue(base);
  const taken = new Set<unknown>();
  return {
    ...file,
    facilities: facilities.map(({ kind, ...changes }) => {
      const facility = file.facilities!.find((f) => f.kind === kind && !taken.has(f));
      if (!facility) throw new Error(`${base}.yaml has no more facilities of kind ${kind}`);
      taken.add(facility);
      return { ...facility, ...changes };
    }),
  };
}
