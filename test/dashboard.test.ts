import type { Client } from 'pg';
import { DEMO_ACTIVITY } from '../seeds/DatabaseSeeder';
import { Scope } from '../src/auth/viewer';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { apiKey, seedTestTenant } from './support/tenants';

/**
 * The dashboard's figures on a known small set — one canteen day with two bookings, one absence
 * and one walk-in — and the page that shows them. A Nîmes copy on 10 December 2026.
 */
describe('dashboard', () => {
  const SLUG = 'test-dashboard';
  const g = toGlobalId;
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let admin: string;
  let serviceId: string;
  let session: { id: string; capacity: number };
  let pupils: { id: string; familyId: string }[];
  const OCCUPANCY = `query($from: LocalDate!, $to: LocalDate!) { occupancy(from: $from, to: $to) {
    facilityId serviceId serviceName sessions capacity booked attended walkIns lateCancellations occupancyRate } }`;

  const setMode = async (mode: string) => {
    const res = await app.gql(
      `mutation($input: SetOperatingModeInput!) { setOperatingMode(input: $input) { userErrors { code } } }`,
      { input: { mode, serviceId: g('Service', serviceId), reason: 'test' } },
      { token: admin },
    );
    expect(res.data.setOperatingMode.userErrors).toEqual([]);
  };

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'nimes',
      { slug: SLUG, families: 30, seed: 7 },
      new Date('2026-12-01T10:00:00Z'),
      3,
    );
    owner = await rawClient('owner');
    const { rows } = await owner.query(
      `select sv.id as "serviceId", f.id as "facilityId", s.id as "sessionId", s.capacity from facilities f
       join services sv on sv.tenant_id = f.tenant_id and sv.facility_id = f.id and sv.kind = 'CANTEEN'
       join sessions s on s.tenant_id = f.tenant_id and s.service_id = sv.id and s.date = '2026-12-17'
       where f.tenant_id = $1 and (select count(*) from children c where c.school_id = f.id) >= 3
       order by f.id limit 1`,
      [tenantId],
    );
    serviceId = rows[0].serviceId;
    session = { id: rows[0].sessionId, capacity: rows[0].capacity };
    pupils = (
      await owner.query(
        `select id, family_id as "familyId" from children where school_id = $1 order by id limit 3`,
        [rows[0].facilityId],
      )
    ).rows;
    app = await startTestApp();
    app.setNow('2026-12-10T11:00:00.000Z');
    admin = await token(SLUG, Role.TENANT_ADMIN);
    await setMode('NORMAL');
    for (const [index, pupil] of pupils.slice(0, 2).entries()) {
      const parent = await token(SLUG, Role.PARENT, g('Family', pupil.familyId));
      const res = await app.gql(
        `mutation($input: ReserveInput!) { reserve(input: $input) { userErrors { code } } }`,
        {
          input: {
            childId: g('Child', pupil.id),
            sessionIds: [g('Session', session.id)],
            idempotencyKey: `b${index}`,
          },
        },
        { token: parent },
      );
      expect(res.data.reserve.userErrors).toEqual([]);
    }
    await setMode('WALK_IN');
    app.setNow('2026-12-17T11:00:00.000Z');
    const roll = await app.gql(
      `mutation($input: RecordAttendanceInput!) { recordAttendance(input: $input) { userErrors { code } } }`,
      {
        input: {
          sessionId: g('Session', session.id),
          present: [g('Child', pupils[0].id), g('Child', pupils[2].id)],
          absent: [g('Child', pupils[1].id)],
          idempotencyKey: 'roll',
        },
      },
      { token: admin },
    );
    expect(roll.data.recordAttendance.userErrors).toEqual([]);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('gives the exact figures of the day, per facility and service', async () => {
    const res = await app.gql(OCCUPANCY, { from: '2026-12-17', to: '2026-12-17' }, { token: admin });
    expect(res.errors).toBeUndefined();
    const row = res.data.occupancy.find((o: any) => o.serviceId === g('Service', serviceId));
    expect(row).toMatchObject({
      sessions: 1,
      capacity: session.capacity,
      booked: 2,
      attended: 2,
      walkIns: 1,
      lateCancellations: 0,
      occupancyRate: 2 / session.capacity,
    });
    // Every other canteen of the town that day: places offered, none taken.
    const others = res.data.occupancy.filter((o: any) => o !== row);
    expect(others.length).toBeGreaterThan(0);
    for (const o of others) expect([o.booked, o.attended, o.walkIns]).toEqual([0, 0, 0]);
    const { rows } = await owner.query(
      `select count(*)::int as n from sessions where tenant_id = $1 and date = '2026-12-17'`,
      [tenantId],
    );
    expect(res.data.occupancy.reduce((n: number, o: any) => n + o.sessions, 0)).toBe(rows[0].n);
  });

  it('is for staff and dashboard:read keys; refuses a reversed range', async () => {
    const key = await apiKey([tenantId], [Scope.DASHBOARD_READ], 'Dashboard');
    const byKey = await app.gql(OCCUPANCY, { from: '2026-12-17', to: '2026-12-17' }, { token: key });
    expect(byKey.errors).toBeUndefined();
    const parent = await token(SLUG, Role.PARENT, g('Family', pupils[0].familyId));
    const byParent = await app.gql(OCCUPANCY, { from: '2026-12-17', to: '2026-12-17' }, { token: parent });
    expect(byParent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const reversed = await app.gql(OCCUPANCY, { from: '2026-12-18', to: '2026-12-17' }, { token: admin });
    expect(reversed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('serves the page, its script and Chart.js from node_modules', async () => {
    const page = await fetch(`${app.url}/dashboard`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toMatch(/<html/);
    expect(html).toContain('/dashboard/chart.umd.js');
    const chart = await fetch(`${app.url}/dashboard/chart.umd.js`);
    expect(await chart.text()).toContain('Chart.js v4.');
    const script = await (await fetch(`${app.url}/dashboard/app.js`)).text();
    expect(script).toContain('occupancy(from: $from, to: $to)');
  });
});

/** billingTotals' overdue figures on a Béziers copy billed for November (its billing runs). */
describe('dashboard billing figures', () => {
  const SLUG = 'test-dashboard-billing';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let admin: string;

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'beziers',
      { slug: SLUG, families: 20, seed: 9 },
      new Date('2026-12-01T10:00:00Z'),
      3,
      DEMO_ACTIVITY,
    );
    owner = await rawClient('owner');
    app = await startTestApp();
    admin = await token(SLUG, Role.TENANT_ADMIN);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('says what is overdue: nothing before the due date, everything left to pay after it', async () => {
    const TOTALS = `query($p: YearMonth!) { billingTotals(period: $p) {
      invoices outstanding { minorUnits } overdue { minorUnits } overdueInvoices } }`;
    app.setNow('2026-12-02T09:00:00.000Z');
    const run = await app.gql(
      `mutation($i: RunBillingInput!) { runBilling(input: $i) { billingRun { invoicesCreated } userErrors { code } } }`,
      { i: { period: '2026-11', idempotencyKey: 'dashboard-november' } },
      { token: admin },
    );
    expect(run.data.runBilling.userErrors).toEqual([]);
    expect(run.data.runBilling.billingRun.invoicesCreated).toBeGreaterThan(0);
    const { rows } = await owner.query(
      `select min(due_date)::text as first, max(due_date)::text as last,
              count(*) filter (where total > 0)::int as unpaid
       from invoices where tenant_id = $1 and kind <> 'CREDIT_NOTE' and to_char(issue_date, 'YYYY-MM') = '2026-12'`,
      [tenantId],
    );
    const { first, last, unpaid } = rows[0];
    expect(unpaid).toBeGreaterThan(0);
    app.setNow(`${first}T10:00:00.000Z`);
    const before = (await app.gql(TOTALS, { p: '2026-12' }, { token: admin })).data.billingTotals;
    expect(before.outstanding.minorUnits).toBeGreaterThan(0);
    expect([before.overdue.minorUnits, before.overdueInvoices]).toEqual([0, 0]);
    // 00:30 in Paris the day after the last due date (23:30 UTC): everything left to pay is late.
    app.setNow(`${last}T23:30:00.000Z`);
    const late = (await app.gql(TOTALS, { p: '2026-12' }, { token: admin })).data.billingTotals;
    expect(late.overdue.minorUnits).toBe(late.outstanding.minorUnits);
    expect(late.overdueInvoices).toBe(unpaid);
    // 22:30 UTC is still the due date in Paris: nothing late yet.
    app.setNow(`${last}T21:30:00.000Z`);
    const sameDay = (await app.gql(TOTALS, { p: '2026-12' }, { token: admin })).data.billingTotals;
    expect(sameDay.overdueInvoices).toBeLessThan(unpaid);
  });
});
