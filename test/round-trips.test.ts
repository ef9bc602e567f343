import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * What a booking costs in statements (docs/performance.md): the scope rides on BEGIN, the place is
 * taken in the COMMIT's round trip with the events and the idempotency outcome, and a refused
 * booking reads its payload without a second transaction.
 */
describe('round trips of a booking', () => {
  const SLUG = 'test-round-trips';
  const NOW = '2026-12-01T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let parent: string;
  let target: { child: string; sessions: string[] };

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'beziers',
      { slug: SLUG, families: 20, seed: 777, childAges: [6, 9] },
      new Date(NOW),
      6,
    );
    owner = await rawClient('owner');
    const { rows } = await owner.query(
      `select c.id as child, c.family_id, array_agg(s.id order by s.date) as sessions from children c
       join services sv on sv.tenant_id = c.tenant_id and sv.facility_id = c.school_id and sv.kind = 'CANTEEN'
       join sessions s on s.tenant_id = c.tenant_id and s.service_id = sv.id and s.date between '2026-12-10' and '2026-12-18'
       where c.tenant_id = $1 group by c.id, c.family_id order by c.id limit 1`,
      [tenantId],
    );
    target = { child: rows[0].child, sessions: rows[0].sessions };
    parent = await token(SLUG, Role.PARENT, toGlobalId('Family', rows[0].family_id));
    app = await startTestApp();
    app.setNow(NOW);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  const reserve = async (sessionId: string, fields = 'id') => {
    const id = randomUUID();
    const res = await app.gql(
      `mutation($input: ReserveInput!) { reserve(input: $input) { reservations { ${fields} } userErrors { code } } }`,
      {
        input: {
          childId: toGlobalId('Child', target.child),
          sessionIds: [toGlobalId('Session', sessionId)],
          idempotencyKey: id,
        },
      },
      { token: parent, headers: { 'x-request-id': id } },
    );
    return { res, statements: app.statementsFor(id).map((sql) => sql.replace(/\s+/g, ' ').trim()) };
  };
  const scopes = (statements: string[]) =>
    statements.filter((sql) => sql.includes("set_config('app.tenant_id'"));

  it('books in one transaction, the place taken with the COMMIT, the payload from the rows it wrote', async () => {
    await reserve(target.sessions[0]); // authentication's tenant look-up, cached from then on
    const { res, statements } = await reserve(target.sessions[1]);
    expect(res.data.reserve.userErrors).toEqual([]);
    expect(res.data.reserve.reservations).toHaveLength(1);
    // Write: scope (with BEGIN); child, sessions with their services (together, one round trip);
    // then, with the COMMIT, the key with its outcome (first, before the session's row is
    // locked), the place and the reservation (one statement, the place first), the event.
    // Payload: the inserted row, no second transaction. Three round trips.
    expect(statements).toHaveLength(6);
    expect(scopes(statements)).toHaveLength(1);
    expect(statements[3]).toMatch(
      /^with claimed as \( insert into idempotency_keys [^]*guichet_require_new_key/,
    );
    const take = statements.findIndex((sql) => sql.includes('guichet_require_places'));
    expect(take).toBe(4);
    expect(statements[take]).toMatch(/update sessions s set places_taken[^]*insert into reservations/);
    expect(statements.some((sql) => /^update idempotency_keys/.test(sql))).toBe(false);
    expect(
      Number(
        (await owner.query('select places_taken from sessions where id = $1', [target.sessions[1]])).rows[0]
          .places_taken,
      ),
    ).toBeGreaterThan(0);
  });

  it("answers the reservation's columns as a later read does, and reads what the write did not return", async () => {
    const fields = 'id status channel createdAt cancelledAt attendanceRecordedAt absenceDocumentRef';
    const booked = await reserve(target.sessions[2], fields);
    expect(booked.res.data.reserve.userErrors).toEqual([]);
    expect(scopes(booked.statements)).toHaveLength(1);
    const [reservation] = booked.res.data.reserve.reservations;
    const again = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Reservation { ${fields} } } }`,
      {
        id: reservation.id,
      },
      { token: parent },
    );
    expect(again.data.node).toEqual(reservation);
    expect(reservation).toMatchObject({ status: 'BOOKED', channel: 'ONLINE', cancelledAt: null });

    // The session is no row of the write: the payload reads it in its own transaction.
    const withSession = await reserve(target.sessions[3], 'id session { id }');
    expect(withSession.res.data.reserve.reservations[0].session.id).toBe(
      toGlobalId('Session', target.sessions[3]),
    );
    expect(scopes(withSession.statements)).toHaveLength(2);
  });

  it('replays a key: the optimistic attempt finds it taken and the key is claimed first instead', async () => {
    const key = randomUUID();
    const send = (requestId: string) =>
      app.gql(
        `mutation($input: ReserveInput!) { reserve(input: $input) { reservations { id } userErrors { code } } }`,
        {
          input: {
            childId: toGlobalId('Child', target.child),
            sessionIds: [toGlobalId('Session', target.sessions[4])],
            idempotencyKey: key,
          },
        },
        { token: parent, headers: { 'x-request-id': requestId } },
      );
    const places = async () =>
      Number(
        (await owner.query('select places_taken from sessions where id = $1', [target.sessions[4]])).rows[0]
          .places_taken,
      );
    const before = await places();
    // Twice at once, then once more: the one booking, three times.
    const [a, b] = await Promise.all([send(randomUUID()), send(randomUUID())]);
    const replayId = randomUUID();
    const c = await send(replayId);
    const booked = a.data.reserve.reservations;
    expect(booked).toHaveLength(1);
    expect(b.data.reserve).toEqual(a.data.reserve);
    expect(c.data.reserve).toEqual(a.data.reserve);
    expect(await places()).toBe(before + 1);
    const { rows } = await owner.query(
      `select (select count(*)::int from reservations where session_id = $1 and child_id = $2) as reservations,
              (select count(*)::int from idempotency_keys where tenant_id = $3 and key = $4 and response is not null) as keys`,
      [target.sessions[4], target.child, tenantId, key],
    );
    expect(rows[0]).toEqual({ reservations: 1, keys: 1 });
    // The replay: a first attempt whose key statement failed with the COMMIT, then the attempt
    // that claims the key before anything else and finds the stored outcome, then the payload's
    // read (a replay has no written rows).
    const replay = app.statementsFor(replayId).map((sql) => sql.replace(/\s+/g, ' ').trim());
    const starts = replay.flatMap((sql, i) => (sql.includes("set_config('app.tenant_id'") ? [i] : []));
    expect(starts).toHaveLength(3);
    // (That attempt found the child booked: its refusal is never answered, the stored booking is.)
    expect(replay.slice(starts[0], starts[1]).at(-1)).toMatch(/guichet_require_new_key/);
    expect(replay.slice(starts[1] + 1, starts[2])).toEqual([
      expect.stringMatching(/^insert into idempotency_keys/),
      expect.stringMatching(/^select operation, request_hash, response from idempotency_keys/),
    ]);
    expect(replay.slice(starts[2] + 1)).toEqual([expect.stringMatching(/^select \* from reservations/)]);
  });

  it('reads a refusal without a second transaction', async () => {
    const { res, statements } = await reserve(target.sessions[1]);
    expect(res.data.reserve.userErrors).toEqual([{ code: 'ALREADY_BOOKED' }]);
    expect(res.data.reserve.reservations).toEqual([]);
    expect(scopes(statements)).toHaveLength(1);
    expect(statements.some((sql) => sql.includes('guichet_require_places'))).toBe(false);
  });

  it('answers a query that reads nothing without a transaction, and any other in its unit', async () => {
    const query = async (text: string) => {
      const id = randomUUID();
      const res = await app.gql(text, {}, { token: parent, headers: { 'x-request-id': id } });
      return { res, statements: app.statementsFor(id) };
    };
    const viewer = await query('{ viewer { kind roles } }');
    expect(viewer.res.data.viewer).toEqual({ kind: 'PERSON', roles: ['PARENT'] });
    expect(viewer.statements).toEqual([]);
    // The tenant comes from the unit's own read: a query that shows it runs in a transaction.
    for (let i = 0; i < 2; i++) {
      const withTenant = await query('{ viewer { roles tenant { slug } } }');
      expect(withTenant.res.data.viewer).toEqual({ roles: ['PARENT'], tenant: { slug: SLUG } });
      expect(scopes(withTenant.statements)).toHaveLength(1);
      const childId = toGlobalId('Child', target.child);
      const withChild = await query(`{ viewer { roles } node(id: "${childId}") { id } }`);
      expect(withChild.res.errors).toBeUndefined();
      expect(withChild.res.data.node).toEqual({ id: childId });
      expect(scopes(withChild.statements)).toHaveLength(1);
    }
  });
});
