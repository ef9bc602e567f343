import type { Client } from 'pg';
import { Scope } from '../src/auth/viewer';
import { fromGlobalId, toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { apiKey, seedTestTenant } from './support/tenants';

/**
 * The caterer's feed, as the Nîmes caterer's script reads it: a grid of meals per school, date
 * and diet over a range, zeros included, each count saying whether it comes from reservations,
 * from the roll call or — in WALK_IN mode, where nobody books — from a forecast of recent roll
 * calls. The tenant is a copy of Nîmes (83 schools, WALK_IN) seeded on Wednesday 4 November 2026;
 * its history is taken through the API, roll call by roll call, on the days it happened.
 */
const SLUG = 'test-meals';
const SEEDED_ON = new Date('2026-11-04T09:00:00Z');
const TODAY = '2026-12-10'; // a Thursday
const DIETS = ['STANDARD', 'NO_PORK', 'VEGETARIAN', 'ALLERGY_PLAN'];
const lunch = (date: string) => `${date}T12:00:00+01:00`;

interface School {
  uuid: string;
  id: string;
  name: string;
  nationalCode: string;
  kids: string[];
}

/** School A's roll calls (indexes into its pupils): four Thursdays and two Fridays counted. */
const HISTORY: [string, number[]][] = [
  ['2026-11-05', [0, 1, 2, 3, 4, 5, 6, 7]], // a fifth Thursday back: not used
  ['2026-11-12', [0, 1, 2, 3, 4, 5]],
  ['2026-11-19', [0, 1, 2, 3]],
  ['2026-11-26', [2, 3, 4, 5, 6, 7]],
  ['2026-11-27', [0, 1, 2]],
  ['2026-12-03', [0, 1, 2, 3, 4]],
  ['2026-12-04', [0, 1, 2, 3, 4, 5]],
];
/** Pupils 0 and 1 are vegetarian, 2 eats no pork, the others the standard menu. */
const DIET_OF = (index: number) => (index < 2 ? 'VEGETARIAN' : index === 2 ? 'NO_PORK' : 'STANDARD');

const QUERY = `query($from: LocalDate, $to: LocalDate, $ids: [ID!]) {
  mealCounts(from: $from, to: $to, facilityIds: $ids) {
    date facilityId facilityName nationalCode diet count source basis booked eaten walkIns } }`;

describe("the caterer's feed: mealCounts per school, date and diet", () => {
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let agent: string;
  let A: School, B: School, C: School;

  const gql = (query: string, variables: Record<string, unknown> = {}, as = agent) =>
    app.gql(query, variables, { token: as, headers: { 'x-tenant': SLUG } });

  const sessionOf = async (school: School, date: string) => {
    const { rows } = await owner.query(
      `select s.id from sessions s join services sv on sv.id = s.service_id and sv.kind = 'CANTEEN'
       where s.tenant_id = $1 and s.facility_id = $2 and s.date = $3`,
      [tenantId, school.uuid, date],
    );
    expect(rows).toHaveLength(1);
    return toGlobalId('Session', rows[0].id);
  };

  const roll = async (school: School, date: string, present: string[]) => {
    app.setNow(lunch(date));
    const res = await gql(
      `mutation($input: RecordAttendanceInput!) { recordAttendance(input: $input) { userErrors { code message } } }`,
      {
        input: {
          sessionId: await sessionOf(school, date),
          present,
          absent: [],
          idempotencyKey: `roll-${school.uuid}-${date}`,
        },
      },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.recordAttendance.userErrors).toEqual([]);
  };

  const book = async (school: School, date: string, kids: string[]) => {
    const sessionId = await sessionOf(school, date);
    for (const childId of kids) {
      const res = await gql(
        `mutation($input: ReserveInput!) { reserve(input: $input) { userErrors { code message } } }`,
        { input: { childId, sessionIds: [sessionId], idempotencyKey: `book-${childId}-${date}` } },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data.reserve.userErrors).toEqual([]);
    }
  };

  const counts = async (from: string, to: string, ids?: string[]) => {
    const res = await gql(QUERY, { from, to, ids });
    expect(res.errors).toBeUndefined();
    return res.data.mealCounts as Record<string, any>[];
  };
  /** The four rows of a school on a date, as diet → [count, source, basis]. */
  const day = (rows: Record<string, any>[], school: School, date: string) =>
    Object.fromEntries(
      rows
        .filter((r) => r.facilityId === school.id && r.date === date)
        .map((r) => [r.diet, [r.count, r.source, r.basis]]),
    );

  beforeAll(async () => {
    app = await startTestApp();
    owner = await rawClient('owner');
    tenantId = await seedTestTenant('nimes', { slug: SLUG }, SEEDED_ON, 7);
    agent = await token(SLUG, Role.AGENT);
    // The forecasts below rest only on the roll calls this suite takes.
    const { rows: taken } = await owner.query(
      `select count(*)::int as n from reservations where tenant_id = $1 and attendance_recorded_at is not null`,
      [tenantId],
    );
    expect(taken[0].n).toBe(0);

    const { rows: schools } = await owner.query(
      `select f.id, f.name, f.national_code, array_agg(c.id order by c.id) as kids
       from facilities f join children c on c.tenant_id = f.tenant_id and c.school_id = f.id
       where f.tenant_id = $1 and f.kind = 'SCHOOL'
       group by f.id order by count(c.id) desc, f.id limit 3`,
      [tenantId],
    );
    [A, B, C] = schools.map((s) => ({
      uuid: s.id,
      id: toGlobalId('Facility', s.id),
      name: s.name,
      nationalCode: s.national_code,
      kids: (s.kids as string[]).map((k) => toGlobalId('Child', k)),
    }));
    expect(A.kids.length).toBeGreaterThanOrEqual(8);
    const { rows: aKids } = await owner.query(`select id from children where school_id = $1 order by id`, [
      A.uuid,
    ]);
    for (const [i, kid] of aKids.entries()) {
      await owner.query(`update children set diet = $2 where id = $1`, [kid.id, DIET_OF(i)]);
    }
    const { rows: bKids } = await owner.query(
      `select id from children where school_id = $1 order by id limit 3`,
      [B.uuid],
    );
    for (const [i, kid] of bKids.entries()) {
      await owner.query(`update children set diet = $2 where id = $1`, [
        kid.id,
        i === 0 ? 'ALLERGY_PLAN' : 'STANDARD',
      ]);
    }

    for (const [date, present] of HISTORY)
      await roll(
        A,
        date,
        present.map((i) => A.kids[i]),
      );

    app.setNow(lunch(TODAY));
    // School B's canteen takes bookings again (its service back to NORMAL); three pupils book a Monday.
    const { rows: services } = await owner.query(
      `select id from services where facility_id = $1 and kind = 'CANTEEN'`,
      [B.uuid],
    );
    const switched = await gql(
      `mutation($input: SetOperatingModeInput!) { setOperatingMode(input: $input) { userErrors { code } } }`,
      { input: { serviceId: toGlobalId('Service', services[0].id), mode: 'NORMAL', reason: 'Test' } },
      await token(SLUG, Role.TENANT_ADMIN),
    );
    expect(switched.data.setOperatingMode.userErrors).toEqual([]);
    await book(B, '2026-12-14', B.kids.slice(0, 3));
    // At school C (still WALK_IN) an agent books two pupils at the counter for a Tuesday.
    await book(C, '2026-12-15', C.kids.slice(0, 2));
  }, 180_000);

  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('gives every school with a canteen a row per open day and diet, zeros included, with its national code', async () => {
    const rows = await counts('2026-12-03', '2026-12-17');
    const { rows: sessions } = await owner.query(
      `select distinct s.facility_id, s.date::text as date from sessions s
       join services sv on sv.id = s.service_id and sv.kind = 'CANTEEN'
       where s.tenant_id = $1 and s.date between '2026-12-03' and '2026-12-17'`,
      [tenantId],
    );
    expect(new Set(sessions.map((s) => s.facility_id)).size).toBe(83);
    expect(rows).toHaveLength(sessions.length * 4);
    // A stable grid, by date then school (by name, in the database's collation): each school-day
    // is four consecutive rows, one per diet in the enum's order, and the schools come in the same
    // order every day.
    const dates = rows.map((r) => r.date);
    expect(dates).toEqual([...dates].sort());
    const order = new Map<string, string[]>();
    for (let i = 0; i < rows.length; i += 4) {
      const group = rows.slice(i, i + 4);
      expect(group.map((r) => r.diet)).toEqual(DIETS);
      expect(new Set(group.map((r) => `${r.date} ${r.facilityId}`)).size).toBe(1);
      order.set(group[0].date, [...(order.get(group[0].date) ?? []), group[0].facilityName]);
    }
    const everyDay = [...order.values()].filter((names) => names.length === 83);
    expect(everyDay.length).toBeGreaterThan(1);
    for (const names of everyDay) expect(names).toEqual(everyDay[0]);
    expect(new Set(rows.map((r) => r.date))).toEqual(
      new Set([
        '2026-12-03',
        '2026-12-04',
        '2026-12-07',
        '2026-12-08',
        '2026-12-10',
        '2026-12-11',
        '2026-12-14',
        '2026-12-15',
        '2026-12-17',
      ]),
    );
    for (const r of rows) expect(r.nationalCode).toMatch(/^030[0-9]{4}[A-Z]$/);
    expect(rows.find((r) => r.facilityId === A.id)).toMatchObject({
      facilityName: A.name,
      nationalCode: A.nationalCode,
    });
    // A school nobody booked and whose roll was never taken: zeros, forecast from nothing.
    const quiet = rows.filter((r) => ![A.id, B.id, C.id].includes(r.facilityId));
    expect(quiet.length).toBeGreaterThan(0);
    for (const r of quiet) expect([r.count, r.source, r.basis]).toEqual([0, 'FORECAST', 0]);
  });

  it('uses the roll call for past days whose roll was taken, walk-ins included', async () => {
    const rows = await counts('2026-12-03', '2026-12-04', [A.id]);
    expect(day(rows, A, '2026-12-03')).toEqual({
      STANDARD: [2, 'ATTENDANCE', null],
      NO_PORK: [1, 'ATTENDANCE', null],
      VEGETARIAN: [2, 'ATTENDANCE', null],
      ALLERGY_PLAN: [0, 'ATTENDANCE', null],
    });
    expect(day(rows, A, '2026-12-04')).toEqual({
      STANDARD: [3, 'ATTENDANCE', null],
      NO_PORK: [1, 'ATTENDANCE', null],
      VEGETARIAN: [2, 'ATTENDANCE', null],
      ALLERGY_PLAN: [0, 'ATTENDANCE', null],
    });
    const standard = rows.find((r) => r.date === '2026-12-04' && r.diet === 'STANDARD')!;
    expect([standard.booked, standard.eaten, standard.walkIns]).toEqual([0, 3, 3]);
  });

  it('forecasts WALK_IN days from the last four roll calls of the same weekday, saying on how many', async () => {
    const rows = await counts('2026-12-07', '2026-12-17', [A.id, C.id]);
    // Thursdays 12, 19, 26 November and 3 December (not the 5th): standard 3, 1, 5, 2 → 2.75 → 3.
    const thursday = {
      STANDARD: [3, 'FORECAST', 4],
      NO_PORK: [1, 'FORECAST', 4],
      VEGETARIAN: [2, 'FORECAST', 4],
      ALLERGY_PLAN: [0, 'FORECAST', 4],
    };
    expect(day(rows, A, '2026-12-10')).toEqual(thursday);
    expect(day(rows, A, '2026-12-17')).toEqual(thursday);
    // Two Fridays only: standard 0 and 3 → 2.
    expect(day(rows, A, '2026-12-11')).toEqual({
      STANDARD: [2, 'FORECAST', 2],
      NO_PORK: [1, 'FORECAST', 2],
      VEGETARIAN: [2, 'FORECAST', 2],
      ALLERGY_PLAN: [0, 'FORECAST', 2],
    });
    // No Monday roll call ever: 0, on no basis — past (7th) or future (14th) alike.
    for (const date of ['2026-12-07', '2026-12-14']) {
      expect(Object.values(day(rows, A, date))).toEqual(DIETS.map(() => [0, 'FORECAST', 0]));
    }
    // Never fewer than the children booked at the counter.
    const booked = day(rows, C, '2026-12-15');
    const cDiets = await owner.query(`select diet from children where id = any($1::uuid[])`, [
      uuids(C.kids.slice(0, 2)),
    ]);
    for (const diet of DIETS) {
      const n = cDiets.rows.filter((r) => r.diet === diet).length;
      expect(booked[diet]).toEqual([n, 'FORECAST', 0]);
    }

    // Today's roll call turns today's forecast into attendance.
    await roll(A, TODAY, [A.kids[3]]);
    app.setNow(lunch(TODAY));
    const after = await counts(TODAY, TODAY, [A.id]);
    expect(day(after, A, TODAY)).toEqual({
      STANDARD: [1, 'ATTENDANCE', null],
      NO_PORK: [0, 'ATTENDANCE', null],
      VEGETARIAN: [0, 'ATTENDANCE', null],
      ALLERGY_PLAN: [0, 'ATTENDANCE', null],
    });
  });

  it('counts reservations by diet where the canteen takes bookings', async () => {
    const rows = await counts('2026-12-14', '2026-12-15', [B.id]);
    expect(day(rows, B, '2026-12-14')).toEqual({
      STANDARD: [2, 'RESERVATIONS', null],
      NO_PORK: [0, 'RESERVATIONS', null],
      VEGETARIAN: [0, 'RESERVATIONS', null],
      ALLERGY_PLAN: [1, 'RESERVATIONS', null],
    });
    expect(Object.values(day(rows, B, '2026-12-15'))).toEqual(DIETS.map(() => [0, 'RESERVATIONS', null]));
    expect(rows.filter((r) => r.date === '2026-12-14').map((r) => r.booked)).toEqual([2, 0, 0, 1]);
  });

  it('limits the range to 31 days and wants both ends', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ from: '2026-12-01', to: '2027-01-01' }, ['to']],
      [{ from: '2026-12-10', to: '2026-12-09' }, ['to']],
      [{ from: '2026-12-10' }, ['to']],
      [{}, ['from']],
    ];
    for (const [variables, field] of cases) {
      const res = await gql(QUERY, variables);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(res.data).toBeNull();
    }
    const both = await gql(
      `{ mealCounts(date: "2026-12-10", from: "2026-12-10", to: "2026-12-10") { count } }`,
    );
    expect(both.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['date'] });
    // A whole month of every school is one call within the cost limit.
    const month = await gql(
      `{ mealCounts(from: "2026-11-20", to: "2026-12-20") { date facilityId nationalCode diet count source basis } }`,
    );
    expect(month.errors).toBeUndefined();
    expect(month.data.mealCounts.length).toBeGreaterThan(83 * 4 * 15);
    expect(month.extensions.cost.requestedQueryCost).toBeLessThanOrEqual(
      month.extensions.cost.maximumAvailable,
    );
  });

  it('keeps the deprecated one-day form: the same grid for one date and school', async () => {
    const res = await gql(
      `query($f: ID) { mealCounts(date: "2026-12-10", facilityId: $f) { date facilityId diet count source basis } }`,
      { f: A.id },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.mealCounts).toEqual(
      (
        await gql(
          `query($f: [ID!]) { mealCounts(from: "2026-12-10", to: "2026-12-10", facilityIds: $f) { date facilityId diet count source basis } }`,
          { f: [A.id] },
        )
      ).data.mealCounts,
    );
    expect(res.data.mealCounts).toHaveLength(4);
  });

  it('filters by school, in as few statements for 83 schools as for one', async () => {
    const statements = async (ids?: string[]) => {
      const requestId = `meals-${ids?.length ?? 'all'}`;
      const res = await app.gql(
        QUERY,
        { from: '2026-12-03', to: '2026-12-17', ids },
        { token: agent, headers: { 'x-tenant': SLUG, 'x-request-id': requestId } },
      );
      expect(res.errors).toBeUndefined();
      return {
        rows: res.data.mealCounts as { facilityId: string }[],
        count: app.statementsFor(requestId).length,
      };
    };
    const two = await statements([A.id, B.id]);
    expect(new Set(two.rows.map((r) => r.facilityId))).toEqual(new Set([A.id, B.id]));
    const all = await statements();
    expect(all.count).toBe(two.count);
    const ours = app.statementsFor('meals-all').filter((sql) => /^with (canteen|taken) as/.test(sql));
    expect(ours).toHaveLength(2); // the grid, then the roll calls the forecasts rest on
    expect(new Set(all.rows.map((r) => r.facilityId)).size).toBe(83);
    expect((await statements([])).rows).toEqual([]);
  });

  it("is read by a caterer's meals:read key, which also maps schools to national codes; other keys are refused", async () => {
    const caterer = await apiKey([tenantId], [Scope.MEALS_READ], 'Caterer');
    const res = await gql(
      `query($ids: [ID!]) {
        facilities(first: 100, kind: SCHOOL) { totalCount nodes { id name nationalCode } }
        mealCounts(from: "2026-12-10", to: "2026-12-11", facilityIds: $ids) { facilityId nationalCode diet count source } }`,
      { ids: [A.id] },
      caterer,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.facilities.totalCount).toBe(83);
    const codes = res.data.facilities.nodes.map((f: { nationalCode: string }) => f.nationalCode);
    expect(new Set(codes).size).toBe(83);
    expect(res.data.facilities.nodes).toContainEqual({
      id: A.id,
      name: A.name,
      nationalCode: A.nationalCode,
    });
    expect(res.data.mealCounts).toHaveLength(8);

    const menus = await apiKey([tenantId], [Scope.CATALOG_READ], 'Menus');
    const refused = await gql(`{ mealCounts(from: "2026-12-10", to: "2026-12-10") { count } }`, {}, menus);
    expect(refused.status).toBe(200);
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      field: 'Query.mealCounts',
      requiredScopes: ['meals:read'],
    });
    expect(refused.errors?.[0].message).toContain('meals:read');
  });

  it('stores only well-formed national codes (UAI: seven digits and their check letter)', async () => {
    const { rows: facility } = await owner.query(`select national_code from facilities where id = $1`, [
      C.uuid,
    ]);
    for (const bad of ['0300123', '030012AB', '0301001B', 'ABCDEFGH', '0301001a']) {
      await expect(
        owner.query(`update facilities set national_code = $2 where id = $1`, [C.uuid, bad]),
      ).rejects.toMatchObject({ code: '23514', constraint: 'facilities_national_code_uai' });
    }
    const { rows: after } = await owner.query(`select national_code from facilities where id = $1`, [C.uuid]);
    expect(after).toEqual(facility);
    // Unique within the tenant; a valid code of one's own, or none, is accepted.
    await expect(
      owner.query(`update facilities set national_code = $2 where id = $1`, [C.uuid, A.nationalCode]),
    ).rejects.toMatchObject({ code: '23505' });
    await owner.query(`update facilities set national_code = '0750654D' where id = $1`, [C.uuid]);
    await owner.query(`update facilities set national_code = $2 where id = $1`, [C.uuid, C.nationalCode]);
  });
});

const uuids = (ids: string[]) => ids.map((id) => fromGlobalId(id)!.id);
