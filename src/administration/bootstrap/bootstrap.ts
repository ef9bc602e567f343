import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { TenantContext } from '../../auth/context';
import { Role, type Viewer } from '../../auth/viewer';
import { inTenantTransaction } from '../../db/tenant-scope';
import { Facility } from '../../facilities/facility.entity';
import { Service } from '../../facilities/service.entity';
import { Family } from '../../families/family.entity';
import { generateSessions, type GenerateSessionsInput } from '../../sessions/generate-sessions.service';
import { render } from '../../shared/i18n';
import type { Outcome } from '../../shared/user-errors';
import { Tenant, TenantConfig } from '../../tenants/tenant.entity';
import { createClosurePeriod, type ClosurePeriodInput } from '../calendars/closures.service';
import {
  createFacility,
  createService,
  type FacilityFields,
  type ServiceFields,
} from '../catalogue/catalogue.service';
import { addChild, type AddChildInput } from '../families/child-admin.service';
import { registerFamily, type RegisterFamilyInput } from '../families/family-admin.service';
import { setPriceGrid, type SetPriceGridInput } from '../pricing/price-grid.service';
import { updateTenantConfiguration, type TenantConfigurationInput } from '../tenant/tenant-config.service';
import type { BillingUnit, ServiceKind } from '../../facilities/service.entity';

/**
 * A town's setup, declared once (docs/administration.md, "From an empty tenant"): the tenant,
 * its configuration, facilities with their services and price grids, closures, sessions to
 * generate, and families with their children. Facilities and services are named by a `key` of the
 * file's own, which the later sections use.
 */
export interface BootstrapFile {
  tenant: {
    slug: string;
    name: string;
    locale: string;
    timeZone: string;
    currency: string;
    holidayRegion: string;
    schoolCalendar?: string | null;
  };
  configuration?: TenantConfigurationInput;
  facilities?: (FacilityFields & {
    key: string;
    services?: (ServiceFields & {
      key: string;
      kind: ServiceKind;
      name: string;
      unit: BillingUnit;
      defaultCapacity: number;
      priceGrids?: Omit<SetPriceGridInput, 'serviceId'>[];
    })[];
  })[];
  closures?: (Omit<ClosurePeriodInput, 'facilityId'> & { facility?: string | null })[];
  sessions?: (Omit<GenerateSessionsInput, 'serviceId' | 'facilityIds'> & { services: string[] })[];
  families?: (RegisterFamilyInput & {
    children?: (Omit<AddChildInput, 'familyId' | 'schoolId'> & { school?: string | null })[];
  })[];
}

export interface BootstrapReport {
  tenantId: string;
  tenantCreated: boolean;
  facilities: { created: number; existing: number };
  services: { created: number; existing: number };
  priceGrids: number;
  closures: number;
  sessions: { created: number; skipped: number };
  families: { created: number; existing: number };
  children: number;
}

/** The bootstrap acts as a tenant admin named `system:bootstrap` in the audit trail. */
const bootstrapViewer = (tenantId: string): Viewer => ({
  kind: 'PERSON',
  subject: 'system:bootstrap',
  displayName: 'Bootstrap',
  roles: [Role.TENANT_ADMIN],
  scopes: [],
  tenantId,
  familyId: null,
});

/** Stops the bootstrap on a refusal, with its messages in English and the step it came from. */
function expect<T>(step: string, outcome: Outcome<T>): T {
  if (outcome.value === null) {
    const reasons = outcome.userErrors.map(
      (e) => `${(e.field ?? []).join('.')}: ${render(e.message, { locale: 'en', timeZone: 'UTC' })}`,
    );
    throw new Error(`${step} refused — ${reasons.join('; ')}`);
  }
  return outcome.value;
}

/** A key that is the same for the same step of the same file: a rerun within 48 h replays it. */
const keyOf = (slug: string, step: string, input: unknown) =>
  `bootstrap:${slug}:${step}:${createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 16)}`;

/**
 * Sets a tenant up from a declarative file, through the same services (and so the same checks,
 * audit and idempotency) as the API's administrative mutations, each step in its own
 * transaction. Idempotent by nature: a facility or service already there under the same name, a
 * family with the same file number or name, is left as it is; sessions are generated once.
 */
