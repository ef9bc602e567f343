import type { Client } from 'pg';
import { DEMO_ACTIVITY } from '../seeds/DatabaseSeeder';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * The acceptance check of the waitlists issue (../shared/acceptance/waitlists), step by step, on a
 * Béziers demo copy seeded today like `npm start` seeds it: a bookable centre aéré day is booked,
 * made full, a second family gets rank 1 on its waitlist through `reserve(waitlistIfFull)`, and a
 * cancellation passes the place to that entry. The demo's full Wednesdays and their lists too.
 */
describe('waitlists on the Béziers demo (the acceptance check)', () => {
  const SLUG = 'test-wl-acceptance';
  let app: TestApp;
  let owner: Client;
  let agent: string;
  let tenantId: string;

  beforeAll(async () => {
    tenantId = await seedTestTenant('beziers', { slug: SLUG }, new Date(), 6, DEMO_ACTIVITY);
    owner = await rawClient('owner');
    app = await startTestApp();
    agent = await token(SLUG, Role.AGENT);
  }, 120_000);
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('seeds the next bookable Wednesday full, with a believable waitlist', async () => {
    const { rows } = await owner.query(
      `select s.id, s.capacity, s.places_taken,
              (select count(*)::int from waitlist_entries e where e.session_id = s.id and e.status = 'WAITING') as waiting,
              (select count(*)::int from waitlist_entries e where e.session_id = s.id and e.priority_points > 5) as prioritised
       from sessions s join services v on v.id = s.service_id
       where s.tenant_id = $1 and v.kind = 'LEISURE_CENTRE'
         and exists (select 1 from waitlist_entries e where e.session_id = s.id)`,
      [tenantId],
    );
    expect(rows).toHaveLength(1);
    for (const row of rows) {
      expect(row.places_taken).toBe(row.capacity);
      expect(row.waiting).toBe(24);
      expect(row.prioritised).toBeGreaterThan(0);
    }
  });

  it('full session → rank 1 → cancellation → the entry gets the place', async () => {
    const gql = async (query: string, variables: Record<string, unknown>, as = agent) => {
      const res = await app.gql(query, variables, { token: as });
      expect(res.errors).toBeUndefined();
      return res.data;
    };
    const age = (d: string) => (Date.now() - new Date(d).getTime()) / (365.25 * 864e5);
    const fams = await gql('{ families(first: 60) { nodes { id children { id birthDate } } } }', {});
    const withKids = fams.families.nodes
      .map((f: any) => ({
        id: f.id,
        children: f.children.filter((c: any) => age(c.birthDate) >= 6 && age(c.birthDate) < 10.5),
      }))
      .filter((f: any) => f.children.length);
    const bookable = (x: any) =>
      new Date(x.bookingClosesAt).getTime() > Date.now() + 3600e3 &&
      (!x.bookingOpensAt || new Date(x.bookingOpensAt).getTime() < Date.now());
    const svc = await gql('{ services(first: 20, kind: LEISURE_CENTRE) { nodes { id } } }', {});
    let s: any = null;
    for (const sv of svc.services.nodes) {
      const ses = await gql(
        'query($v: ID) { sessions(first: 50, filter: { serviceId: $v, onlyAvailable: true }) { nodes { id capacity placesTaken bookingOpensAt bookingClosesAt } } }',
        { v: sv.id },
      );
      s = s ?? ses.sessions.nodes.find(bookable);
    }
    expect(s).toBeTruthy();
    const parent = (fam: string) => token(SLUG, Role.PARENT, fam);
    const [a, b] = withKids;
    const ra = await gql(
      'mutation($i: ReserveInput!) { reserve(input: $i) { reservations { id } userErrors { code message } } }',
      { i: { childId: a.children[0].id, sessionIds: [s.id], idempotencyKey: 'bar-wl-a' } },
      await parent(a.id),
    );
    const resA = ra.reserve.reservations[0]?.id;
    expect(resA).toBeTruthy();
    await owner.query(
      `update sessions set capacity = places_taken where id = (select session_id from reservations where tenant_id = $1 order by created_at desc limit 1)`,
      [tenantId],
    );
    const rb = await gql(
      'mutation($i: ReserveInput!) { reserve(input: $i) { reservations { id } userErrors { code } waitlistEntries { id rank status } } }',
      {
        i: {
          childId: b.children[0].id,
          sessionIds: [s.id],
          idempotencyKey: 'bar-wl-b',
          waitlistIfFull: true,
        },
      },
      await parent(b.id),
    );
    expect(rb.reserve.waitlistEntries[0]).toMatchObject({ rank: 1, status: 'WAITING' });
    const cancel = await gql(
      'mutation($i: CancelReservationInput!) { cancelReservation(input: $i) { userErrors { code } } }',
      { i: { reservationId: resA, idempotencyKey: 'bar-wl-cancel' } },
    );
    expect(cancel.cancelReservation.userErrors).toEqual([]);
    const after = await gql(
      'query($id: ID!) { node(id: $id) { ... on WaitlistEntry { status rank } } }',
      { id: rb.reserve.waitlistEntries[0].id },
      await parent(b.id),
    );
    expect(['OFFERED', 'PROMOTED']).toContain(after.node.status);
  });
});
