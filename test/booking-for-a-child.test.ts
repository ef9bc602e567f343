import fc from 'fast-check';
import type { Client } from 'pg';
import { eligibleSessions, ineligibility, type ChildFacts } from '../src/facilities/eligibility';
import { Audience } from '../src/facilities/service.entity';
import { fromGlobalId, toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * A parents' portal builds its booking page from the API alone: the sessions this child may
 * attend from today, whether each can be booked now and why not, and a booking that cannot put a
 * child where it does not belong (another school's canteen, a crèche at 8, two places at once).
 * A Béziers copy of its own, on Tuesday 1 December 2026 at 09:00 in Béziers.
 */
describe('booking for a child', () => {
  const SLUG = 'test-child-booking';
  const NOW = '2026-12-01T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let agent: string;
  let tenantId: string;
  /** A pupil of a school with a canteen, aged 6 to 10, and their family. */
  let pupil: { id: string; familyId: string; schoolId: string; birthDate: string };

  const RESERVE = `mutation($input: ReserveInput!) { reserve(input: $input) {
    reservations { id session { id date } }
    userErrors { field code message reason opensAt closesAt placesLeft holiday relatedId } } }`;
  const LIST = `query($f: SessionFilter, $child: ID) { sessions(first: 100, filter: $f) { nodes {
    id date period service { kind } facility { id }
    bookingStatus booking(childId: $child) { status reason opensAt closesAt placesLeft ageMonths } } } }`;
  const g = (type: string, id: string) => toGlobalId(type, id);
  const count = async (sql: string, params: unknown[]) => Number((await owner.query(sql, params)).rows[0].n);

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'beziers',
      { slug: SLUG, families: 60, seed: 777, childAges: [0, 11] },
      new Date(NOW),
      6,
    );
    owner = await rawClient('owner');
    const { rows } = await owner.query(
      `select c.id, c.family_id as "familyId", c.school_id as "schoolId", to_char(c.birth_date, 'YYYY-MM-DD') as "birthDate"
       from children c join facilities f on f.tenant_id = c.tenant_id and f.id = c.school_id
       where c.tenant_id = $1 and f.kind = 'SCHOOL' and c.birth_date between '2016-06-01' and '2020-06-01'
       order by c.id limit 1`,
      [tenantId],
    );
    pupil = rows[0];
    app = await startTestApp();
    app.setNow(NOW);
    agent = await token(SLUG, Role.AGENT);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  const parentOf = (familyId: string) => token(SLUG, Role.PARENT, g('Family', familyId));

  it('lists from today only the sessions this child may attend, each with whether it can be booked now', async () => {
    const parent = await parentOf(pupil.familyId);
    const res = await app.gql(
      LIST,
      { f: { childId: g('Child', pupil.id) }, child: g('Child', pupil.id) },
      { token: parent },
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data.sessions.nodes as any[];
    expect(nodes.length).toBeGreaterThan(5);
    // From today, its own school's canteen and the leisure centre (6 to 10 years old), never a crèche.
    expect(nodes.every((n) => n.date >= '2026-12-01')).toBe(true);
    expect(new Set(nodes.map((n) => n.service.kind))).toEqual(new Set(['CANTEEN', 'LEISURE_CENTRE']));
    expect(
      nodes
        .filter((n) => n.service.kind === 'CANTEEN')
        .every((n) => n.facility.id === g('Facility', pupil.schoolId)),
    ).toBe(true);
    const on = (date: string, kind: string) => nodes.find((n) => n.date === date && n.service.kind === kind)!;
    // Thursday 3rd closed two working days before at 09:00 — now; Friday 4th is open.
    expect(on('2026-12-03', 'CANTEEN').booking).toMatchObject({
      status: 'CLOSED',
      reason: 'BOOKING_WINDOW',
      closesAt: '2026-12-01T08:00:00.000Z',
    });
    expect(on('2026-12-04', 'CANTEEN').booking).toMatchObject({ status: 'OPEN', reason: null });
    // The Wednesday centre opens 30 days before: 6 January 2027 opens on 7 December at 00:00.
    expect(on('2027-01-06', 'LEISURE_CENTRE').booking).toMatchObject({
      status: 'NOT_YET_OPEN',
      opensAt: '2026-12-06T23:00:00.000Z',
    });
    // What is OPEN books; then it reads ALREADY_BOOKED.
    const booked = await app.gql(
      RESERVE,
      {
        input: {
          childId: g('Child', pupil.id),
          sessionIds: [on('2026-12-04', 'CANTEEN').id],
          idempotencyKey: 'portal-1',
        },
      },
      { token: parent },
    );
    expect(booked.data.reserve.userErrors).toEqual([]);
    const again = await app.gql(
      LIST,
      {
        f: { childId: g('Child', pupil.id), from: '2026-12-04', to: '2026-12-04' },
        child: g('Child', pupil.id),
      },
      { token: parent },
    );
    expect(again.data.sessions.nodes[0].booking.status).toBe('ALREADY_BOOKED');
    // Without childId, bookingStatus decides for the child the sessions were listed for.
    expect(again.data.sessions.nodes[0].bookingStatus).toBe('ALREADY_BOOKED');
  });

  it('says FULL with no place left, and NOT_ELIGIBLE for a service the child may not attend', async () => {
    const parent = await parentOf(pupil.familyId);
    const list = async (child: string) => {
      const res = await app.gql(
        `query($f: SessionFilter, $child: ID) { sessions(first: 100, filter: $f) { nodes {
          id service { kind } facility { id } booking(childId: $child) { status reason placesLeft } } } }`,
        { f: { from: '2026-12-07', to: '2026-12-11' }, child },
        { token: agent },
      );
      expect(res.errors).toBeUndefined();
      return res.data.sessions.nodes as any[];
    };
    const nodes = await list(g('Child', pupil.id));
    // A crèche session of that week: never for a pupil.
    const creche = nodes.find((n) => n.service.kind === 'NURSERY');
    expect(creche.booking).toMatchObject({ status: 'NOT_ELIGIBLE', reason: 'TOO_OLD' });
    // The pupil's own canteen on an open day, filled to its capacity by others.
    const canteen = nodes.find(
      (n) =>
        n.service.kind === 'CANTEEN' &&
        n.facility.id === g('Facility', pupil.schoolId) &&
        n.booking.status === 'OPEN',
    );
    await owner.query('update sessions set capacity = places_taken where id = $1', [
      fromGlobalId(canteen.id)!.id,
    ]);
    const full = (await list(g('Child', pupil.id))).find((n) => n.id === canteen.id);
    expect(full.booking).toMatchObject({ status: 'FULL', placesLeft: 0 });
    // …which reserve refuses the same way, writing nothing.
    const before = await count('select count(*) as n from reservations where session_id = $1', [
      fromGlobalId(canteen.id)!.id,
    ]);
    const refused = await app.gql(
      RESERVE,
      { input: { childId: g('Child', pupil.id), sessionIds: [canteen.id], idempotencyKey: 'full-1' } },
      { token: parent },
    );
    expect(refused.data.reserve.userErrors).toEqual([
      expect.objectContaining({ code: 'FULL', placesLeft: 0 }),
    ]);
    expect(
      await count('select count(*) as n from reservations where session_id = $1', [
        fromGlobalId(canteen.id)!.id,
      ]),
    ).toBe(before);
  });

  it('lets a parent with one child leave childId out, and asks the others to name it', async () => {
    const { rows } = await owner.query(
      `select family_id, count(*)::int as n from children where tenant_id = $1 group by family_id order by 2, 1`,
      [tenantId],
    );
    const single = rows.find((r) => r.n === 1)!;
    const several = rows.find((r) => r.n > 1)!;
    const q = `query($f: SessionFilter) { sessions(first: 1, filter: $f) { nodes { bookingStatus } } }`;
    const one = await app.gql(q, { f: { from: '2026-12-04' } }, { token: await parentOf(single.family_id) });
    expect(one.errors).toBeUndefined();
    const many = await app.gql(
      q,
      { f: { from: '2026-12-04' } },
      { token: await parentOf(several.family_id) },
    );
    expect(many.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("refuses another family's child as a filter (NOT_FOUND), as if it did not exist", async () => {
    const other = await owner.query(
      `select family_id from children where tenant_id = $1 and family_id <> $2 limit 1`,
      [tenantId, pupil.familyId],
    );
    const res = await app.gql(
      LIST,
      { f: { childId: g('Child', pupil.id) } },
      { token: await parentOf(other.rows[0].family_id) },
    );
    expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  describe('eligibility, held by the service layer: refused with a code, nothing written', () => {
    async function sessionOf(
      kind: string,
      date: string,
      where = '',
    ): Promise<{ id: string; facilityId: string }> {
      const { rows } = await owner.query(
        `select s.id, s.facility_id as "facilityId" from sessions s join services sv on sv.tenant_id = s.tenant_id and sv.id = s.service_id
         where s.tenant_id = $1 and sv.kind = $2 and s.date = $3 ${where} order by s.id limit 1`,
        [tenantId, kind, date],
      );
      return rows[0];
    }
    async function childWhere(where: string): Promise<{ id: string; family_id: string }> {
      const { rows } = await owner.query(
        `select c.id, c.family_id from children c left join facilities f on f.tenant_id = c.tenant_id and f.id = c.school_id
         where c.tenant_id = $1 and ${where} order by c.id limit 1`,
        [tenantId],
      );
      return rows[0];
    }

    it.each([
      [
        'an 8-year-old pupil in a crèche',
        "f.kind = 'SCHOOL' and c.birth_date between '2017-06-01' and '2018-11-30'",
        'NURSERY',
        '2026-12-10',
        '',
        'NOT_ELIGIBLE',
        'TOO_OLD',
      ],
      [
        'a pupil at another school’s canteen',
        "f.kind = 'SCHOOL' and c.birth_date between '2016-06-01' and '2020-06-01'",
        'CANTEEN',
        '2026-12-10',
        'and s.facility_id <> (select school_id from children where id = $CHILD)',
        'NOT_ELIGIBLE',
        'NOT_A_PUPIL',
      ],
      [
        'a 2-year-old at the leisure centre',
        "c.birth_date between '2024-01-01' and '2024-11-01'",
        'LEISURE_CENTRE',
        '2026-12-09',
        '',
        'NOT_ELIGIBLE',
        'TOO_YOUNG',
      ],
    ])('%s', async (_label, who, kind, date, where, code, reason) => {
      const child = await childWhere(who);
      expect(child).toBeDefined();
      const session = await sessionOf(kind, date, where.replace('$CHILD', `'${child.id}'`));
      const before = await count(`select count(*) as n from reservations where child_id = $1`, [child.id]);
      const res = await app.gql(
        RESERVE,
        {
          input: {
            childId: g('Child', child.id),
            sessionIds: [g('Session', session.id)],
            idempotencyKey: `elig-${reason}`,
          },
        },
        { token: agent },
      );
      expect(res.data.reserve.reservations).toEqual([]);
      expect(res.data.reserve.userErrors).toEqual([
        expect.objectContaining({ code, reason, field: ['sessionIds', '0'] }),
      ]);
      expect(await count(`select count(*) as n from reservations where child_id = $1`, [child.id])).toBe(
        before,
      );
    });

    it('two canteens at the same lunch: the second is OVERLAP naming the first, in one request or two', async () => {
      // The town opens another school's canteen to all (audience ANY).
      const own = await sessionOf('CANTEEN', '2026-12-11', `and s.facility_id = '${pupil.schoolId}'`);
      const other = await sessionOf('CANTEEN', '2026-12-11', `and s.facility_id <> '${pupil.schoolId}'`);
      await owner.query(
        `update services set audience = 'ANY' where id = (select service_id from sessions where id = $1)`,
        [other.id],
      );
      const both = await app.gql(
        RESERVE,
        {
          input: {
            childId: g('Child', pupil.id),
            sessionIds: [g('Session', own.id), g('Session', other.id)],
            idempotencyKey: 'overlap-1',
          },
        },
        { token: agent },
      );
      expect(both.data.reserve.reservations.map((r: any) => r.session.id)).toEqual([g('Session', own.id)]);
      expect(both.data.reserve.userErrors).toEqual([
        expect.objectContaining({ code: 'OVERLAP', field: ['sessionIds', '1'] }),
      ]);
      const later = await app.gql(
        RESERVE,
        {
          input: {
            childId: g('Child', pupil.id),
            sessionIds: [g('Session', other.id)],
            idempotencyKey: 'overlap-2',
          },
        },
        { token: agent },
      );
      expect(later.data.reserve.userErrors).toEqual([
        expect.objectContaining({ code: 'OVERLAP', reason: 'OVERLAP', relatedId: g('Session', own.id) }),
      ]);
      expect(
        await count(
          `select count(*) as n from reservations where child_id = $1 and status <> 'CANCELLED' and session_id in ($2, $3)`,
          [pupil.id, own.id, other.id],
        ),
      ).toBe(1);
    });

    /**
     * Books `child` on each of `sessionIds` at once, one request each (own idempotency key): exactly
     * one is booked, every other request is refused with `refusal`, and none fails.
     */
    const expectOneBooked = async (
      childId: string,
      sessionIds: string[],
      keyPrefix: string,
      refusal: string,
    ) => {
      const answers = await Promise.all(
        sessionIds.map((sessionId, i) =>
          app.gqlRetrying(
            RESERVE,
            {
              input: {
                childId: g('Child', childId),
                sessionIds: [g('Session', sessionId)],
                idempotencyKey: `${keyPrefix}-${i}`,
              },
            },
            { token: agent },
          ),
        ),
      );
      expect(answers.filter((a) => a.errors)).toEqual([]);
      expect(answers.filter((a) => a.data.reserve.reservations.length === 1)).toHaveLength(1);
      expect(answers.flatMap((a) => a.data.reserve.userErrors.map((e: any) => e.code))).toEqual(
        Array(sessionIds.length - 1).fill(refusal),
      );
    };

    it('races for two overlapping sessions: PostgreSQL keeps exactly one', async () => {
      const child = await childWhere(
        `f.kind = 'SCHOOL' and c.birth_date between '2016-06-01' and '2020-06-01' and c.id <> '${pupil.id}'`,
      );
      const { rows } = await owner.query(
        `select s.id from sessions s join services sv on sv.tenant_id = s.tenant_id and sv.id = s.service_id
         where s.tenant_id = $1 and sv.kind = 'CANTEEN' and s.date = '2026-12-14' order by s.id limit 6`,
        [tenantId],
      );
      await owner.query(
        `update services set audience = 'ANY' where id in (select service_id from sessions where id = any($1::uuid[]))`,
        [rows.map((r) => r.id)],
      );
      await expectOneBooked(
        child.id,
        rows.map((r) => r.id),
        'race',
        'OVERLAP',
      );
      expect(
        await count(`select count(*) as n from reservations where child_id = $1 and status <> 'CANCELLED'`, [
          child.id,
        ]),
      ).toBe(1);
    });

    it('double taps: the same child and session asked 8 times at once, one reservation and one place', async () => {
      const child = await childWhere(
        `f.kind = 'SCHOOL' and c.birth_date between '2016-06-01' and '2020-06-01' and c.id <> '${pupil.id}'`,
      );
      const { rows } = await owner.query(
        `select s.id, s.places_taken from sessions s join services sv on sv.tenant_id = s.tenant_id and sv.id = s.service_id
         where s.tenant_id = $1 and sv.kind = 'CANTEEN' and s.date = '2026-12-15'
           and not exists (select 1 from reservations r where r.session_id = s.id and r.child_id = $2)
         order by s.id limit 1`,
        [tenantId, child.id],
      );
      const [session] = rows;
      await owner.query(
        `update services set audience = 'ANY' where id = (select service_id from sessions where id = $1)`,
        [session.id],
      );
      await expectOneBooked(child.id, Array(8).fill(session.id), 'tap', 'ALREADY_BOOKED');
      const after = await owner.query(
        `select places_taken, (select count(*)::int from reservations where session_id = $1 and child_id = $2
           and status <> 'CANCELLED') as live from sessions where id = $1`,
        [session.id, child.id],
      );
      expect(after.rows[0]).toEqual({ places_taken: session.places_taken + 1, live: 1 });
    });
  });

  it('the same rule in JavaScript and in SQL, whatever the birth date, school and session date', async () => {
    const { rows: services } = await owner.query(
      `select sv.id, sv.audience, sv.min_age_months as "minAgeMonths", sv.max_age_months as "maxAgeMonths",
              (select s.facility_id from sessions s where s.service_id = sv.id limit 1) as "facilityId"
       from services sv where sv.tenant_id = $1 and exists (select 1 from sessions s where s.service_id = sv.id)`,
      [tenantId],
    );
    const { rows: schools } = await owner.query(
      `select id from facilities where tenant_id = $1 and kind = 'SCHOOL' limit 2`,
      [tenantId],
    );
    const day = (offset: number) =>
      new Date(Date.UTC(2010, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: services.length - 1 }),
        fc.integer({ min: 0, max: 365 * 16 }),
        fc.integer({ min: 365 * 14, max: 365 * 18 }),
        fc.constantFrom<ChildFacts['schoolId']>(null, schools[0].id, schools[1].id, services[0].facilityId),
        async (serviceIndex, birth, sessionDay, schoolId) => {
          const service = services[serviceIndex];
          const child: ChildFacts = {
            birthDate: day(birth),
            schoolId,
            atSchool: schools.some((s) => s.id === schoolId),
          };
          const session = { date: day(sessionDay), facilityId: service.facilityId };
          const expected =
            ineligibility(child, { ...service, audience: service.audience as Audience }, session) === null;
          const condition = eligibleSessions(child);
          let i = 0;
          const text = `select ${condition.sql.replace(/\?/g, () => `$${++i + 4}`)} as ok
            from (select $1::uuid as tenant_id, $2::uuid as service_id, $3::date as date, $4::uuid as facility_id) t`;
          const { rows } = await owner.query(text, [
            tenantId,
            service.id,
            session.date,
            session.facilityId,
            ...condition.params,
          ]);
          expect([child, session, service.id, rows[0].ok]).toEqual([child, session, service.id, expected]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('puts pupils on the roll: Facility.children for agents and attendance keys, by name', async () => {
    const q = `query($id: ID!, $after: String) { node(id: $id) { ... on Facility { children(first: 7, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { id lastName school { id } } } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const res: any = await app.gql(q, { id: g('Facility', pupil.schoolId), after }, { token: agent });
      expect(res.errors).toBeUndefined();
      const page = res.data.node.children;
      total = page.totalCount;
      seen.push(...page.nodes.map((n: any) => n.id));
      expect(page.nodes.every((n: any) => n.school.id === g('Facility', pupil.schoolId))).toBe(true);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    const expected = await count(`select count(*) as n from children where school_id = $1`, [pupil.schoolId]);
    expect(seen).toHaveLength(expected);
    expect(total).toBe(expected);
    expect(seen).toContain(g('Child', pupil.id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(fromGlobalId(seen[0])?.type).toBe('Child');
  });
});
