import type { Client } from 'pg';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * A tenant's configuration changed by its admins through the API: validated (IANA time zone,
 * BCP 47 locale the catalogue speaks, numbers in range), audited with the fields changed, and
 * visible at once in the public directory. A Nîmes copy of its own.
 */
describe('administration: tenant configuration', () => {
  const SLUG = 'test-adm-tenant';
  const NOW = '2026-12-01T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let admin: string;
  let tenantId: string;
  let keys = 0;
  const key = () => `tenant-${++keys}`;
  const UPDATE = `mutation($i: UpdateTenantConfigurationInput!) { updateTenantConfiguration(input: $i) {
    tenant { name timeZone locale publicNotice configuration { cancellationNoticeDays instalmentMaxCount
      instalmentMinAmount { amount } counterPaymentMethods parentsMayJustifyAbsences invoiceDueDays waitlistOfferDelayHours } }
    userErrors { code field message } } }`;
  const row = async () =>
    (
      await owner.query(
        `select name, time_zone, locale, config_cancellation_notice_days as notice, config_public_notice as public_notice,
           config_counter_payment_methods as methods, updated_at from tenants where id = $1`,
        [tenantId],
      )
    ).rows[0];

  beforeAll(async () => {
    tenantId = await seedTestTenant('nimes', { slug: SLUG, families: 5, seed: 3 }, new Date(NOW), 1);
    owner = await rawClient('owner');
    app = await startTestApp();
    app.setNow(NOW);
    admin = await token(SLUG, Role.TENANT_ADMIN);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('refuses an unknown time zone, a locale the catalogue does not speak and numbers out of range, writing nothing', async () => {
    const before = await row();
    const cases: [Record<string, unknown>, string[]][] = [
      [{ timeZone: 'Europe/Nimes' }, ['timeZone']],
      [{ locale: 'de-DE' }, ['locale']],
      [{ locale: 'not a locale' }, ['locale']],
      [{ cancellationNoticeDays: -1 }, ['cancellationNoticeDays']],
      [{ instalmentMaxCount: 0 }, ['instalmentMaxCount']],
      [{ invoiceDueDays: 1000 }, ['invoiceDueDays']],
      [{ name: '   ' }, ['name']],
    ];
    for (const [change, field] of cases) {
      const res = await app.gql(
        UPDATE,
        { i: { ...change, publicNotice: 'x', idempotencyKey: key() } },
        { token: admin },
      );
      expect(res.data.updateTenantConfiguration.userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID', field }),
      ]);
    }
    const agent = await app.gql(
      UPDATE,
      { i: { publicNotice: 'x', idempotencyKey: key() } },
      { token: await token(SLUG, Role.AGENT) },
    );
    expect(agent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await row()).toEqual(before);
    // Changes by this suite (the seed set the configuration up as the bootstrap, audited too).
    expect(
      Number(
        (
          await owner.query(
            `select count(*) as n from audit_events where tenant_id = $1 and action = 'TENANT_CONFIGURATION_CHANGED' and actor <> 'system:bootstrap'`,
            [tenantId],
          )
        ).rows[0].n,
      ),
    ).toBe(0);
  });

  it('changes the configuration, audited before → after, visible at once in the directory', async () => {
    const input = {
      locale: 'fr-fr',
      cancellationNoticeDays: 5,
      instalmentMaxCount: 6,
      instalmentMinAmount: 2000,
      counterPaymentMethods: ['CASH', 'CHEQUE', 'CASH'],
      parentsMayJustifyAbsences: true,
      publicNotice: 'Inscriptions de janvier ouvertes.',
      idempotencyKey: 'config-1',
    };
    const res = await app.gql(UPDATE, { i: input }, { token: admin });
    expect(res.data.updateTenantConfiguration.userErrors).toEqual([]);
    expect(res.data.updateTenantConfiguration.tenant).toMatchObject({
      locale: 'fr-FR',
      publicNotice: 'Inscriptions de janvier ouvertes.',
      configuration: {
        cancellationNoticeDays: 5,
        instalmentMaxCount: 6,
        instalmentMinAmount: { amount: 2000 },
        counterPaymentMethods: ['CASH', 'CHEQUE'],
        parentsMayJustifyAbsences: true,
      },
    });
    const directory = await app.gql(`{ tenants { slug publicNotice timeZone } }`);
    expect(directory.data.tenants.find((t: { slug: string }) => t.slug === SLUG).publicNotice).toBe(
      'Inscriptions de janvier ouvertes.',
    );
    const event = (
      await owner.query(
        `select details from audit_events where tenant_id = $1 and action = 'TENANT_CONFIGURATION_CHANGED' and actor <> 'system:bootstrap'`,
        [tenantId],
      )
    ).rows;
    expect(event).toHaveLength(1);
    expect(event[0].details.before.cancellationNoticeDays).not.toBe(5);
    expect(event[0].details.after).toMatchObject({
      cancellationNoticeDays: 5,
      publicNotice: 'Inscriptions de janvier ouvertes.',
    });
    const replay = await app.gql(UPDATE, { i: input }, { token: admin });
    expect(replay.data.updateTenantConfiguration.userErrors).toEqual([]);
    expect(
      (
        await owner.query(
          `select count(*)::int as n from audit_events where tenant_id = $1 and action = 'TENANT_CONFIGURATION_CHANGED' and actor <> 'system:bootstrap'`,
          [tenantId],
        )
      ).rows[0].n,
    ).toBe(1);

    const zone = await app.gql(
      UPDATE,
      { i: { timeZone: 'America/Montreal', publicNotice: '', idempotencyKey: key() } },
      { token: admin },
    );
    expect(zone.data.updateTenantConfiguration.tenant).toMatchObject({
      timeZone: 'America/Montreal',
      publicNotice: null,
    });
    expect((await row()).time_zone).toBe('America/Montreal');
  });
});
