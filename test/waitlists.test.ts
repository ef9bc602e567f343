import type { Client } from 'pg';
import { runOfferExpiry } from '../src/jobs/waitlist-jobs';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * The Béziers centre aéré story through the API: a full Wednesday, families on its waitlist with
 * visible ranks, and every freed place (cancellation, decline, expiry, a capacity raise) finding
 * the next child in the transaction that freed it — under both policies. A Béziers copy of its
 * own, on Tuesday 1 December 2026 at 09:00 in Béziers; the session is Wednesday 16 December
 * (booking closes on the 13th at 12:00, free cancellation until the 10th).
 */
describe('waitlists', () => {
  const SLUG = 'test-waitlists';
  const NOW = '2026-12-01T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let agent: string;
  let tenantId: string;
  let sessionId: string;
  let serviceId: string;
  /** Children aged 5 to 10 of distinct families, in a stable order. */
  let kids: { id: string; familyId: string }[];

  const g = (type: string, id: string) => toGlobalId(type, id);
  const parentOf = (kid: { familyId: string }) => token(SLUG, Role.PARENT, g('Family', kid.familyId));
  const one = async (sql: string, params: unknown[] = []) => (await owner.query(sql, params)).rows[0];

  const RESERVE = `mutation($i: ReserveInput!) { reserve(input: $i) {
    reservations { id } waitlistEntries { id rank waitingCount status session { id } }
    userErrors { field code message } } }`;
  const JOIN = `mutation($i: JoinWaitlistInput!) { joinWaitlist(input: $i) {
    waitlistEntries { id rank waitingCount status } userErrors { field code message placesLeft } } }`;
  const CANCEL = `mutation($i: CancelReservationInput!) { cancelReservation(input: $i) {
    reservation { status } userErrors { code message } } }`;
  const ENTRY = `query($id: ID!) { node(id: $id) { ... on WaitlistEntry {
    status rank waitingCount aheadByPriority priorityPoints priorityReviewed offerExpiresAt
    criteria { kind label points } reservation { id channel } } } }`;
  const ACT = (name: string) => `mutation($i: WaitlistEntryInput!) { ${name}(input: $i) {
    waitlistEntry { id status reservation { id channel } } userErrors { code message } } }`;

  let keys = 0;
  const key = () => `wl-${++keys}`;
  /** The clock moves a minute at each join: first come, first served needs distinct instants. */
  let clock = Date.parse(NOW);
  const tick = () => app.setNow(new Date((clock += 60_000)));
  const at = (instant: string) => app.setNow(new Date((clock = Date.parse(instant))));
  const reserve = async (kid: { id: string; familyId: string }, waitlistIfFull = false, as?: string) =>
    tick() ??
    app.gql(
      RESERVE,
      {
        i: {
          childId: g('Child', kid.id),
          sessionIds: [g('Session', sessionId)],
          idempotencyKey: key(),
          waitlistIfFull,
        },
      },
      { token: as ?? (await parentOf(kid)) },
    );
  const join = async (kid: { id: string; familyId: string }, as?: string) =>
    tick() ??
    app.gql(
      JOIN,
      { i: { childId: g('Child', kid.id), sessionIds: [g('Session', sessionId)], idempotencyKey: key() } },
      { token: as ?? (await parentOf(kid)) },
    );
  const entry = async (id: string, as = agent) => (await app.gql(ENTRY, { id }, { token: as })).data.node;
  const places = async () => one('select capacity, places_taken from sessions where id = $1', [sessionId]);
  /** Places taken = live reservations holding one + offers held: the invariant, counted. */
  const counted = async () =>
    one(
      `select (select count(*)::int from reservations where session_id = $1 and status <> 'CANCELLED' and place_released_at is null)
            + (select count(*)::int from waitlist_entries where session_id = $1 and status = 'OFFERED') as n`,
      [sessionId],
    );

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'beziers',
      { slug: SLUG, families: 80, seed: 4242, childAges: [5, 10] },
      new Date(NOW),
      4,
    );
    owner = await rawClient('owner');
    const s = await one(
      `select s.id, s.service_id from sessions s join services v on v.id = s.service_id
       where s.tenant_id = $1 and v.kind = 'LEISURE_CENTRE' and s.date = '2026-12-16'`,
      [tenantId],
    );
    sessionId = s.id;
    serviceId = s.service_id;
    await owner.query('update sessions set capacity = 2 where id = $1', [sessionId]);
    // First come, first served until the priority story below switches it on.
    await owner.query(
      `update tenants set config_waitlist_ordering = 'FIFO', config_waitlist_criteria = '[]' where id = $1`,
      [tenantId],
    );
    const { rows } = await owner.query(
      `select distinct on (c.family_id) c.id, c.family_id as "familyId" from children c
       where c.tenant_id = $1 and c.birth_date between '2016-12-02' and '2021-06-01'
       order by c.family_id, c.id`,
      [tenantId],
    );
    kids = rows.sort((a, b) => (a.id < b.id ? -1 : 1));
    app = await startTestApp();
    app.setNow(NOW);
    agent = await token(SLUG, Role.AGENT);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  const booked: string[] = [];
  let cEntry: string;
  let dEntry: string;

  it('puts a child on the waitlist of a full session with a visible rank, instead of only FULL', async () => {
    const [a, b, c, d] = kids;
    for (const kid of [a, b]) {
      const res = await reserve(kid);
      expect(res.data.reserve.userErrors).toEqual([]);
      booked.push(res.data.reserve.reservations[0].id);
    }
    // Without waitlistIfFull: FULL, and nothing written.
    const full = await reserve(c);
    expect(full.data.reserve.userErrors[0].code).toBe('FULL');
    expect(full.data.reserve.waitlistEntries).toEqual([]);
    expect(
      (await one('select count(*)::int as n from waitlist_entries where session_id = $1', [sessionId])).n,
    ).toBe(0);
    const res = await reserve(c, true);
    expect(res.data.reserve.userErrors).toEqual([]);
    expect(res.data.reserve.waitlistEntries).toEqual([
      {
        id: expect.any(String),
        rank: 1,
        waitingCount: 1,
        status: 'WAITING',
        session: { id: g('Session', sessionId) },
      },
    ]);
    cEntry = res.data.reserve.waitlistEntries[0].id;
    const joined = await join(d);
    expect(joined.data.joinWaitlist.waitlistEntries).toEqual([
      { id: expect.any(String), rank: 2, waitingCount: 2, status: 'WAITING' },
    ]);
    dEntry = joined.data.joinWaitlist.waitlistEntries[0].id;
    // One entry per child and session; a booked child cannot join.
    expect((await join(d)).data.joinWaitlist.userErrors[0].code).toBe('ALREADY_WAITLISTED');
    expect((await join(a)).data.joinWaitlist.userErrors[0].code).toBe('ALREADY_BOOKED');
    // The parent sees their own entry, rank and count; another family does not see it.
    const mine = await app.gql(
      `{ viewer { family { children { waitlistEntries { id rank waitingCount status } } } } }`,
      {},
      { token: await parentOf(d) },
    );
    const entries = mine.data.viewer.family.children.flatMap((ch: any) => ch.waitlistEntries);
    expect(entries).toEqual([{ id: dEntry, rank: 2, waitingCount: 2, status: 'WAITING' }]);
    const other = await app.gql(ENTRY, { id: dEntry }, { token: await parentOf(c) });
    expect(other.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses a waitlist for a session with places left (NOT_FULL), and respects the booking window', async () => {
    const open = await one(
      `select id from sessions where tenant_id = $1 and service_id = $2 and date = '2026-12-23'`,
      [tenantId, serviceId],
    );
    const res = await app.gql(
      JOIN,
      { i: { childId: g('Child', kids[4].id), sessionIds: [g('Session', open.id)], idempotencyKey: key() } },
      { token: await parentOf(kids[4]) },
    );
    expect(res.data.joinWaitlist.userErrors[0]).toMatchObject({
      code: 'NOT_FULL',
      placesLeft: expect.any(Number),
    });
    // The 9 December session closed to booking on the 6th at 12:00: after that, no waitlist either.
    const before = clock;
    at('2026-12-06T11:00:00Z');
    const closed = await one(
      `select id from sessions where tenant_id = $1 and service_id = $2 and date = '2026-12-09'`,
      [tenantId, serviceId],
    );
    await owner.query('update sessions set capacity = 0 where id = $1', [closed.id]);
    const late = await app.gql(
      JOIN,
      {
        i: { childId: g('Child', kids[4].id), sessionIds: [g('Session', closed.id)], idempotencyKey: key() },
      },
      { token: await parentOf(kids[4]) },
    );
    expect(late.data.joinWaitlist.userErrors[0].code).toBe('CLOSED');
    at(new Date(before).toISOString());
  });

  it('AUTO_BOOK: a cancellation books the first entry in the same transaction, and tells the family', async () => {
    const res = await app.gql(
      CANCEL,
      { i: { reservationId: booked[0], idempotencyKey: key() } },
      { token: agent },
    );
    expect(res.data.cancelReservation.userErrors).toEqual([]);
    const c = await entry(cEntry);
    expect(c).toMatchObject({ status: 'PROMOTED', rank: null, reservation: { channel: 'WAITLIST' } });
    expect(await entry(dEntry)).toMatchObject({ status: 'WAITING', rank: 1, waitingCount: 1 });
    expect(await places()).toEqual({ capacity: 2, places_taken: 2 });
    expect((await counted()).n).toBe(2);
    const notes = await app.gql(
      `{ viewer { family { unreadNotificationCount notifications(first: 5) { nodes { id kind message readAt } } } } }`,
      {},
      { token: await parentOf(kids[2]) },
    );
    expect(notes.data.viewer.family.unreadNotificationCount).toBe(1);
    expect(notes.data.viewer.family.notifications.nodes[0]).toMatchObject({
      kind: 'WAITLIST_AUTO_BOOKED',
      readAt: null,
      message: expect.stringMatching(
        /^Une place s’est libérée : .+ est inscrit·e à « .+ » le mercredi 16 décembre 2026\.$/,
      ),
    });
    // The same line in the reader's language when it asks for another.
    const english = await app.gql(
      `{ viewer { family { notifications(first: 1) { nodes { message } } } } }`,
      {},
      { token: await parentOf(kids[2]), headers: { 'accept-language': 'en' } },
    );
    expect(english.data.viewer.family.notifications.nodes[0].message).toMatch(
      /^A place came free: .+ is booked at “.+” on Wednesday 16 December 2026\.$/,
    );
    const read = await app.gql(
      `mutation($i: MarkNotificationsReadInput!) { markNotificationsRead(input: $i) { marked userErrors { code } } }`,
      { i: { notificationIds: [notes.data.viewer.family.notifications.nodes[0].id] } },
      { token: await parentOf(kids[2]) },
    );
    expect(read.data.markNotificationsRead.marked).toBe(1);
    expect(
      (
        await one(`select count(*)::int as n from notifications where family_id = $1 and read_at is null`, [
          kids[2].familyId,
        ])
      ).n,
    ).toBe(0);
  });

  let eEntry: string;
  let deadline: string;

  it('OFFER: a cancellation holds the place for the first entry until its deadline, on the job queue', async () => {
    await owner.query(
      `update services set waitlist_promotion = 'OFFER', waitlist_offer_hours = 24 where id = $1`,
      [serviceId],
    );
    eEntry = (await join(kids[5])).data.joinWaitlist.waitlistEntries[0].id;
    const res = await app.gql(
      CANCEL,
      { i: { reservationId: booked[1], idempotencyKey: key() } },
      { token: agent },
    );
    expect(res.data.cancelReservation.userErrors).toEqual([]);
    const d = await entry(dEntry);
    expect(d).toMatchObject({
      status: 'OFFERED',
      offerExpiresAt: new Date(clock + 24 * 3600_000).toISOString(),
    });
    deadline = d.offerExpiresAt;
    // Held: it counts as taken, so nobody else can book it.
    expect(await places()).toEqual({ capacity: 2, places_taken: 2 });
    expect((await counted()).n).toBe(2);
    expect((await reserve(kids[6])).data.reserve.userErrors[0].code).toBe('FULL');
    const offered = await one(
      `select id from waitlist_entries where session_id = $1 and status = 'OFFERED'`,
      [sessionId],
    );
    // Its expiry is a job on the queue at the deadline, keyed by the entry (and a reminder before it).
    const job = await one(
      `select j.run_at, j.payload, t.identifier from graphile_worker._private_jobs j
       join graphile_worker._private_tasks t on t.id = j.task_id where j.key = $1`,
      [`waitlist-offer:${offered.id}`],
    );
    expect(job.identifier).toBe('waitlist_offer_expiry');
    expect(new Date(job.run_at).toISOString()).toBe(deadline);
    expect(job.payload).toEqual({ tenantId, entryId: offered.id });
    const reminder = await one(`select run_at from graphile_worker._private_jobs where key = $1`, [
      `waitlist-offer-reminder:${offered.id}`,
    ]);
    expect(new Date(reminder.run_at).toISOString()).toBe(
      new Date(Date.parse(deadline) - 12 * 3600_000).toISOString(),
    );
  });

  it('an offer expiring passes the place to the next entry; the job runs once (idempotent)', async () => {
    const offered = await one(
      `select id from waitlist_entries where session_id = $1 and status = 'OFFERED'`,
      [sessionId],
    );
    const payload = { tenantId, entryId: offered.id };
    // Before the deadline, the job changes nothing.
    expect(await runOfferExpiry(app.orm.em, payload, new Date(Date.parse(deadline) - 1000))).toBe(false);
    at(deadline);
    expect(await runOfferExpiry(app.orm.em, payload, new Date(deadline))).toBe(true);
    expect(await runOfferExpiry(app.orm.em, payload, new Date(deadline))).toBe(false);
    expect(await entry(dEntry)).toMatchObject({ status: 'EXPIRED' });
    expect(await entry(eEntry)).toMatchObject({ status: 'OFFERED' });
    expect((await counted()).n).toBe(2);
    expect(await places()).toEqual({ capacity: 2, places_taken: 2 });
    const kinds = (
      await owner.query(`select kind from notifications where family_id = $1 order by created_at`, [
        kids[3].familyId,
      ])
    ).rows.map((r) => r.kind);
    expect(kinds).toEqual(['WAITLIST_OFFER_MADE', 'WAITLIST_OFFER_EXPIRED']);
  });

  it('a declined offer passes on at once; an accepted one becomes a WAITLIST reservation', async () => {
    const f = (await join(kids[7])).data.joinWaitlist.waitlistEntries[0].id;
    const declined = await app.gql(
      ACT('declineWaitlistOffer'),
      { i: { entryId: eEntry, idempotencyKey: key() } },
      { token: await parentOf(kids[5]) },
    );
    expect(declined.data.declineWaitlistOffer).toMatchObject({
      userErrors: [],
      waitlistEntry: { status: 'DECLINED' },
    });
    expect(await entry(f)).toMatchObject({ status: 'OFFERED' });
    // Declining is never charged.
    expect(
      (await one(`select count(*)::int as n from charges where family_id = $1`, [kids[5].familyId])).n,
    ).toBe(0);
    const accepted = await app.gql(
      ACT('acceptWaitlistOffer'),
      { i: { entryId: f, idempotencyKey: key() } },
      { token: await parentOf(kids[7]) },
    );
    expect(accepted.data.acceptWaitlistOffer).toMatchObject({
      userErrors: [],
      waitlistEntry: { status: 'PROMOTED', reservation: { channel: 'WAITLIST' } },
    });
    expect(await places()).toEqual({ capacity: 2, places_taken: 2 });
    expect((await counted()).n).toBe(2);
    // Nothing to accept twice.
    const again = await app.gql(
      ACT('declineWaitlistOffer'),
      { i: { entryId: f, idempotencyKey: key() } },
      { token: await parentOf(kids[7]) },
    );
    expect(again.data.declineWaitlistOffer.userErrors[0].code).toBe('NOT_ON_WAITLIST');
  });

  it('orders by priority then first come, shows why a rank went back, and lets an agent change a priority with a reason (audited)', async () => {
    await owner.query(
      `update tenants set config_waitlist_ordering = 'PRIORITY_THEN_FIFO',
         config_waitlist_criteria = '[{"kind":"SOCIAL_PRIORITY","label":"Priorité sociale","points":50},{"kind":"RESIDENT","label":"Habitant de Béziers","points":5,"postalCodes":["34500"]}]'
       where id = $1`,
      [tenantId],
    );
    await owner.query('update families set social_priority = true where id = $1', [kids[9].familyId]);
    await owner.query(`update families set postal_code = '34500' where id = any($1::uuid[])`, [
      [kids[8].familyId, kids[9].familyId],
    ]);
    const g1 = (await join(kids[8])).data.joinWaitlist.waitlistEntries[0];
    const h1 = (await join(kids[9])).data.joinWaitlist.waitlistEntries[0];
    expect(h1.rank).toBe(1);
    const gNow = await entry(g1.id);
    expect(gNow).toMatchObject({ rank: 2, aheadByPriority: 1, priorityPoints: 5 });
    expect(await entry(h1.id)).toMatchObject({
      priorityPoints: 55,
      criteria: [
        { kind: 'SOCIAL_PRIORITY', points: 50 },
        { kind: 'RESIDENT', points: 5 },
      ],
    });
    const SET = `mutation($i: SetWaitlistPriorityInput!) { setWaitlistPriority(input: $i) { waitlistEntry { id } userErrors { code field } } }`;
    const noReason = await app.gql(
      SET,
      { i: { entryId: g1.id, points: 100, reason: '  ', idempotencyKey: key() } },
      { token: agent },
    );
    expect(noReason.data.setWaitlistPriority.userErrors[0]).toMatchObject({
      code: 'INVALID',
      field: ['reason'],
    });
    const parentTry = await app.gql(
      SET,
      { i: { entryId: g1.id, points: 100, reason: 'x', idempotencyKey: key() } },
      { token: await parentOf(kids[8]) },
    );
    expect(parentTry.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const set = await app.gql(
      SET,
      { i: { entryId: g1.id, points: 100, reason: 'Demande du CCAS', idempotencyKey: key() } },
      { token: agent },
    );
    expect(set.data.setWaitlistPriority.userErrors).toEqual([]);
    expect(await entry(g1.id, await parentOf(kids[8]))).toMatchObject({
      rank: 1,
      priorityReviewed: true,
      priorityPoints: 105,
    });
    const audited = await one(
      `select details from audit_events where tenant_id = $1 and action = 'WAITLIST_PRIORITY_CHANGED'`,
      [tenantId],
    );
    expect(audited.details).toMatchObject({ before: 5, after: 105, reason: 'Demande du CCAS' });
    const note = await one(
      `select message from notifications where family_id = $1 and kind = 'WAITLIST_RANK_CHANGED'`,
      [kids[8].familyId],
    );
    expect(note.message).not.toContain('CCAS');
  });

  it('an agent joins for a family at the counter (audited); modes are respected', async () => {
    const res = await join(kids[10], agent);
    expect(res.data.joinWaitlist.userErrors).toEqual([]);
    const id = res.data.joinWaitlist.waitlistEntries[0].id;
    expect(
      (await one(`select channel from waitlist_entries where child_id = $1`, [kids[10].id])).channel,
    ).toBe('COUNTER');
    expect(
      (
        await one(
          `select count(*)::int as n from audit_events where tenant_id = $1 and action = 'WAITLIST_JOINED'`,
          [tenantId],
        )
      ).n,
    ).toBe(1);
    await owner.query(`update services set operating_mode_override = 'COUNTER_ONLY' where id = $1`, [
      serviceId,
    ]);
    try {
      const refused = await join(kids[11]);
      expect(refused.data.joinWaitlist.userErrors[0].code).toBe('NOT_ALLOWED_IN_MODE');
      const leave = await app.gql(
        ACT('leaveWaitlist'),
        { i: { entryId: id, idempotencyKey: key() } },
        { token: await parentOf(kids[10]) },
      );
      expect(leave.data.leaveWaitlist.userErrors[0].code).toBe('NOT_ALLOWED_IN_MODE');
      const byAgent = await app.gql(
        ACT('leaveWaitlist'),
        { i: { entryId: id, idempotencyKey: key() } },
        { token: agent },
      );
      expect(byAgent.data.leaveWaitlist.waitlistEntry.status).toBe('LEFT');
    } finally {
      await owner.query(`update services set operating_mode_override = null where id = $1`, [serviceId]);
    }
  });

  it('a capacity raise passes the new places to the list at once; agents see the list in order', async () => {
    const SET = `mutation($i: SetSessionCapacityInput!) { setSessionCapacity(input: $i) { session { capacity placesTaken } userErrors { code } } }`;
    const below = await app.gql(
      SET,
      { i: { sessionId: g('Session', sessionId), capacity: 1, idempotencyKey: key() } },
      { token: agent },
    );
    expect(below.data.setSessionCapacity.userErrors[0].code).toBe('INVALID');
    const raised = await app.gql(
      SET,
      { i: { sessionId: g('Session', sessionId), capacity: 3, idempotencyKey: key() } },
      { token: agent },
    );
    expect(raised.data.setSessionCapacity).toEqual({
      session: { capacity: 3, placesTaken: 3 },
      userErrors: [],
    });
    const list = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Session { waitlist { count offered promoted declined expired left medianMinutesToPlace
         entries { status rank child { id } criteria { kind } } } } } }`,
      { id: g('Session', sessionId) },
      { token: agent },
    );
    const w = list.data.node.waitlist;
    expect(w).toMatchObject({ count: 1, offered: 1, promoted: 2, declined: 1, expired: 1, left: 1 });
    // The reviewed entry (105 points) got the place; the social-priority one waits, rank 1.
    expect(w.entries.map((e: any) => [e.status, e.rank, e.child.id])).toEqual([
      ['OFFERED', null, g('Child', kids[8].id)],
      ['WAITING', 1, g('Child', kids[9].id)],
    ]);
    expect((await counted()).n).toBe(3);
  });
});