export async function bootstrapTenant(
  em: EntityManager,
  file: BootstrapFile,
  now = new Date(),
): Promise<BootstrapReport> {
  const { slug } = file.tenant;
  const run = randomUUID();
  let tenant = await em.fork().findOne(Tenant, { slug });
  const tenantCreated = !tenant;
  if (!tenant) {
    const fork = em.fork();
    const { schoolCalendar, ...fields } = file.tenant;
    tenant = fork.create(Tenant, {
      ...fields,
      config: Object.assign(new TenantConfig(), { schoolCalendar: schoolCalendar ?? null }),
      createdAt: now,
      updatedAt: now,
    });
    await fork.flush();
  }
  const tenantId = tenant.id;
  const step = <T>(work: (ctx: TenantContext) => Promise<T>) =>
    inTenantTransaction(em.fork(), tenantId, async (tx) => {
      const current = await tx.findOneOrFail(Tenant, { id: tenantId });
      return work({ em: tx, viewer: bootstrapViewer(tenantId), tenant: current, now: () => now });
    });
  const report: BootstrapReport = {
    tenantId,
    tenantCreated,
    facilities: { created: 0, existing: 0 },
    services: { created: 0, existing: 0 },
    priceGrids: 0,
    closures: 0,
    sessions: { created: 0, skipped: 0 },
    families: { created: 0, existing: 0 },
    children: 0,
  };
  if (file.configuration) {
    const input = file.configuration;
    await step(async (ctx) =>
      expect(
        'configuration',
        await updateTenantConfiguration(ctx, {
          ...input,
          idempotencyKey: keyOf(slug, 'configuration', input),
        }),
      ),
    );
  }
  const facilityIds = new Map<string, string>();
  const serviceIds = new Map<string, string>();
  for (const { key, services, ...facility } of file.facilities ?? []) {
    const facilityId = await step(async (ctx) => {
      const existing = await ctx.em.findOne(Facility, { name: facility.name, archivedAt: null });
      if (existing) return (report.facilities.existing++, existing.id);
      report.facilities.created++;
      const input = { ...facility, idempotencyKey: keyOf(slug, `facility-${key}`, facility) };
      return expect(`facility ${key}`, await createFacility(ctx, input)).facilityId;
    });
    facilityIds.set(key, facilityId);
    for (const { key: serviceKey, priceGrids, ...service } of services ?? []) {
      const serviceId = await step(async (ctx) => {
        const existing = await ctx.em.findOne(Service, {
          facility: facilityId,
          name: service.name,
          archivedAt: null,
        });
        if (existing) return (report.services.existing++, existing.id);
        report.services.created++;
        const input = {
          ...service,
          // An instant in a file is text (ISO 8601 with its offset), as the API takes it.
          bookingPolicy: service.bookingPolicy?.opensAt
            ? { ...service.bookingPolicy, opensAt: new Date(service.bookingPolicy.opensAt) }
            : service.bookingPolicy,
          facilityId,
          idempotencyKey: keyOf(slug, `service-${serviceKey}`, service),
        };
        return expect(`service ${serviceKey}`, await createService(ctx, input)).serviceId;
      });
      serviceIds.set(serviceKey, serviceId);
      for (const grid of priceGrids ?? []) {
        await step(async (ctx) => {
          // A grid already starting that day is the file's (or a later decision): left as it is.
          const exists = await ctx.em.execute<unknown[]>(
            `select 1 from price_brackets where tenant_id = ? and service_id = ? and valid_from = ? limit 1`,
            [tenantId, serviceId, grid.validFrom],
          );
          if (exists.length) return;
          expect(
            `price grid of ${serviceKey}`,
            await setPriceGrid(ctx, {
              ...grid,
              serviceId,
              idempotencyKey: keyOf(slug, `grid-${serviceKey}`, grid),
            }),
          );
          report.priceGrids++;
        });
      }
    }
  }
  const idOf = (map: Map<string, string>, key: string, what: string) => {
    const id = map.get(key);
    if (!id) throw new Error(`unknown ${what} "${key}": declare it under facilities first`);
    return id;
  };
  for (const { facility, ...closure } of file.closures ?? []) {
    const facilityId = facility ? idOf(facilityIds, facility, 'facility') : null;
    await step(async (ctx) => {
      const exists = await ctx.em.execute<unknown[]>(
        `select 1 from closure_periods where tenant_id = ? and name = ? and starts_on = ? and ends_on = ?`,
        [tenantId, closure.name, closure.from, closure.to],
      );
      if (exists.length) return;
      expect(
        `closure ${closure.name}`,
        await createClosurePeriod(ctx, {
          ...closure,
          facilityId,
          idempotencyKey: keyOf(slug, 'closure', closure),
        }),
      );
      report.closures++;
    });
  }
  for (const { services, ...generation } of file.sessions ?? []) {
    const ids = services.map((key) => idOf(serviceIds, key, 'service'));
    // One call per service (each may be of another kind); generation creates only what is missing.
    for (const serviceId of ids) {
      const result = await step(async (ctx) =>
        expect(
          'sessions',
          await generateSessions(ctx, {
            ...generation,
            serviceId,
            // A key of this run: generation is idempotent by nature, and the report counts what
            // this run created (a replayed key would repeat the first run's counts).
            idempotencyKey: keyOf(slug, `sessions-${serviceId}-${run}`, generation),
          }),
        ),
      );
      report.sessions.created += result.created;
      report.sessions.skipped += result.skipped;
    }
  }
  for (const { children, ...family } of file.families ?? []) {
    await step(async (ctx) => {
      const existing = await ctx.em.findOne(
        Family,
        family.externalRef ? { externalRef: family.externalRef } : { name: family.name, mergedIntoId: null },
      );
      if (existing) return void report.families.existing++;
      const { familyId } = expect(
        `family ${family.name}`,
        await registerFamily(ctx, { ...family, idempotencyKey: keyOf(slug, 'family', family) }),
      );
      report.families.created++;
      for (const { school, ...child } of children ?? []) {
        const schoolId = school ? idOf(facilityIds, school, 'facility') : null;
        expect(
          `child ${child.firstName}`,
          await addChild(ctx, {
            ...child,
            familyId,
            schoolId,
            idempotencyKey: keyOf(slug, `child-${familyId}`, child),
          }),
        );
        report.children++;
      }
    });
  }
  return report;
}
