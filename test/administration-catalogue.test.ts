import type { Client } from 'pg';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * The catalogue by a town's admins (facilities, services, their policies, archiving) and a
 * session cancelled late by an agent: reservations cancelled free, waitlist closed, families
 * notified, nobody booking it again. A Béziers copy of its own, on Tuesday 1 December 2026.
 */
describe('administration: catalogue and cancelled sessions', () => {
  const SLUG = 'test-adm-catalogue';
  const NOW = '2026-12-01T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let admin: string;
  let agent: string;
  let tenantId: string;
  let kids: { id: string; familyId: string }[];
  const g = (type: string, id: string) => toGlobalId(type, id);
  const one = async (sql: string, params: unknown[] = []) => (await owner.query(sql, params)).rows[0];
  const count = async (sql: string, params: unknown[] = []) => Number((await one(sql, params)).n);
  /** This suite's own audit events (the seed set the catalogue up as the bootstrap, audited too). */
  const audits = (action: string) =>
    count(
      `select count(*) as n from audit_events where tenant_id = $1 and action = $2 and actor <> 'system:bootstrap'`,
      [tenantId, action],
    );
  let keys = 0;
  const key = () => `cat-${++keys}`;

  const CREATE_F = `mutation($i: FacilityInput!) { createFacility(input: $i) {
    facility { id name kind capacity address nationalCode endsOn } userErrors { code field message } } }`;
  const UPDATE_F = `mutation($i: UpdateFacilityInput!) { updateFacility(input: $i) {
    facility { id name capacity endsOn } userErrors { code field message } } }`;
  const CREATE_S = `mutation($i: ServiceInput!) { createService(input: $i) {
    service { id name kind defaultCapacity closedOnSchoolHolidays bookingPolicy { closesDaysBefore closesAtTime allowsWalkIns } }
    userErrors { code field message } } }`;
  const UPDATE_S = `mutation($i: UpdateServiceInput!) { updateService(input: $i) {
    service { id defaultCapacity bookingPolicy { closesDaysBefore closesAtTime } } userErrors { code field message } } }`;
  const ARCHIVE_S = `mutation($i: ArchiveServiceInput!) { archiveService(input: $i) { archivedServiceId sessionsRemoved userErrors { code field message } } }`;
  const CANCEL = `mutation($i: CancelSessionInput!) { cancelSession(input: $i) {
    session { id cancelledAt placesTaken } reservationsCancelled waitlistEntriesClosed invoicedCharges userErrors { code field message } } }`;
  const RESERVE = `mutation($i: ReserveInput!) { reserve(input: $i) {
    reservations { id } waitlistEntries { id } userErrors { code field message } } }`;

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'beziers',
      { slug: SLUG, families: 30, seed: 13, childAges: [5, 10] },
      new Date(NOW),
      4,
    );
    owner = await rawClient('owner');
    kids = (
      await owner.query(
        `select distinct on (c.family_id) c.id, c.family_id as "familyId" from children c
         where c.tenant_id = $1 and c.birth_date between '2016-12-02' and '2021-06-01' order by c.family_id, c.id`,
        [tenantId],
      )
    ).rows;
    app = await startTestApp();
    app.setNow(NOW);
    admin = await token(SLUG, Role.TENANT_ADMIN);
    agent = await token(SLUG, Role.AGENT);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  const summer = {
    name: 'Centre aéré d’été — Gymnase Sud',
    kind: 'LEISURE_CENTRE',
    address: '1 allée du Stade',
    capacity: 80,
    endsOn: '2027-08-31',
  };
  let facilityId: string;
  let serviceId: string;

  it('refuses bad facility input with the field, writing nothing; agents may not touch the catalogue', async () => {
    const before = await count(`select count(*) as n from facilities where tenant_id = $1`, [tenantId]);
    const cases: [Record<string, unknown>, string[]][] = [
      [{ name: ' ' }, ['name']],
      [{ capacity: -1 }, ['capacity']],
      [{ capacity: 20_000 }, ['capacity']],
      [{ nationalCode: '0301001B' }, ['nationalCode']],
      [{ endsOn: '2026-11-01' }, ['endsOn']],
    ];
    for (const [change, field] of cases) {
      const res = await app.gql(
        CREATE_F,
        { i: { ...summer, ...change, idempotencyKey: key() } },
        { token: admin },
      );
      expect(res.data.createFacility.userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID', field }),
      ]);
    }
    const byAgent = await app.gql(CREATE_F, { i: { ...summer, idempotencyKey: key() } }, { token: agent });
    expect(byAgent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await count(`select count(*) as n from facilities where tenant_id = $1`, [tenantId])).toBe(before);
  });

  it('opens a temporary leisure centre with a service and its booking policy, audited and retry-safe', async () => {
    const input = { ...summer, idempotencyKey: 'summer-centre' };
    const res = await app.gql(CREATE_F, { i: input }, { token: admin });
    expect(res.data.createFacility.userErrors).toEqual([]);
    expect(res.data.createFacility.facility).toMatchObject({
      kind: 'LEISURE_CENTRE',
      capacity: 80,
      endsOn: '2027-08-31',
    });
    facilityId = res.data.createFacility.facility.id;
    expect((await app.gql(CREATE_F, { i: input }, { token: admin })).data.createFacility.facility.id).toBe(
      facilityId,
    );
    expect(await audits('FACILITY_CREATED')).toBe(1);

    const service = {
      facilityId,
      kind: 'LEISURE_CENTRE',
      name: 'Été 2027',
      unit: 'DAY',
      defaultCapacity: 60,
    };
    const bad = await app.gql(
      CREATE_S,
      { i: { ...service, bookingPolicy: { closesAtTime: '25:00' }, idempotencyKey: key() } },
      { token: admin },
    );
    expect(bad.data.createService.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['bookingPolicy', 'closesAtTime'] }),
    ]);
    const ok = await app.gql(
      CREATE_S,
      {
        i: {
          ...service,
          bookingPolicy: { closesDaysBefore: 7, closesAtTime: '12:00', allowsWalkIns: true },
          idempotencyKey: key(),
        },
      },
      { token: admin },
    );
    expect(ok.data.createService.userErrors).toEqual([]);
    expect(ok.data.createService.service).toMatchObject({
      kind: 'LEISURE_CENTRE',
      defaultCapacity: 60,
      closedOnSchoolHolidays: false,
      bookingPolicy: { closesDaysBefore: 7, closesAtTime: '12:00', allowsWalkIns: true },
    });
    serviceId = ok.data.createService.service.id;
    expect(
      await count(`select count(*) as n from services where tenant_id = $1 and facility_id = $2`, [
        tenantId,
        (await one(`select id from facilities where tenant_id = $1 and name = $2`, [tenantId, summer.name]))
          .id,
      ]),
    ).toBe(1);
  });

  it('updates a facility and a service, audited before → after; refuses an unknown one', async () => {
    const f = await app.gql(
      UPDATE_F,
      { i: { facilityId, capacity: 100, permanent: true, idempotencyKey: key() } },
      { token: admin },
    );
    expect(f.data.updateFacility.facility).toMatchObject({ capacity: 100, endsOn: null });
    const event = await one(
      `select details from audit_events where tenant_id = $1 and action = 'FACILITY_UPDATED'`,
      [tenantId],
    );
    expect(event.details).toMatchObject({
      before: { capacity: 80, endsOn: '2027-08-31' },
      after: { capacity: 100, endsOn: null },
    });
    const s = await app.gql(
      UPDATE_S,
      {
        i: { serviceId, defaultCapacity: 70, bookingPolicy: { closesDaysBefore: 3 }, idempotencyKey: key() },
      },
      { token: admin },
    );
    expect(s.data.updateService.service).toMatchObject({
      defaultCapacity: 70,
      bookingPolicy: { closesDaysBefore: 3, closesAtTime: '12:00' },
    });
    const bad = await app.gql(
      UPDATE_S,
      { i: { serviceId, defaultCapacity: -3, idempotencyKey: key() } },
      { token: admin },
    );
    expect(bad.data.updateService.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['defaultCapacity'] }),
    ]);
    expect(
      (
        await one(`select default_capacity from services where tenant_id = $1 and name = 'Été 2027'`, [
          tenantId,
        ])
      ).default_capacity,
    ).toBe(70);
  });

  let sessionId: string;
  it('cancels a session late: reservations cancelled free, waitlist closed, families notified, no booking again', async () => {
    sessionId = (
      await one(
        `select s.id from sessions s join services v on v.id = s.service_id
         where s.tenant_id = $1 and v.kind = 'LEISURE_CENTRE' and s.date = '2026-12-16' and v.name <> 'Été 2027'`,
        [tenantId],
      )
    ).id;
    await owner.query('update sessions set capacity = 2 where id = $1', [sessionId]);
    for (const kid of kids.slice(0, 3)) {
      const res = await app.gql(
        RESERVE,
        {
          i: {
            childId: g('Child', kid.id),
            sessionIds: [g('Session', sessionId)],
            waitlistIfFull: true,
            idempotencyKey: key(),
          },
        },
        { token: agent },
      );
      expect(res.data.reserve.userErrors).toEqual([]);
    }
    expect(
      await count(`select count(*) as n from waitlist_entries where session_id = $1 and status = 'WAITING'`, [
        sessionId,
      ]),
    ).toBe(1);
    const empty = await app.gql(
      CANCEL,
      { i: { sessionId: g('Session', sessionId), reason: '  ', idempotencyKey: key() } },
      { token: agent },
    );
    expect(empty.data.cancelSession.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['reason'] }),
    ]);
    const parent = await app.gql(
      CANCEL,
      { i: { sessionId: g('Session', sessionId), reason: 'grève', idempotencyKey: key() } },
      { token: await token(SLUG, Role.PARENT, g('Family', kids[0].familyId)) },
    );
    expect(parent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(
      await count(`select count(*) as n from reservations where session_id = $1 and status = 'BOOKED'`, [
        sessionId,
      ]),
    ).toBe(2);

    const input = {
      sessionId: g('Session', sessionId),
      reason: 'grève du personnel',
      idempotencyKey: 'cancel-16',
    };
    const res = await app.gql(CANCEL, { i: input }, { token: agent });
    expect(res.data.cancelSession).toMatchObject({
      reservationsCancelled: 2,
      waitlistEntriesClosed: 1,
      invoicedCharges: 0,
      userErrors: [],
    });
    expect(res.data.cancelSession.session.placesTaken).toBe(0);
    expect(res.data.cancelSession.session.cancelledAt).toBeTruthy();
    expect(
      await count(`select count(*) as n from reservations where session_id = $1 and status <> 'CANCELLED'`, [
        sessionId,
      ]),
    ).toBe(0);
    expect(
      await count(
        `select count(*) as n from charges c join reservations r on r.id = c.reservation_id where r.session_id = $1`,
        [sessionId],
      ),
    ).toBe(0);
    expect(
      await count(
        `select count(*) as n from waitlist_entries where session_id = $1 and status in ('WAITING', 'OFFERED')`,
        [sessionId],
      ),
    ).toBe(0);
    const notes = (
      await owner.query(
        `select family_id, message from notifications where session_id = $1 and kind = 'SESSION_CANCELLED'`,
        [sessionId],
      )
    ).rows;
    expect(notes.map((n) => n.family_id).sort()).toEqual(
      kids
        .slice(0, 3)
        .map((k) => k.familyId)
        .sort(),
    );
    expect(notes[0].message).toContain('grève du personnel');
    expect(await audits('SESSION_CANCELLED')).toBe(1);
    const replay = await app.gql(CANCEL, { i: input }, { token: agent });
    expect(replay.data.cancelSession.reservationsCancelled).toBe(2);
    const again = await app.gql(CANCEL, { i: { ...input, idempotencyKey: key() } }, { token: agent });
    expect(again.data.cancelSession.userErrors).toEqual([expect.objectContaining({ code: 'NOT_ALLOWED' })]);
    const book = await app.gql(
      RESERVE,
      {
        i: { childId: g('Child', kids[4].id), sessionIds: [g('Session', sessionId)], idempotencyKey: key() },
      },
      { token: agent },
    );
    expect(book.data.reserve.userErrors).toEqual([expect.objectContaining({ code: 'CLOSED' })]);
    expect(book.data.reserve.userErrors[0].message).toMatch(/annulée|cancelled/);
  });

  it('refuses to cancel a past session, writing nothing', async () => {
    const past = (
      await one(`select id from sessions where tenant_id = $1 and date = '2026-12-02' limit 1`, [tenantId])
    ).id;
    app.setNow('2026-12-03T08:00:00.000Z');
    try {
      const res = await app.gql(
        CANCEL,
        { i: { sessionId: g('Session', past), reason: 'x', idempotencyKey: key() } },
        { token: agent },
      );
      expect(res.data.cancelSession.userErrors).toEqual([
        expect.objectContaining({ code: 'NOT_ALLOWED', field: ['sessionId'] }),
      ]);
      expect((await one(`select cancelled_at from sessions where id = $1`, [past])).cancelled_at).toBeNull();
    } finally {
      app.setNow(NOW);
    }
  });

  it('archives a service only without bookings ahead, removing its empty sessions; archived, it leaves the catalogue', async () => {
    const booked = (
      await one(
        `select service_id from sessions s where tenant_id = $1 and date = '2026-12-09' and exists (select 1 from services v where v.id = s.service_id and v.kind = 'LEISURE_CENTRE' and v.name <> 'Été 2027')`,
        [tenantId],
      )
    ).service_id;
    const wed9 = (
      await one(`select id from sessions where service_id = $1 and date = '2026-12-09'`, [booked])
    ).id;
    const r = await app.gql(
      RESERVE,
      { i: { childId: g('Child', kids[5].id), sessionIds: [g('Session', wed9)], idempotencyKey: key() } },
      { token: agent },
    );
    expect(r.data.reserve.userErrors).toEqual([]);
    const sessionsBefore = await count(`select count(*) as n from sessions where service_id = $1`, [booked]);
    const refused = await app.gql(
      ARCHIVE_S,
      { i: { serviceId: g('Service', booked), idempotencyKey: key() } },
      { token: admin },
    );
    expect(refused.data.archiveService.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_ALLOWED', field: ['serviceId'] }),
    ]);
    expect(await count(`select count(*) as n from sessions where service_id = $1`, [booked])).toBe(
      sessionsBefore,
    );

    const res = await app.gql(ARCHIVE_S, { i: { serviceId, idempotencyKey: key() } }, { token: admin });
    expect(res.data.archiveService).toMatchObject({
      archivedServiceId: serviceId,
      sessionsRemoved: 0,
      userErrors: [],
    });
    const list = await app.gql(
      `{ services(first: 100, kind: LEISURE_CENTRE) { nodes { id } } }`,
      {},
      { token: admin },
    );
    expect(list.data.services.nodes.map((n: { id: string }) => n.id)).not.toContain(serviceId);
    const gen = await app.gql(
      `mutation($i: GenerateSessionsInput!) { generateSessions(input: $i) { created userErrors { code field } } }`,
      {
        i: {
          serviceId,
          from: '2027-07-05',
          to: '2027-07-09',
          weekdays: ['MONDAY'],
          period: 'FULL_DAY',
          idempotencyKey: key(),
        },
      },
      { token: admin },
    );
    expect(gen.data.generateSessions.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['serviceId'] }),
    ]);
    expect(await audits('SERVICE_ARCHIVED')).toBe(1);
  });
  it('archives a facility with its services only without bookings ahead, removing their empty sessions, audited and retry-safe', async () => {
    const ARCHIVE_F = `mutation($i: ArchiveFacilityInput!) { archiveFacility(input: $i) {
      archivedFacilityId sessionsRemoved userErrors { code field message } } }`;
    // The centre aéré of Bayssan: booked on the 9th (above).
    const bayssan = (
      await one(
        `select f.id from facilities f join services v on v.facility_id = f.id join sessions s on s.service_id = v.id
         join reservations r on r.session_id = s.id and r.status = 'BOOKED'
         where f.tenant_id = $1 and f.kind = 'LEISURE_CENTRE' limit 1`,
        [tenantId],
      )
    ).id as string;
    const sessionsOf = (facility: string) =>
      count(`select count(*) as n from sessions where facility_id = $1 and date >= '2026-12-01'`, [facility]);
    const bayssanSessions = await sessionsOf(bayssan);
    const refused = await app.gql(
      ARCHIVE_F,
      { i: { facilityId: g('Facility', bayssan), idempotencyKey: key() } },
      { token: admin },
    );
    expect(refused.data.archiveFacility).toEqual({
      archivedFacilityId: null,
      sessionsRemoved: null,
      userErrors: [expect.objectContaining({ code: 'NOT_ALLOWED', field: ['facilityId'] })],
    });
    expect(await sessionsOf(bayssan)).toBe(bayssanSessions);
    expect(await one(`select archived_at from facilities where id = $1`, [bayssan])).toEqual({
      archived_at: null,
    });

    // A school nobody booked yet: its canteen's sessions ahead go, the school and canteen are archived.
    const school = (
      await one(
        `select f.id from facilities f where f.tenant_id = $1 and f.kind = 'SCHOOL' and not exists (
           select 1 from reservations r join sessions s on s.id = r.session_id where s.facility_id = f.id)
         order by f.name limit 1`,
        [tenantId],
      )
    ).id as string;
    const ahead = await sessionsOf(school);
    expect(ahead).toBeGreaterThan(0);
    const input = { i: { facilityId: g('Facility', school), idempotencyKey: 'archive-school' } };
    const res = await app.gql(ARCHIVE_F, input, { token: admin });
    expect(res.data.archiveFacility).toEqual({
      archivedFacilityId: g('Facility', school),
      sessionsRemoved: ahead,
      userErrors: [],
    });
    expect(await sessionsOf(school)).toBe(0);
    expect(
      await count(`select count(*) as n from services where facility_id = $1 and archived_at is null`, [
        school,
      ]),
    ).toBe(0);
    const replay = await app.gql(ARCHIVE_F, input, { token: admin });
    expect(replay.data.archiveFacility).toEqual(res.data.archiveFacility);
    const list = await app.gql(
      `{ facilities(first: 100, kind: SCHOOL) { nodes { id } } }`,
      {},
      { token: admin },
    );
    expect(list.data.facilities.nodes).not.toContainEqual({ id: g('Facility', school) });
    const trail = await app.gql(
      `{ auditEvents(first: 5, filter: { action: "FACILITY_ARCHIVED" }) { nodes { actor before after details } } }`,
      {},
      { token: admin },
    );
    expect(trail.data.auditEvents.nodes).toEqual([
      expect.objectContaining({
        before: { archivedAt: null },
        after: { archivedAt: expect.any(String) },
        details: expect.objectContaining({ sessionsRemoved: ahead, services: [expect.any(String)] }),
      }),
    ]);
  });
});
