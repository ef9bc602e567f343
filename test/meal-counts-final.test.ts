import type { Client } from 'pg';
import { runMealCountsFinal } from '../src/jobs/meal-counts-jobs';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * mealCounts.final: once booking has closed for a school day, each school's meals per diet are
 * announced to vendors — once, in the transaction that records the announcement. A Nîmes copy on
 * Tuesday 1 December 2026; the day announced is Thursday 10 December.
 */
describe('mealCounts.final', () => {
  const SLUG = 'test-meal-final';
  const NOW = new Date('2026-12-01T08:00:00Z');
  const DAY = '2026-12-10';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let agent: string;
  let closesAt: Date;

  const events = async () =>
    (
      await owner.query(
        `select aggregate_id, payload from webhook_events where tenant_id = $1 and type = 'mealCounts.final' order by seq`,
        [tenantId],
      )
    ).rows;

  beforeAll(async () => {
    tenantId = await seedTestTenant('nimes', { slug: SLUG, families: 120, seed: 12 }, NOW, 3);
    owner = await rawClient('owner');
    app = await startTestApp();
    app.setNow(NOW);
    agent = await token(SLUG, Role.AGENT);
    const sessions = await app.gql(
      `query($from: LocalDate) { sessions(first: 100, filter: { from: $from, to: $from }) { nodes { bookingClosesAt service { kind } } } }`,
      { from: DAY },
      { token: agent },
    );
    const canteen = sessions.data.sessions.nodes.filter(
      (s: { service: { kind: string } }) => s.service.kind === 'CANTEEN',
    );
    expect(canteen.length).toBeGreaterThan(1);
    closesAt = new Date(canteen[0].bookingClosesAt);
    // Book a few lunches that day so the counts are not all zeros.
    await owner.query(
      `insert into reservations (id, tenant_id, session_id, child_id, family_id, status, channel, created_by, created_at, updated_at)
       select gen_random_uuid(), c.tenant_id, s.id, c.id, c.family_id, 'BOOKED', 'ONLINE', 'test', now(), now()
       from children c join sessions s on s.tenant_id = c.tenant_id and s.facility_id = c.school_id and s.date = $2
       join services v on v.id = s.service_id and v.kind = 'CANTEEN'
       where c.tenant_id = $1 and not exists (select 1 from reservations r where r.child_id = c.id and r.session_id = s.id)
       limit 40`,
      [tenantId, DAY],
    );
    await owner.query(
      `update sessions s set places_taken = (select count(*) from reservations r where r.session_id = s.id and r.status = 'BOOKED')
       where s.tenant_id = $1 and s.date = $2`,
      [tenantId, DAY],
    );
  }, 120_000);
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('announces nothing for a day while booking is open', async () => {
    await runMealCountsFinal(app.orm.em, [tenantId], new Date(closesAt.getTime() - 1000));
    expect((await events()).filter((e) => e.payload.date === DAY)).toEqual([]);
  });

  it('announces each school once booking has closed, with the kitchens’ grid, and only once', async () => {
    const announced = await runMealCountsFinal(app.orm.em, [tenantId], closesAt);
    expect(announced).toBeGreaterThan(0);
    const mine = (await events()).filter((e) => e.payload.date === DAY);
    const schools = (
      await owner.query(
        `select distinct s.facility_id from sessions s join services v on v.id = s.service_id and v.kind = 'CANTEEN'
         where s.tenant_id = $1 and s.date = $2`,
        [tenantId, DAY],
      )
    ).rows.map((r) => toGlobalId('Facility', r.facility_id));
    expect(mine.map((e) => e.payload.facilityId).sort()).toEqual(schools.sort());
    // The figures are the grid's: the same as mealCounts for that school and day.
    const grid = await app.gql(
      `query($from: LocalDate!, $ids: [ID!]) { mealCounts(from: $from, to: $from, facilityIds: $ids) { diet count source nationalCode } }`,
      { from: DAY, ids: schools },
      { token: agent },
    );
    let total = 0;
    for (const event of mine) {
      const rows = grid.data.mealCounts.filter(
        (r: { nationalCode: string }) => r.nationalCode === event.payload.nationalCode,
      );
      expect(event.payload.meals).toEqual(
        Object.fromEntries(rows.map((r: { diet: string; count: number }) => [r.diet, r.count])),
      );
      expect(event.payload.source).toBe(rows[0].source); // FORECAST: Nîmes' canteens run in WALK_IN mode
      expect(event.aggregate_id).toBe(event.payload.facilityId);
      expect(event.payload.total).toBe(rows.reduce((sum: number, r: { count: number }) => sum + r.count, 0));
      total += event.payload.total;
    }
    expect(total).toBeGreaterThanOrEqual(40); // never fewer than the children booked
    // A second run, or a later one, announces that day again for no school.
    await runMealCountsFinal(app.orm.em, [tenantId], closesAt);
    await runMealCountsFinal(app.orm.em, [tenantId], new Date(closesAt.getTime() + 3600_000));
    expect((await events()).filter((e) => e.payload.date === DAY)).toHaveLength(mine.length);
  });
});
