import { fromGlobalId } from '../src/shared/ids';
import { rawClient, startTestApp, token, Role, type TestApp } from './support/app';

/**
 * Booking through the API as families and agents do. Saint-Nazaire's summer leisure centre opens
 * on 4 June 2027 at 12:30 Paris time (10:30 UTC) with a 15-day free-cancellation notice.
 */
describe('reservations', () => {
  let app: TestApp;
  let agent: string;
  let admin: string;
  let families: { id: string; children: { id: string; birthDate: string }[] }[];
  let summer: { id: string; date: string; capacity: number }[];
  let serviceId: string;

  const parentOf = (index: number) => token('saint-nazaire', Role.PARENT, families[index].id);
  const childOf = (index: number) => families[index].children[0].id;

  const RESERVE = `mutation($input: ReserveInput!) { reserve(input: $input) {
    reservations { id status channel session { id date placesTaken placesLeft } child { id } }
    userErrors { field message code } } }`;
  const CANCEL = `mutation($input: CancelReservationInput!) { cancelReservation(input: $input) {
    reservation { id status session { placesTaken } } userErrors { field code message } } }`;
  const SET_MODE = `mutation($input: SetOperatingModeInput!) { setOperatingMode(input: $input) {
    tenant { operatingMode publicNotice } service { operatingMode } userErrors { code field } } }`;

  beforeAll(async () => {
    app = await startTestApp();
    agent = await token('saint-nazaire', Role.AGENT);
    admin = await token('saint-nazaire', Role.TENANT_ADMIN);
    families = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const res: any = await app.gql(
        'query($after: String) { families(first: 100, after: $after) { pageInfo { endCursor } nodes { id children { id birthDate } } } }',
        { after },
        { token: agent },
      );
      families.push(...res.data.families.nodes);
      after = res.data.families.pageInfo.endCursor;
    }
    const services = await app.gql(
      '{ services(first: 1, kind: LEISURE_CENTRE) { nodes { id } } }',
      {},
      { token: agent },
    );
    serviceId = services.data.services.nodes[0].id;
    const sessions = await app.gql(
      'query($f: SessionFilter) { sessions(first: 100, filter: $f) { nodes { id date capacity } } }',
      { f: { serviceId, from: '2027-07-07', to: '2027-08-27' } },
      { token: agent },
    );
    summer = sessions.data.sessions.nodes;
  });
  afterAll(() => app.close());

  const byDate = (date: string) => summer.find((s) => s.date === date)!;

  it('shows the booking window in the tenant time zone', async () => {
    const res = await app.gql(
      'query($id: ID!) { node(id: $id) { ... on Session { date bookingOpensAt bookingClosesAt freeCancellationUntil } } }',
      { id: byDate('2027-07-20').id },
      { token: agent },
    );
    expect(res.data.node).toEqual({
      date: '2027-07-20',
      bookingOpensAt: '2027-06-04T10:30:00.000Z',
      bookingClosesAt: '2027-07-05T21:59:00.000Z',
      freeCancellationUntil: '2027-07-05T22:00:00.000Z',
    });
  });

  it('refuses before the opening instant and books from it, each session on its own', async () => {
    const parent = await parentOf(0);
    const input = { childId: childOf(0), sessionIds: [byDate('2027-07-19').id, byDate('2027-07-20').id] };
    app.setNow('2027-06-04T10:29:59.999Z');
    const early = await app.gql(
      RESERVE,
      { input: { ...input, idempotencyKey: 'open-1' } },
      { token: parent },
    );
    expect(early.data.reserve.reservations).toEqual([]);
    expect(early.data.reserve.userErrors.map((e: any) => [e.code, e.field])).toEqual([
      ['NOT_OPEN', ['sessionIds', '0']],
      ['NOT_OPEN', ['sessionIds', '1']],
    ]);

    app.setNow('2027-06-04T10:30:00.000Z');
    const open = await app.gql(RESERVE, { input: { ...input, idempotencyKey: 'open-2' } }, { token: parent });
    expect(open.data.reserve.userErrors).toEqual([]);
    expect(open.data.reserve.reservations).toHaveLength(2);
    for (const r of open.data.reserve.reservations) {
      expect(r).toMatchObject({ status: 'BOOKED', channel: 'ONLINE', child: { id: childOf(0) } });
      expect(r.session.placesTaken).toBe(1);
      expect(r.session.placesLeft).toBe(byDate(r.session.date).capacity - 1);
    }

    const again = await app.gql(
      RESERVE,
      {
        input: {
          childId: childOf(0),
          sessionIds: [byDate('2027-07-20').id, byDate('2027-07-21').id],
          idempotencyKey: 'open-3',
        },
      },
      { token: parent },
    );
    expect(again.data.reserve.userErrors).toEqual([
      expect.objectContaining({ code: 'ALREADY_BOOKED', field: ['sessionIds', '0'] }),
    ]);
    expect(again.data.reserve.reservations.map((r: any) => r.session.date)).toEqual(['2027-07-21']);
  });

  it('closes booking at the closing instant', async () => {
    const parent = await parentOf(1);
    const input = { childId: childOf(1), sessionIds: [byDate('2027-07-22').id] };
    // 22 July minus 15 days = 7 July, at 23:59 Paris time = 21:59 UTC.
    app.setNow('2027-07-07T21:58:59Z');
    const before = await app.gql(
      RESERVE,
      { input: { ...input, idempotencyKey: 'close-1' } },
      { token: parent },
    );
    expect(before.data.reserve.userErrors).toEqual([]);
    const parent2 = await parentOf(2);
    app.setNow('2027-07-07T21:59:00Z');
    const after = await app.gql(
      RESERVE,
      { input: { childId: childOf(2), sessionIds: [byDate('2027-07-22').id], idempotencyKey: 'close-2' } },
      { token: parent2 },
    );
    expect(after.data.reserve.userErrors.map((e: any) => e.code)).toEqual(['CLOSED']);
  });

  it('replays a retried reservation and refuses a key reused for other input', async () => {
    const parent = await parentOf(3);
    app.setNow('2027-06-10T08:00:00Z');
    const input = { childId: childOf(3), sessionIds: [byDate('2027-08-02').id], idempotencyKey: 'retry-1' };
    const first = await app.gql(RESERVE, { input }, { token: parent });
    const retry = await app.gql(RESERVE, { input }, { token: parent });
    expect(retry.data.reserve.reservations.map((r: any) => r.id)).toEqual(
      first.data.reserve.reservations.map((r: any) => r.id),
    );
    expect(retry.data.reserve.reservations[0].session.placesTaken).toBe(1);

    const conflict = await app.gql(
      RESERVE,
      { input: { ...input, sessionIds: [byDate('2027-08-03').id] } },
      { token: parent },
    );
    expect(conflict.data.reserve.userErrors).toEqual([
      expect.objectContaining({ code: 'IDEMPOTENCY_CONFLICT', field: ['idempotencyKey'] }),
    ]);
    // Keys are per caller: another parent may use the same key for their own booking.
    const other = await app.gql(
      RESERVE,
      { input: { ...input, childId: childOf(4) } },
      { token: await parentOf(4) },
    );
    expect(other.data.reserve.reservations).toHaveLength(1);
  });

  it("refuses a parent booking another family's child", async () => {
    app.setNow('2027-06-10T08:00:00Z');
    const res = await app.gql(
      RESERVE,
      { input: { childId: childOf(6), sessionIds: [byDate('2027-08-04').id], idempotencyKey: 'steal-1' } },
      { token: await parentOf(5) },
    );
    expect(res.data.reserve.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['childId'] }),
    ]);
  });

  it('cancels for free until the notice deadline, and bills after it', async () => {
    const parent = await parentOf(7);
    app.setNow('2027-06-10T08:00:00Z');
    const booked = await app.gql(
      RESERVE,
      {
        input: {
          childId: childOf(7),
          sessionIds: [byDate('2027-07-26').id, byDate('2027-07-27').id],
          idempotencyKey: 'c-1',
        },
      },
      { token: parent },
    );
    const [r26, r27] = booked.data.reserve.reservations;

    // 26 July - 15 days = 11 July: free through 11 July, i.e. until 12 July 00:00 Paris (11 July 22:00 UTC).
    app.setNow('2027-07-11T21:59:59Z');
    const free = await app.gql(
      CANCEL,
      { input: { reservationId: r26.id, idempotencyKey: 'c-2' } },
      { token: parent },
    );
    expect(free.data.cancelReservation.userErrors).toEqual([]);
    expect(free.data.cancelReservation.reservation).toMatchObject({
      status: 'CANCELLED',
      session: { placesTaken: 0 },
    });

    app.setNow('2027-07-12T22:00:00Z');
    const late = await app.gql(
      CANCEL,
      { input: { reservationId: r27.id, idempotencyKey: 'c-3' } },
      { token: parent },
    );
    expect(late.data.cancelReservation.reservation).toMatchObject({
      status: 'LATE_CANCELLED',
      session: { placesTaken: 1 },
    });

    const owner = await rawClient('owner');
    try {
      const { rows } = await owner.query(
        `select c.reason, c.amount, c.currency, f.family_quotient, r.status
         from charges c join families f on f.id = c.family_id join reservations r on r.id = c.reservation_id
         join tenants t on t.id = c.tenant_id
         where t.slug = 'saint-nazaire' and c.date >= '2027-06-01'`,
      );
      const late = rows.filter((r) => r.reason === 'LATE_CANCELLATION');
      // Only the late cancellation is billed; the free one left no charge.
      expect(rows).toHaveLength(1);
      expect(late).toHaveLength(1);
      expect(late[0].status).toBe('LATE_CANCELLED');
      const q = late[0].family_quotient;
      expect(late[0]).toMatchObject({
        currency: 'EUR',
        amount: q === null || q >= 800 ? 1850 : q >= 450 ? 1050 : 350,
      });
    } finally {
      await owner.end();
    }

    const twice = await app.gql(
      CANCEL,
      { input: { reservationId: r27.id, idempotencyKey: 'c-4' } },
      { token: parent },
    );
    expect(twice.data.cancelReservation.userErrors.map((e: any) => e.code)).toEqual(['NOT_CANCELLABLE']);
  });

  it('applies the operating modes, audits them and shows them in the directory', async () => {
    app.setNow('2027-06-10T08:00:00Z');
    const parent = await parentOf(8);
    const denied = await app.gql(SET_MODE, { input: { mode: 'WALK_IN', reason: 'test' } }, { token: agent });
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    // Audit rows are stamped with the app's clock: one second apart, they read in order.
    app.setNow('2027-06-10T08:00:01Z');
    const walkIn = await app.gql(
      SET_MODE,
      {
        input: {
          mode: 'COUNTER_ONLY',
          notice: 'Réservations au guichet uniquement.',
          reason: 'Portail indisponible',
        },
      },
      { token: admin },
    );
    expect(walkIn.data.setOperatingMode.tenant).toEqual({
      operatingMode: 'COUNTER_ONLY',
      publicNotice: 'Réservations au guichet uniquement.',
    });
    const directory = await app.gql('{ tenants { slug operatingMode publicNotice } }');
    expect(directory.data.tenants.find((t: any) => t.slug === 'saint-nazaire')).toMatchObject({
      operatingMode: 'COUNTER_ONLY',
    });

    const input = { childId: childOf(8), sessionIds: [byDate('2027-08-05').id] };
    const online = await app.gql(RESERVE, { input: { ...input, idempotencyKey: 'm-1' } }, { token: parent });
    expect(online.data.reserve.userErrors.map((e: any) => e.code)).toEqual(['NOT_ALLOWED_IN_MODE']);
    const counter = await app.gql(RESERVE, { input: { ...input, idempotencyKey: 'm-2' } }, { token: agent });
    expect(counter.data.reserve.reservations[0].channel).toBe('COUNTER');

    app.setNow('2027-06-10T08:00:02Z');
    await app.gql(
      SET_MODE,
      { input: { mode: 'READ_ONLY', serviceId, reason: 'Migration' } },
      { token: admin },
    );
    const readOnly = await app.gql(
      RESERVE,
      { input: { childId: childOf(9), sessionIds: [byDate('2027-08-05').id], idempotencyKey: 'm-3' } },
      { token: agent },
    );
    expect(readOnly.data.reserve.userErrors.map((e: any) => e.code)).toEqual(['NOT_ALLOWED_IN_MODE']);

    app.setNow('2027-06-10T08:00:03Z');
    await app.gql(SET_MODE, { input: { mode: null, serviceId, reason: 'Migration done' } }, { token: admin });
    app.setNow('2027-06-10T08:00:04Z');
    const back = await app.gql(
      SET_MODE,
      { input: { mode: 'NORMAL', notice: '', reason: 'Portail rétabli' } },
      { token: admin },
    );
    expect(back.data.setOperatingMode.tenant).toEqual({ operatingMode: 'NORMAL', publicNotice: null });

    const owner = await rawClient('owner');
    try {
      const { rows } = await owner.query(
        `select action, channel, details from audit_events a join tenants t on t.id = a.tenant_id
         where t.slug = 'saint-nazaire' and (a.subject_id = t.id or a.subject_id = $1 or a.action <> 'OPERATING_MODE_CHANGED')
         order by a.created_at, a.action`,
        // Only this suite's service: other suites change other services' modes.
        [fromGlobalId(serviceId)!.id],
      );
      const changes = rows
        .filter((r) => r.action === 'OPERATING_MODE_CHANGED')
        .map((r) => [r.details.scope, r.details.from, r.details.to]);
      expect(changes).toEqual([
        ['TENANT', 'NORMAL', 'COUNTER_ONLY'],
        ['SERVICE', null, 'READ_ONLY'],
        ['SERVICE', 'READ_ONLY', null],
        ['TENANT', 'COUNTER_ONLY', 'NORMAL'],
      ]);
      expect(rows.some((r) => r.action === 'RESERVATION_CREATED' && r.channel === 'COUNTER')).toBe(true);
    } finally {
      await owner.end();
    }
  });

  it('never overbooks: 200 parents at once for 50 places', async () => {
    const owner = await rawClient('owner');
    try {
      // The three leisure centres' sessions of 20 August get 50 places.
      const updated = await owner.query(
        `update sessions set capacity = 50 where date = '2027-08-20' and tenant_id = (select id from tenants where slug = 'saint-nazaire')`,
      );
      expect(updated.rowCount).toBe(3);
    } finally {
      await owner.end();
    }
    const target = await app.gql(
      'query($f: SessionFilter) { sessions(first: 1, filter: $f) { nodes { id capacity } } }',
      { f: { serviceId, from: '2027-08-20', to: '2027-08-20' } },
      { token: agent },
    );
    const sessionId = target.data.sessions.nodes[0].id;
    expect(target.data.sessions.nodes[0].capacity).toBe(50);

    // 200 families with a child the leisure centre takes on 20 August 2027 (aged 3 to 12).
    const eligible = (c: { birthDate: string }) => c.birthDate > '2014-08-20' && c.birthDate <= '2024-08-20';
    const rush = families
      .slice(10)
      .filter((f) => f.children.some(eligible))
      .slice(0, 200);
    expect(rush).toHaveLength(200);
    app.setNow('2027-06-04T10:30:00Z');
    const attempts = await Promise.all(
      rush.map(async (family, i) =>
        app.gqlRetrying(
          RESERVE,
          {
            input: {
              childId: family.children.find(eligible)!.id,
              sessionIds: [sessionId],
              idempotencyKey: `rush-${i}`,
            },
          },
          { token: await token('saint-nazaire', Role.PARENT, family.id) },
        ),
      ),
    );
    expect(attempts.filter((a) => a.status !== 200 || a.errors).map((a) => [a.status, a.errors])).toEqual([]);
    const booked = attempts.filter((a) => a.data.reserve.reservations.length === 1);
    const full = attempts.filter((a) => a.data.reserve.userErrors[0]?.code === 'FULL');
    expect(booked).toHaveLength(50);
    expect(full).toHaveLength(150);
    const after = await app.gql(
      'query($id: ID!) { node(id: $id) { ... on Session { placesTaken placesLeft } } }',
      { id: sessionId },
      { token: agent },
    );
    expect(after.data.node).toEqual({ placesTaken: 50, placesLeft: 0 });
  });

  it("lists a family's reservations for its parent", async () => {
    const res = await app.gql(
      // The summer only: the family also has its seeded canteen history.
      '{ viewer { family { reservations(first: 10, from: "2027-06-01") { totalCount nodes { status session { date } } } } } }',
      {},
      { token: await parentOf(0) },
    );
    expect(res.data.viewer.family.reservations.totalCount).toBe(3);
    expect(res.data.viewer.family.reservations.nodes.map((n: any) => n.session.date).sort()).toEqual([
      '2027-07-19',
      '2027-07-20',
      '2027-07-21',
    ]);
  });
});
