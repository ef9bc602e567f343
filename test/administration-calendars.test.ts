import type { Client } from 'pg';
import { openDays } from '../src/calendars/closures';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * A town prepares its school year through the API: closure periods of its own, and a year of
 * canteen lunches for all its 83 schools in one call, skipping public holidays, school holidays
 * and its closures, idempotent whatever the key. A Nîmes copy of its own, seeded on 30 November
 * 2026 with one week of sessions.
 */
describe('administration: calendars and session generation', () => {
  const SLUG = 'test-adm-calendars';
  const NOW = '2026-11-30T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let admin: string;
  let tenantId: string;
  let canteens: { id: string; facilityId: string }[];
  const g = (type: string, id: string) => toGlobalId(type, id);
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await owner.query(sql, params)).rows[0].n);
  const sessionsOf = (serviceId: string, from: string, to: string) =>
    count(
      `select count(*) as n from sessions where tenant_id = $1 and service_id = $2 and date between $3 and $4`,
      [tenantId, serviceId, from, to],
    );
  const auditCount = (action: string) =>
    count(`select count(*) as n from audit_events where tenant_id = $1 and action = $2`, [tenantId, action]);

  const GENERATE = `mutation($i: GenerateSessionsInput!) { generateSessions(input: $i) {
    created skipped services schoolHolidaysKnownUntil skippedDates { date reason name sessions }
    userErrors { code field message } } }`;
  const CLOSE = `mutation($i: CreateClosurePeriodInput!) { createClosurePeriod(input: $i) {
    closurePeriod { id name startsOn endsOn serviceKinds } sessionsRemoved sessionsKept userErrors { code field message } } }`;
  const REOPEN = `mutation($i: DeleteClosurePeriodInput!) { deleteClosurePeriod(input: $i) {
    deletedClosurePeriodId userErrors { code field message } } }`;
  const YEAR = { from: '2026-09-01', to: '2027-07-03' };
  const LUNCHES = { weekdays: ['MONDAY', 'TUESDAY', 'THURSDAY', 'FRIDAY'], period: 'LUNCH', capacity: 150 };

  beforeAll(async () => {
    tenantId = await seedTestTenant('nimes', { slug: SLUG, families: 40, seed: 1414 }, new Date(NOW), 1);
    owner = await rawClient('owner');
    canteens = (
      await owner.query(
        `select id, facility_id as "facilityId" from services where tenant_id = $1 and kind = 'CANTEEN' order by name, id`,
        [tenantId],
      )
    ).rows;
    app = await startTestApp();
    app.setNow(NOW);
    admin = await token(SLUG, Role.TENANT_ADMIN);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('refuses bad input with a code and a field, and writes nothing', async () => {
    const before = await count(`select count(*) as n from sessions where tenant_id = $1`, [tenantId]);
    const base = { serviceId: g('Service', canteens[0].id), ...YEAR, ...LUNCHES };
    const reversed = await app.gql(
      GENERATE,
      { i: { ...base, from: '2027-07-03', to: '2026-09-01', idempotencyKey: 'bad-1' } },
      { token: admin },
    );
    expect(reversed.data.generateSessions.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['to'] }),
    ]);
    const tooMany = await app.gql(
      GENERATE,
      { i: { ...base, capacity: -1, weekdays: [], idempotencyKey: 'bad-2' } },
      { token: admin },
    );
    expect(tooMany.data.generateSessions.userErrors.map((e: { field: string[] }) => e.field)).toEqual([
      ['weekdays'],
      ['capacity'],
    ]);
    // A facility of another tenant is not found here: its ID is valid, its row invisible.
    const nimes = await owner.query(
      `select f.id from facilities f join tenants t on t.id = f.tenant_id where t.slug = 'nimes' limit 1`,
    );
    const foreign = await app.gql(
      GENERATE,
      { i: { ...base, facilityIds: [g('Facility', nimes.rows[0].id)], idempotencyKey: 'bad-3' } },
      { token: admin },
    );
    expect(foreign.data.generateSessions.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['facilityIds', '0'] }),
    ]);
    const wrongType = await app.gql(
      GENERATE,
      { i: { ...base, serviceId: g('Facility', canteens[0].facilityId), idempotencyKey: 'bad-4' } },
      { token: admin },
    );
    expect(wrongType.data.generateSessions.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['serviceId'] }),
    ]);
    const agent = await app.gql(
      GENERATE,
      { i: { ...base, idempotencyKey: 'bad-5' } },
      { token: await token(SLUG, Role.AGENT) },
    );
    expect(agent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await count(`select count(*) as n from sessions where tenant_id = $1`, [tenantId])).toBe(before);
    expect(await auditCount('SESSIONS_GENERATED')).toBe(0);
  });

  it('generates a school year of lunches for 83 schools in one call, skipping every closed day', async () => {
    const [first, ...others] = canteens;
    const seeded = await sessionsOf(first.id, YEAR.from, YEAR.to);
    const seededInYear = await count(
      `select count(*) as n from sessions s where s.tenant_id = $1 and s.date between $2 and $3
       and s.service_id in (select id from services where tenant_id = $1 and kind = 'CANTEEN')`,
      [tenantId, YEAR.from, YEAR.to],
    );
    const started = Date.now();
    const res = await app.gql(
      GENERATE,
      {
        i: {
          serviceId: g('Service', first.id),
          facilityIds: others.map((c) => g('Facility', c.facilityId)),
          ...YEAR,
          ...LUNCHES,
          idempotencyKey: 'year-1',
        },
      },
      { token: admin },
    );
    const elapsed = Date.now() - started;
    const payload = res.data.generateSessions;
    expect(payload.userErrors).toEqual([]);
    expect(payload.services).toBe(83);
    expect(elapsed).toBeLessThan(10_000);

    // What the calendars module says is open, for one canteen: exactly that, no more, no less.
    const open = openDays(
      YEAR.from,
      YEAR.to,
      [1, 2, 4, 5],
      { holidayRegion: 'FR', schoolCalendar: 'FR-C' },
      { closedOnPublicHolidays: true, closedOnSchoolHolidays: true },
    );
    expect(open.length).toBeGreaterThan(130);
    const { rows } = await owner.query(
      `select to_char(date, 'YYYY-MM-DD') as date from sessions where tenant_id = $1 and service_id = $2
       and date between $3 and $4 and period = 'LUNCH' order by date`,
      [tenantId, first.id, YEAR.from, YEAR.to],
    );
    expect(rows.map((r) => r.date)).toEqual(open);
    const canteenSessions = () =>
      count(
        `select count(*) as n from sessions s where s.tenant_id = $1 and s.date between $2 and $3
         and s.service_id in (select id from services where tenant_id = $1 and kind = 'CANTEEN')`,
        [tenantId, YEAR.from, YEAR.to],
      );
    expect(await canteenSessions()).toBe(83 * open.length);
    expect(payload.created).toBe(83 * open.length - seededInYear);
    expect(seeded).toBeGreaterThan(0);
    const reasons = new Map(payload.skippedDates.map((d: { date: string; reason: string }) => [d.date, d]));
    expect(reasons.get('2026-12-25')).toEqual({
      date: '2026-12-25',
      reason: 'PUBLIC_HOLIDAY',
      name: 'Noël',
      sessions: 83,
    });
    expect(reasons.get('2026-12-22')).toEqual({
      date: '2026-12-22',
      reason: 'SCHOOL_HOLIDAY',
      name: expect.stringMatching(/Noël/),
      sessions: 83,
    });
    expect(reasons.get('2027-05-06')).toEqual({
      date: '2027-05-06',
      reason: 'PUBLIC_HOLIDAY',
      name: 'Ascension',
      sessions: 83,
    });
    expect(payload.schoolHolidaysKnownUntil).toBeNull();
    expect(await auditCount('SESSIONS_GENERATED')).toBe(1);

    // Another key: nothing twice; every date reported as existing.
    const again = await app.gql(
      GENERATE,
      {
        i: {
          serviceId: g('Service', first.id),
          facilityIds: others.map((c) => g('Facility', c.facilityId)),
          ...YEAR,
          ...LUNCHES,
          idempotencyKey: 'year-2',
        },
      },
      { token: admin },
    );
    expect(again.data.generateSessions.created).toBe(0);
    expect(again.data.generateSessions.skipped).toBe(payload.skipped + payload.created);
    expect(await sessionsOf(first.id, YEAR.from, YEAR.to)).toBe(open.length);

    // The same key again: the first answer, replayed.
    const replay = await app.gql(
      GENERATE,
      {
        i: {
          serviceId: g('Service', first.id),
          facilityIds: others.map((c) => g('Facility', c.facilityId)),
          ...YEAR,
          ...LUNCHES,
          idempotencyKey: 'year-1',
        },
      },
      { token: admin },
    );
    expect(replay.data.generateSessions.created).toBe(payload.created);
    expect(await auditCount('SESSIONS_GENERATED')).toBe(2);
  });

  it('says when the range runs past the school holidays it knows', async () => {
    const res = await app.gql(
      GENERATE,
      {
        i: {
          serviceId: g('Service', canteens[1].id),
          from: '2027-09-01',
          to: '2028-07-05',
          ...LUNCHES,
          idempotencyKey: 'next-year',
        },
      },
      { token: admin },
    );
    expect(res.data.generateSessions.created).toBeGreaterThan(100);
    expect(res.data.generateSessions.schoolHolidaysKnownUntil).toBe('2027-08-31');
  });

  it('closes a facility for works: empty sessions go, booked ones stay, none can be created after', async () => {
    const target = canteens[2];
    const booked = (
      await owner.query(
        `select s.id, to_char(s.date, 'YYYY-MM-DD') as date from sessions s where s.tenant_id = $1 and s.service_id = $2
         and exists (select 1 from reservations r where r.tenant_id = s.tenant_id and r.session_id = s.id) order by s.date limit 1`,
        [tenantId, target.id],
      )
    ).rows[0] as { id: string; date: string } | undefined;
    const from = '2027-03-01';
    const to = '2027-03-12';
    const before = await sessionsOf(target.id, from, to);
    expect(before).toBe(8);

    const refused = await app.gql(
      CLOSE,
      {
        i: { name: '  ', from, to, facilityId: g('Facility', target.facilityId), idempotencyKey: 'close-0' },
      },
      { token: admin },
    );
    expect(refused.data.createClosurePeriod.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['name'] }),
    ]);
    expect(await count(`select count(*) as n from closure_periods where tenant_id = $1`, [tenantId])).toBe(0);
    expect(await sessionsOf(target.id, from, to)).toBe(8);

    const closed = await app.gql(
      CLOSE,
      {
        i: {
          name: 'Travaux du réfectoire',
          from,
          to,
          facilityId: g('Facility', target.facilityId),
          serviceKinds: ['CANTEEN'],
          idempotencyKey: 'close-1',
        },
      },
      { token: admin },
    );
    const payload = closed.data.createClosurePeriod;
    expect(payload.userErrors).toEqual([]);
    expect(payload).toMatchObject({ sessionsRemoved: 8, sessionsKept: 0 });
    expect(payload.closurePeriod).toMatchObject({
      name: 'Travaux du réfectoire',
      startsOn: from,
      endsOn: to,
    });
    expect(await sessionsOf(target.id, from, to)).toBe(0);
    // Another school keeps its lunches.
    expect(await sessionsOf(canteens[3].id, from, to)).toBe(8);

    const regenerate = await app.gql(
      GENERATE,
      { i: { serviceId: g('Service', target.id), from, to, ...LUNCHES, idempotencyKey: 'after-close' } },
      { token: admin },
    );
    expect(regenerate.data.generateSessions).toMatchObject({ created: 0, skipped: 8 });
    expect(regenerate.data.generateSessions.skippedDates[0]).toMatchObject({
      reason: 'CLOSURE',
      name: 'Travaux du réfectoire',
    });
    // PostgreSQL itself refuses a session on a closed day, whoever writes it.
    await expect(
      owner.query(
        `insert into sessions (id, tenant_id, service_id, facility_id, date, period, capacity)
         values (gen_random_uuid(), $1, $2, $3, '2027-03-02', 'LUNCH', 10)`,
        [tenantId, target.id, target.facilityId],
      ),
    ).rejects.toThrow(/closed on 2027-03-02 \(Travaux du réfectoire\)/);
    // A booked session in a closure is kept (cancelSession is the way to close it).
    if (booked) {
      const keep = await app.gql(
        CLOSE,
        { i: { name: 'Grève', from: booked.date, to: booked.date, idempotencyKey: 'close-2' } },
        { token: admin },
      );
      expect(keep.data.createClosurePeriod.sessionsKept).toBeGreaterThanOrEqual(1);
      expect(await count(`select count(*) as n from sessions where id = $1`, [booked.id])).toBe(1);
    }

    const reopen = await app.gql(
      REOPEN,
      { i: { closurePeriodId: payload.closurePeriod.id, idempotencyKey: 'reopen-1' } },
      { token: admin },
    );
    expect(reopen.data.deleteClosurePeriod).toEqual({
      deletedClosurePeriodId: payload.closurePeriod.id,
      userErrors: [],
    });
    const after = await app.gql(
      GENERATE,
      { i: { serviceId: g('Service', target.id), from, to, ...LUNCHES, idempotencyKey: 'after-reopen' } },
      { token: admin },
    );
    expect(after.data.generateSessions.created).toBe(8);
    const trail = await owner.query(
      `select action, details from audit_events where tenant_id = $1 and action like 'CLOSURE_PERIOD_%' order by action, details->'after'->>'name'`,
      [tenantId],
    );
    expect(trail.rows.find((r) => r.details.after?.name === 'Travaux du réfectoire')).toMatchObject({
      action: 'CLOSURE_PERIOD_CREATED',
      details: {
        before: null,
        after: { name: 'Travaux du réfectoire', from, to, serviceKinds: ['CANTEEN'] },
      },
    });
    expect(trail.rows.at(-1)).toMatchObject({
      action: 'CLOSURE_PERIOD_DELETED',
      details: { before: { name: 'Travaux du réfectoire' }, after: null },
    });
  });

  it('raises a capacity, and refuses to lower it below the places taken, naming them', async () => {
    const CAPACITY = `mutation($i: SetSessionCapacityInput!) { setSessionCapacity(input: $i) {
      session { id capacity placesTaken placesLeft } userErrors { code field message } } }`;
    const { rows } = await owner.query(
      `select id, capacity from sessions where tenant_id = $1 and service_id = $2 and date = '2027-03-15'`,
      [tenantId, canteens[5].id],
    );
    const session = rows[0] as { id: string; capacity: number };
    // Seven places booked (as reservations would have taken them).
    await owner.query(`update sessions set places_taken = 7 where id = $1`, [session.id]);
    const lower = await app.gql(
      CAPACITY,
      { i: { sessionId: g('Session', session.id), capacity: 5, idempotencyKey: 'cap-1' } },
      { token: admin },
    );
    expect(lower.data.setSessionCapacity).toEqual({
      session: null,
      userErrors: [
        {
          code: 'INVALID',
          field: ['capacity'],
          message: '7 places sont prises : la capacité ne peut pas descendre sous 7.',
        },
      ],
    });
    expect(
      (await owner.query(`select capacity from sessions where id = $1`, [session.id])).rows[0].capacity,
    ).toBe(session.capacity);
    const raise = await app.gql(
      CAPACITY,
      {
        i: { sessionId: g('Session', session.id), capacity: session.capacity + 20, idempotencyKey: 'cap-2' },
      },
      { token: admin },
    );
    expect(raise.data.setSessionCapacity.session).toEqual({
      id: g('Session', session.id),
      capacity: session.capacity + 20,
      placesTaken: 7,
      placesLeft: session.capacity + 13,
    });
    const trail = await owner.query(
      `select details from audit_events where tenant_id = $1 and action = 'SESSION_CAPACITY_CHANGED'`,
      [tenantId],
    );
    expect(trail.rows.map((r) => r.details)).toEqual([
      { before: { capacity: session.capacity }, after: { capacity: session.capacity + 20 }, placesTaken: 7 },
    ]);
  });
});
