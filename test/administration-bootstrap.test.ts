import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';
import { demoTenants } from '../seeds/demo-tenants';
import { bootstrapTenant, type BootstrapFile } from '../src/administration/bootstrap/bootstrap';
import { readBootstrapFile } from '../src/administration/bootstrap/read-file';
import { initOrm } from '../src/db/orm';
import { createLogger } from '../src/shared/logger';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * `npm run tenant:bootstrap -- seeds/bootstrap/uzes.json`: a town set up from an empty tenant by
 * a declarative file, through the administrative services (checks, audit, idempotency), and
 * nothing created twice when it runs again. Run here on the example file under another slug.
 */
describe('administration: tenant bootstrap from a file', () => {
  const SLUG = 'test-bootstrap';
  const example = JSON.parse(
    readFileSync(path.join(__dirname, '..', 'seeds', 'bootstrap', 'uzes.json'), 'utf8'),
  ) as BootstrapFile;
  const file: BootstrapFile = { ...example, tenant: { ...example.tenant, slug: SLUG } };
  const NOW = new Date('2027-06-01T08:00:00.000Z');
  let app: TestApp;
  let owner: Client;
  const run = async (definition: BootstrapFile) => {
    const orm = await initOrm({
      clientUrl: process.env.GUICHET_TEST_OWNER_URL!,
      logger: createLogger('silent'),
    });
    try {
      return await bootstrapTenant(orm.em.fork(), definition, NOW);
    } finally {
      await orm.close(true);
    }
  };

  beforeAll(async () => {
    owner = await rawClient('owner');
    app = await startTestApp();
    app.setNow(NOW);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('sets a town up from the file, then creates nothing on a second run', async () => {
    const first = await run(file);
    expect(first).toMatchObject({
      tenantCreated: true,
      facilities: { created: 3, existing: 0 },
      services: { created: 3, existing: 0 },
      priceGrids: 3,
      closures: 2,
      families: { created: 2, existing: 0 },
      children: 3,
    });
    expect(first.sessions.created).toBeGreaterThan(100);
    const admin = await token(SLUG, Role.TENANT_ADMIN);
    const res = await app.gql(
      `{ tenant { publicNotice configuration { cancellationNoticeDays counterPaymentMethods } }
         facilities(first: 10) { nodes { name kind endsOn } }
         families(first: 10) { nodes { externalRef children { firstName school { name } } } }
         services(first: 10, kind: CANTEEN) { nodes { name priceGrid(on: "2027-10-01") { minQuotient unitPrice { amount } } } } }`,
      {},
      { token: admin },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.tenant).toMatchObject({
      publicNotice: expect.stringContaining('rentrée'),
      configuration: { cancellationNoticeDays: 2 },
    });
    expect(res.data.facilities.nodes).toContainEqual({
      name: "Centre aéré d'été — Gymnase du Mas",
      kind: 'LEISURE_CENTRE',
      endsOn: '2028-08-31',
    });
    expect(res.data.families.nodes).toHaveLength(2);
    expect(res.data.services.nodes[0].priceGrid).toHaveLength(3);
    // The closures were applied: no lunch on the bridge day, none at Pasteur during the works.
    const closed = await owner.query(
      `select count(*)::int as n from sessions s join tenants t on t.id = s.tenant_id
       where t.slug = $1 and (s.date = '2027-11-12' or (s.date = '2027-10-04'
         and s.facility_id = (select id from facilities where name = 'École Louis Pasteur' and tenant_id = t.id)))`,
      [SLUG],
    );
    expect(closed.rows[0].n).toBe(0);
    const audited = await owner.query(
      `select count(*)::int as n from audit_events a join tenants t on t.id = a.tenant_id where t.slug = $1 and a.actor = 'system:bootstrap'`,
      [SLUG],
    );
    expect(audited.rows[0].n).toBeGreaterThan(10);

    const counts = async () =>
      (
        await owner.query(
          `select (select count(*) from facilities f where f.tenant_id = t.id)::int as facilities,
             (select count(*) from sessions s where s.tenant_id = t.id)::int as sessions,
             (select count(*) from families f where f.tenant_id = t.id)::int as families,
             (select count(*) from children c where c.tenant_id = t.id)::int as children
           from tenants t where t.slug = $1`,
          [SLUG],
        )
      ).rows[0];
    const before = await counts();
    const second = await run(file);
    expect(second).toMatchObject({
      tenantCreated: false,
      facilities: { created: 0, existing: 3 },
      services: { created: 0, existing: 3 },
      priceGrids: 0,
      closures: 0,
      sessions: { created: 0 },
      families: { created: 0, existing: 2 },
      children: 0,
    });
    expect(await counts()).toEqual(before);
  });

  it('stops on a refused step with its reason, keeping the steps before it', async () => {
    const bad: BootstrapFile = {
      tenant: { ...example.tenant, slug: 'test-bootstrap-bad' },
      facilities: [{ key: 'x', name: 'École X', kind: 'SCHOOL' as never, capacity: 100 }],
      families: [
        { name: 'Famille Y', guardians: [{ firstName: 'Y', lastName: 'Y', email: 'not-an-email' }] },
      ],
    };
    await expect(run(bad)).rejects.toThrow(/family Famille Y refused — guardians\.0\.email: .*not an email/);
    const rows = await owner.query(
      `select (select count(*) from facilities f where f.tenant_id = t.id)::int as facilities,
         (select count(*) from families f where f.tenant_id = t.id)::int as families
       from tenants t where t.slug = 'test-bootstrap-bad'`,
    );
    expect(rows.rows[0]).toEqual({ facilities: 1, families: 0 });
  });
  it.each([
    ['nimes', 83],
    ['beziers', 25],
    ['saint-nazaire', 17],
    ['quebec', 8],
  ])(
    'set the demo tenant %s up from its YAML catalogue (%i facilities), through the same code (audited as the bootstrap)',
    async (slug, facilities) => {
      const catalogue = await readBootstrapFile(
        path.join(__dirname, '..', 'seeds', 'bootstrap', `${slug}.yaml`),
      );
      // The file's tenant is the demo's (run alone, the command would make the same tenant).
      const demo = demoTenants().find((t) => t.slug === slug)!;
      // A fresh copy seeded as the demo is (other suites change the shared demo tenants).
      const copy = `test-boot-${slug}`;
      await seedTestTenant(slug, { slug: copy, families: 2 }, NOW, 1);
      expect(catalogue.tenant).toEqual({
        slug: demo.slug,
        name: demo.name,
        locale: demo.locale,
        timeZone: demo.timeZone,
        currency: demo.currency,
        holidayRegion: demo.holidayRegion,
        ...(demo.config.schoolCalendar ? { schoolCalendar: demo.config.schoolCalendar } : {}),
      });
      const res = await app.gql(
        `{ tenant { configuration { cancellationNoticeDays instalmentMaxCount counterPaymentMethods
             waitlistOfferDelayHours publicNotice parentsMayJustifyAbsences instalmentMinAmount { minorUnits } } }
           facilities(first: 100) { totalCount nodes { name kind capacity address nationalCode
             services { name kind defaultCapacity } } } }`,
        {},
        { token: await token(copy, Role.TENANT_ADMIN) },
      );
      expect(res.errors).toBeUndefined();
      const { instalmentMinAmount, ...configuration } = catalogue.configuration!;
      expect(res.data.tenant.configuration).toEqual({
        publicNotice: null,
        parentsMayJustifyAbsences: false,
        ...configuration,
        instalmentMinAmount: { minorUnits: instalmentMinAmount },
      });
      const declared = catalogue.facilities!.map((f) => ({
        name: f.name,
        kind: f.kind,
        capacity: f.capacity,
        address: f.address,
        nationalCode: f.nationalCode ?? null,
        // In any order (the API lists a facility's services by name).
        services: expect.arrayContaining(
          f.services!.map((s) => ({ name: s.name, kind: s.kind, defaultCapacity: s.defaultCapacity })),
        ),
      }));
      expect(declared).toHaveLength(facilities);
      expect(res.data.facilities.nodes).toEqual(expect.arrayContaining(declared));
      expect(res.data.facilities.totalCount).toBe(facilities);
      // Every price grid of the file, bracket for bracket.
      const brackets = await owner.query(
        `select f.name as facility, s.name as service, b.min_quotient, b.max_quotient, b.unit_price, b.valid_from::text
         from price_brackets b join services s on s.id = b.service_id join facilities f on f.id = s.facility_id
         join tenants t on t.id = b.tenant_id where t.slug = $1`,
        [copy],
      );
      expect(brackets.rows).toEqual(
        expect.arrayContaining(
          catalogue.facilities!.flatMap((f) =>
            f.services!.flatMap((s) =>
              s.priceGrids!.flatMap((g) =>
                g.brackets.map((b) => ({
                  facility: f.name,
                  service: s.name,
                  min_quotient: b.minQuotient,
                  max_quotient: b.maxQuotient ?? null,
                  unit_price: b.unitPrice,
                  valid_from: g.validFrom,
                })),
              ),
            ),
          ),
        ),
      );
      const services = catalogue.facilities!.flatMap((f) => f.services!).length;
      const audited = await owner.query(
        `select a.action, count(*)::int as n from audit_events a join tenants t on t.id = a.tenant_id
         where t.slug = $1 and a.actor = 'system:bootstrap' group by a.action order by a.action`,
        [copy],
      );
      expect(audited.rows).toEqual([
        { action: 'FACILITY_CREATED', n: facilities },
        { action: 'PRICE_GRID_SET', n: services },
        { action: 'SERVICE_CREATED', n: services },
        { action: 'TENANT_CONFIGURATION_CHANGED', n: 1 },
      ]);
    },
  );
});
