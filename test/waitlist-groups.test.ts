import type { Client } from 'pg';
import { runOfferExpiry } from '../src/jobs/waitlist-jobs';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * Siblings together: brothers and sisters join a full session's waitlist as one group, which is
 * given places all together or not at all, keeps the rank of its best-placed member, and lets a
 * place too small for it go to the next entry. A Béziers copy of its own, on Tuesday 1 December
 * 2026 at 09:00; the centre aéré Wednesdays of 16 and 23 December.
 */
describe('waitlist sibling groups', () => {
  const SLUG = 'test-wl-groups';
  const NOW = '2026-12-01T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let agent: string;
  let tenantId: string;
  /** Children aged 5 to 10 waiting alone (one per family), and pairs of siblings. */
  let singles: Kid[];
  let pairs: [Kid, Kid][];
  interface Kid {
    id: string;
    familyId: string;
  }

  const g = (type: string, id: string) => toGlobalId(type, id);
  const parentOf = (kid: Kid) => token(SLUG, Role.PARENT, g('Family', kid.familyId));
  const one = async (sql: string, params: unknown[] = []) => (await owner.query(sql, params)).rows[0];
  const rows = async (sql: string, params: unknown[] = []) => (await owner.query(sql, params)).rows;

  const RESERVE = `mutation($i: ReserveInput!) { reserve(input: $i) {
    reservations { id } userErrors { code message } } }`;
  const JOIN = `mutation($i: JoinWaitlistInput!) { joinWaitlist(input: $i) {
    waitlistEntries { id rank waitingCount status togetherWith { id } child { id } }
    userErrors { field code message } } }`;
  const CANCEL = `mutation($i: CancelReservationInput!) { cancelReservation(input: $i) {
    reservation { status } userErrors { code message } } }`;
  const ENTRY = `query($id: ID!) { node(id: $id) { ... on WaitlistEntry {
    status rank waitingCount reservation { channel } togetherWith { id status } } } }`;
  const ACT = (name: string) => `mutation($i: WaitlistEntryInput!) { ${name}(input: $i) {
    waitlistEntry { id status } userErrors { code message } } }`;

  let keys = 0;
  const key = () => `grp-${++keys}`;
  let clock = Date.parse(NOW);
  const tick = () => app.setNow(new Date((clock += 60_000)));

  const sessionOn = async (date: string) =>
    (
      await one(
        `select s.id from sessions s join services v on v.id = s.service_id
         where s.tenant_id = $1 and v.kind = 'LEISURE_CENTRE' and s.date = $2`,
        [tenantId, date],
      )
    ).id as string;
  const book = async (kid: Kid, sessionId: string) => {
    tick();
    const res = await app.gql(
      RESERVE,
      { i: { childId: g('Child', kid.id), sessionIds: [g('Session', sessionId)], idempotencyKey: key() } },
      { token: await parentOf(kid) },
    );
    expect(res.data.reserve.userErrors).toEqual([]);
    return res.data.reserve.reservations[0].id as string;
  };
  const join = async (sessionId: string, kid: Kid, siblings: Kid[] = [], as?: string) => {
    tick();
    return app.gql(
      JOIN,
      {
        i: {
          childId: g('Child', kid.id),
          siblingIds: siblings.length ? siblings.map((s) => g('Child', s.id)) : undefined,
          sessionIds: [g('Session', sessionId)],
          idempotencyKey: key(),
        },
      },
      { token: as ?? (await parentOf(kid)) },
    );
  };
  const cancel = async (reservationId: string) => {
    tick();
    const res = await app.gql(CANCEL, { i: { reservationId, idempotencyKey: key() } }, { token: agent });
    expect(res.data.cancelReservation.userErrors).toEqual([]);
  };
  const entry = async (id: string) => (await app.gql(ENTRY, { id }, { token: agent })).data.node;
  const statuses = async (sessionId: string) =>
    Object.fromEntries(
      (await rows(`select child_id, status from waitlist_entries where session_id = $1`, [sessionId])).map(
        (r) => [r.child_id, r.status],
      ),
    );
  /** Places taken = live reservations + held offers, for every session: nothing lost, nothing twice. */
  const assertCounted = async (sessionId: string) => {
    const s = await one(
      `select capacity, places_taken,
         (select count(*)::int from reservations where session_id = $1 and status <> 'CANCELLED' and place_released_at is null)
         + (select count(*)::int from waitlist_entries where session_id = $1 and status = 'OFFERED') as counted
       from sessions where id = $1`,
      [sessionId],
    );
    expect(s.places_taken).toBe(s.counted);
    expect(s.places_taken).toBeLessThanOrEqual(s.capacity);
    return s;
  };

  const freePlaces = async (sessionId: string) => {
    const s = await assertCounted(sessionId);
    return s.capacity - s.places_taken;
  };

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'beziers',
      { slug: SLUG, families: 120, seed: 777, childAges: [5, 10] },
      new Date(NOW),
      4,
    );
    owner = await rawClient('owner');
    await owner.query(
      `update tenants set config_waitlist_ordering = 'FIFO', config_waitlist_criteria = '[]' where id = $1`,
      [tenantId],
    );
    const kids: Kid[] = (
      await rows(
        `select c.id, c.family_id as "familyId" from children c
         where c.tenant_id = $1 and c.birth_date between '2016-12-02' and '2021-06-01' order by c.id`,
        [tenantId],
      )
    ).map((r) => ({ id: r.id, familyId: r.familyId }));
    const byFamily = new Map<string, Kid[]>();
    for (const kid of kids) byFamily.set(kid.familyId, [...(byFamily.get(kid.familyId) ?? []), kid]);
    pairs = [...byFamily.values()].filter((f) => f.length >= 2).map((f) => [f[0], f[1]]);
    singles = [...byFamily.values()].filter((f) => f.length === 1).map((f) => f[0]);
    expect(pairs.length).toBeGreaterThanOrEqual(4);
    expect(singles.length).toBeGreaterThanOrEqual(8);
    app = await startTestApp();
    app.setNow(NOW);
    agent = await token(SLUG, Role.AGENT);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('refuses a group of children of other families, or a child named twice, and writes nothing', async () => {
    const sessionId = await sessionOn('2026-12-16');
    await owner.query('update sessions set capacity = 0 where id = $1', [sessionId]);
    const [a] = pairs[0];
    // A parent cannot even name another family's child; an agent at the counter is told why.
    const hidden = await join(sessionId, a, [singles[0]]);
    expect(hidden.data.joinWaitlist.userErrors[0]).toMatchObject({
      field: ['siblingIds', '0'],
      code: 'NOT_FOUND',
    });
    const other = await join(sessionId, a, [singles[0]], agent);
    expect(other.data.joinWaitlist.userErrors).toEqual([
      { field: ['siblingIds', '0'], code: 'INVALID', message: expect.stringMatching(/même famille/) },
    ]);
    const twice = await join(sessionId, a, [a]);
    expect(twice.data.joinWaitlist.userErrors[0]).toMatchObject({ field: ['siblingIds'], code: 'INVALID' });
    expect(
      (await one('select count(*)::int as n from waitlist_entries where session_id = $1', [sessionId])).n,
    ).toBe(0);
    await owner.query('update sessions set capacity = places_taken + 3 where id = $1', [sessionId]);
  });

  it('AUTO_BOOK: the group ranks as one, a place too small for it goes to the next, then both are booked together', async () => {
    const sessionId = await sessionOn('2026-12-16');
    const held = [
      await book(singles[0], sessionId),
      await book(singles[1], sessionId),
      await book(singles[2], sessionId),
    ];
    const [p1, p2] = pairs[0];
    const res = await join(sessionId, p1, [p2]);
    expect(res.data.joinWaitlist.userErrors).toEqual([]);
    const [e1, e2] = res.data.joinWaitlist.waitlistEntries;
    expect([e1.rank, e2.rank].sort()).toEqual([1, 2]);
    expect(e1.waitingCount).toBe(2);
    expect([e1.child.id, e2.child.id]).toEqual([g('Child', p1.id), g('Child', p2.id)]);
    expect(e1.togetherWith).toEqual([{ id: e2.id }]);
    const group = await rows('select distinct group_id from waitlist_entries where session_id = $1', [
      sessionId,
    ]);
    expect(group).toHaveLength(1);
    expect(group[0].group_id).toEqual(expect.any(String));
    // A child alone joins after the group: third.
    const alone = (await join(sessionId, singles[3])).data.joinWaitlist.waitlistEntries[0];
    expect(alone.rank).toBe(3);

    // One place frees: not enough for the two siblings, it goes to the next entry; the group keeps rank 1.
    await cancel(held[0]);
    expect(await statuses(sessionId)).toEqual({
      [p1.id]: 'WAITING',
      [p2.id]: 'WAITING',
      [singles[3].id]: 'PROMOTED',
    });
    expect(await entry(e1.id)).toMatchObject({ status: 'WAITING', rank: e1.rank, waitingCount: 2 });
    await assertCounted(sessionId);

    // One more place: still not enough; it stays free (nobody else waits).
    await cancel(held[1]);
    expect(await statuses(sessionId)).toMatchObject({ [p1.id]: 'WAITING', [p2.id]: 'WAITING' });
    expect(await freePlaces(sessionId)).toBe(1);

    // A second place: the group takes both, in the transaction of the cancellation.
    await cancel(held[2]);
    expect(await statuses(sessionId)).toMatchObject({ [p1.id]: 'PROMOTED', [p2.id]: 'PROMOTED' });
    const booked = await rows(
      `select child_id, channel, status from reservations where session_id = $1 and status <> 'CANCELLED' order by child_id`,
      [sessionId],
    );
    expect(
      booked
        .filter((r) => r.channel === 'WAITLIST')
        .map((r) => r.child_id)
        .sort(),
    ).toEqual([p1.id, p2.id, singles[3].id].sort());
    expect(await freePlaces(sessionId)).toBe(0);
    expect((await entry(e2.id)).reservation).toEqual({ channel: 'WAITLIST' });
  });

  it('OFFER: a group is offered places together; declining declines both and passes both places on', async () => {
    const sessionId = await sessionOn('2026-12-23');
    const serviceId = (await one('select service_id from sessions where id = $1', [sessionId])).service_id;
    await owner.query(
      `update services set waitlist_promotion = 'OFFER', waitlist_offer_hours = 24 where id = $1`,
      [serviceId],
    );
    await owner.query('update sessions set capacity = places_taken + 2 where id = $1', [sessionId]);
    const held = [await book(singles[4], sessionId), await book(singles[5], sessionId)];
    const [a1, a2] = pairs[1];
    const [b1, b2] = pairs[2];
    const groupA = (await join(sessionId, a1, [a2])).data.joinWaitlist.waitlistEntries;
    const groupB = (await join(sessionId, b1, [b2])).data.joinWaitlist.waitlistEntries;
    expect(groupB.map((e: { rank: number }) => e.rank).sort()).toEqual([3, 4]);

    await cancel(held[0]);
    expect(await statuses(sessionId)).toEqual({
      [a1.id]: 'WAITING',
      [a2.id]: 'WAITING',
      [b1.id]: 'WAITING',
      [b2.id]: 'WAITING',
    });
    await cancel(held[1]);
    const offered = await rows(
      `select child_id, offer_expires_at from waitlist_entries where session_id = $1 and status = 'OFFERED' order by child_id`,
      [sessionId],
    );
    expect(offered.map((r) => r.child_id).sort()).toEqual([a1.id, a2.id].sort());
    expect(+offered[0].offer_expires_at).toBe(+offered[1].offer_expires_at);
    expect(await freePlaces(sessionId)).toBe(0);

    // Declining one of the two offers declines the group's; both places go to the next group.
    const declined = await app.gql(
      ACT('declineWaitlistOffer'),
      { i: { entryId: groupA[1].id, idempotencyKey: key() } },
      {
        token: await parentOf(a1),
      },
    );
    expect(declined.data.declineWaitlistOffer.userErrors).toEqual([]);
    expect(await statuses(sessionId)).toEqual({
      [a1.id]: 'DECLINED',
      [a2.id]: 'DECLINED',
      [b1.id]: 'OFFERED',
      [b2.id]: 'OFFERED',
    });
    expect(await freePlaces(sessionId)).toBe(0);

    // Accepting one of the group's offers books both children.
    const accepted = await app.gql(
      ACT('acceptWaitlistOffer'),
      { i: { entryId: groupB[0].id, idempotencyKey: key() } },
      {
        token: await parentOf(b1),
      },
    );
    expect(accepted.data.acceptWaitlistOffer.userErrors).toEqual([]);
    expect(await statuses(sessionId)).toMatchObject({ [b1.id]: 'PROMOTED', [b2.id]: 'PROMOTED' });
    const reservations = await rows(
      `select child_id from reservations where session_id = $1 and status = 'BOOKED' and channel = 'WAITLIST'`,
      [sessionId],
    );
    expect(reservations.map((r) => r.child_id).sort()).toEqual([b1.id, b2.id].sort());
    expect(await freePlaces(sessionId)).toBe(0);
  });

  it('OFFER: a group whose offers expire loses them together, and both places pass on', async () => {
    const sessionId = await sessionOn('2026-12-23');
    const [b1, b2] = pairs[2];
    const [c1, c2] = pairs[3];
    const waiting = (await join(sessionId, c1, [c2])).data.joinWaitlist.waitlistEntries;
    const mine = await rows(
      `select id from reservations where session_id = $1 and child_id = any($2) and status = 'BOOKED'`,
      [sessionId, [b1.id, b2.id]],
    );
    for (const r of mine) await cancel(g('Reservation', r.id));
    // The two places went to group C, offered together; then a child alone joins the full session.
    const lone = (await join(sessionId, singles[6])).data.joinWaitlist.waitlistEntries[0];
    const offers = await rows(
      `select id, offer_expires_at from waitlist_entries where session_id = $1 and status = 'OFFERED'`,
      [sessionId],
    );
    expect(offers).toHaveLength(2);
    expect(await entry(lone.id)).toMatchObject({ status: 'WAITING', rank: 1 });
    const deadline = offers[0].offer_expires_at as Date;
    // One expiry job expires the group's offers; the other job then finds nothing to do.
    expect(await runOfferExpiry(app.orm.em, { tenantId, entryId: offers[0].id }, deadline)).toBe(true);
    expect(await runOfferExpiry(app.orm.em, { tenantId, entryId: offers[1].id }, deadline)).toBe(false);
    const after = await entry(waiting[0].id);
    expect(after).toMatchObject({
      status: 'EXPIRED',
      togetherWith: [{ id: waiting[1].id, status: 'EXPIRED' }],
    });
    // One place went to the child alone (offered), the other stays free: nobody else waits.
    expect(await entry(lone.id)).toMatchObject({ status: 'OFFERED' });
    expect(await freePlaces(sessionId)).toBe(1);
  });
});
