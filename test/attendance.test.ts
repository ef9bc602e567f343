import type { Client } from 'pg';
import { createApiKey } from '../src/auth/api-keys.service';
import { Scope } from '../src/auth/viewer';
import { initOrm } from '../src/db/orm';
import { fromGlobalId } from '../src/shared/ids';
import { todayIn } from '../src/shared/dates';
import { createLogger } from '../src/shared/logger';
import { Tenant } from '../src/tenants/tenant.entity';
import { rawClient, startTestApp, token, Role, type TestApp } from './support/app';

/**
 * The roll call, walk-ins, absences and the kitchen's meal counts, through the API as agents,
 * parents and the catering vendor use them. Each test works on its own school so that suites
 * running in parallel never share a session.
 */
describe('attendance', () => {
  let app: TestApp;
  let owner: Client;

  interface Kid {
    id: string;
    diet: string;
    familyId: string;
    quotient: number | null;
  }
  interface School {
    id: string;
    name: string;
    kids: Kid[];
  }

  const ROLL = `mutation($input: RecordAttendanceInput!) { recordAttendance(input: $input) {
    session { id placesTaken walkIns }
    reservations { id status channel child { id } charge { reason amount { amount } unitPrice { amount } } }
    userErrors { field code message } } }`;
  const RESERVE = `mutation($input: ReserveInput!) { reserve(input: $input) {
    reservations { id status } userErrors { code field message } } }`;
  const JUSTIFY = `mutation($input: JustifyAbsenceInput!) { justifyAbsence(input: $input) {
    reservation { id status absenceDocumentRef absenceReason { code billable } charge { reason amount { amount } } }
    userErrors { field code message } } }`;

  /** Schools of a tenant with the children attending them, as an agent sees them. */
  async function schoolsOf(tenant: string): Promise<{ agent: string; schools: School[] }> {
    const agent = await token(tenant, Role.AGENT);
    const schools = new Map<string, School>();
    let after: string | null = null;
    do {
      const res: any = await app.gql(
        `query($after: String) { families(first: 100, after: $after) { pageInfo { endCursor hasNextPage }
           nodes { id familyQuotient children { id diet school { id name } } } } }`,
        { after },
        { token: agent },
      );
      for (const family of res.data.families.nodes) {
        for (const child of family.children) {
          if (!child.school) continue;
          const school = schools.get(child.school.id) ?? { ...child.school, kids: [] };
          school.kids.push({
            id: child.id,
            diet: child.diet,
            familyId: family.id,
            quotient: family.familyQuotient,
          });
          schools.set(school.id, school);
        }
      }
      after = res.data.families.pageInfo.hasNextPage ? res.data.families.pageInfo.endCursor : null;
    } while (after);
    const list = [...schools.values()].sort((a, b) => b.kids.length - a.kids.length);
    return { agent, schools: list };
  }

  /** The school's sessions of a service kind, soonest first. */
  async function sessionsAt(agent: string, school: School, kind: string) {
    const services = await app.gql(
      'query($f: ID) { services(first: 10, facilityId: $f) { nodes { id kind } } }',
      { f: school.id },
      { token: agent },
    );
    const service = services.data.services.nodes.find((s: { kind: string }) => s.kind === kind);
    const res = await app.gql(
      'query($f: SessionFilter) { sessions(first: 20, filter: $f) { nodes { id date period capacity } } }',
      // Upcoming sessions only (the demo data has a roll-called history before the tenants' own
      // today — Europe/Paris, which is not UTC's between 22:00/23:00 and midnight UTC).
      { f: { serviceId: service.id, from: todayIn('Europe/Paris', new Date()) } },
      { token: agent },
    );
    return res.data.sessions.nodes as { id: string; date: string; period: string; capacity: number }[];
  }

  /** Noon, Paris time, on a date: the roll call is taken at lunch. */
  const lunchOn = (date: string) => `${date}T11:00:00.000Z`;

  beforeAll(async () => {
    app = await startTestApp();
    owner = await rawClient('owner');
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  describe('in walk-in mode (Nîmes)', () => {
    let agent: string;
    let school: School;
    let session: { id: string; date: string };

    beforeAll(async () => {
      const found = await schoolsOf('nimes');
      agent = found.agent;
      school = found.schools[0];
      [session] = await sessionsAt(agent, school, 'CANTEEN');
    });
    afterAll(() => app.setNow(null));

    it('refuses the roll call before the session day', async () => {
      app.setNow(new Date(new Date(lunchOn(session.date)).getTime() - 24 * 3600_000));
      const res = await app.gql(
        ROLL,
        {
          input: { sessionId: session.id, present: [school.kids[0].id], absent: [], idempotencyKey: 'early' },
        },
        { token: agent },
      );
      expect(res.data.recordAttendance.userErrors).toEqual([
        expect.objectContaining({ code: 'NOT_OPEN', field: ['sessionId'] }),
      ]);
    });

    it('records children who came without a reservation as billed walk-ins, once', async () => {
      app.setNow(lunchOn(session.date));
      const present = school.kids.slice(0, 3).map((k) => k.id);
      const input = { sessionId: session.id, present, absent: [] };
      const first = await app.gql(
        ROLL,
        { input: { ...input, idempotencyKey: 'nimes-roll-1' } },
        { token: agent },
      );
      const payload = first.data.recordAttendance;
      expect(payload.userErrors).toEqual([]);
      expect(payload.session).toMatchObject({ placesTaken: 0, walkIns: 3 });
      expect(
        payload.reservations.map((r: any) => [r.child.id, r.status, r.channel, r.charge.reason]),
      ).toEqual(present.map((id) => [id, 'ATTENDED', 'WALK_IN', 'WALK_IN']));
      // Priced from Nîmes' grid for each family's quotient (no quotient on file: top bracket).
      const grid = (q: number | null) =>
        q === null ? 370 : q < 400 ? 100 : q < 700 ? 190 : q < 1100 ? 285 : 370;
      expect(payload.reservations.map((r: any) => r.charge.amount.amount)).toEqual(
        school.kids.slice(0, 3).map((k) => grid(k.quotient)),
      );

      // The same roll taken again (another key: the agent pressed "save" twice) changes nothing.
      const again = await app.gql(
        ROLL,
        { input: { ...input, idempotencyKey: 'nimes-roll-2' } },
        { token: agent },
      );
      expect(again.data.recordAttendance.session.walkIns).toBe(3);
      expect(again.data.recordAttendance.reservations.map((r: any) => r.id)).toEqual(
        payload.reservations.map((r: any) => r.id),
      );
      const { rows } = await owner.query(
        `select count(*)::int as n from charges c join reservations r on r.id = c.reservation_id
         join sessions s on s.id = r.session_id where s.date = $1 and r.channel = 'WALK_IN'
           and r.child_id in (select r2.child_id from reservations r2 where r2.id = any($2::uuid[]))`,
        [session.date, await uuidsOf(payload.reservations.map((r: any) => r.id))],
      );
      expect(rows[0].n).toBe(3);

      // A retry with the first key replays the first answer.
      const replay = await app.gql(
        ROLL,
        { input: { ...input, idempotencyKey: 'nimes-roll-1' } },
        { token: agent },
      );
      expect(replay.data.recordAttendance.reservations).toEqual(payload.reservations);
      const conflict = await app.gql(
        ROLL,
        { input: { ...input, present: present.slice(0, 1), idempotencyKey: 'nimes-roll-1' } },
        { token: agent },
      );
      expect(conflict.data.recordAttendance.userErrors[0].code).toBe('IDEMPOTENCY_CONFLICT');
    });

    it('gives the kitchen its counts per school and diet, walk-ins included', async () => {
      app.setNow(lunchOn(session.date));
      const vendorKey = await createKey('nimes', [Scope.MEALS_READ]);
      const res = await app.gql(
        'query($d: LocalDate!, $f: ID) { mealCounts(date: $d, facilityId: $f) { facility { id name } diet booked eaten walkIns } }',
        { d: session.date, f: school.id },
        { token: vendorKey, headers: { 'x-tenant': 'nimes' } },
      );
      expect(res.errors).toBeUndefined();
      const expected = new Map<string, number>();
      for (const kid of school.kids.slice(0, 3)) expected.set(kid.diet, (expected.get(kid.diet) ?? 0) + 1);
      // Every diet, zeros included (the deprecated one-day form gives the same grid).
      expect(res.data.mealCounts).toEqual(
        ['STANDARD', 'NO_PORK', 'VEGETARIAN', 'ALLERGY_PLAN'].map((diet) => ({
          facility: { id: school.id, name: school.name },
          diet,
          booked: 0,
          eaten: expected.get(diet) ?? 0,
          walkIns: expected.get(diet) ?? 0,
        })),
      );
      // A parent does not see the kitchen's figures.
      const parent = await token('nimes', Role.PARENT, school.kids[0].familyId);
      const refused = await app.gql(
        'query($d: LocalDate!) { mealCounts(date: $d) { eaten } }',
        { d: session.date },
        { token: parent },
      );
      expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });

    it("admits walk-ins only up to the facility's physical capacity", async () => {
      const [, second] = await sessionsAt(agent, school, 'CANTEEN');
      app.setNow(lunchOn(second.date));
      await owner.query(
        `update facilities set capacity = 2 where name = $1 and tenant_id = (select id from tenants where slug = 'nimes')`,
        [school.name],
      );
      await owner.query(`update sessions set capacity = 1 where id = $1`, [await uuidOf(second.id)]);
      try {
        const present = school.kids.slice(0, 4).map((k) => k.id);
        const res = await app.gql(
          ROLL,
          { input: { sessionId: second.id, present, absent: [], idempotencyKey: 'nimes-full' } },
          { token: agent },
        );
        const payload = res.data.recordAttendance;
        expect(payload.session.walkIns).toBe(2);
        expect(payload.reservations).toHaveLength(2);
        expect(payload.userErrors).toEqual([
          expect.objectContaining({ code: 'FULL', field: ['present', '2'] }),
          expect.objectContaining({ code: 'FULL', field: ['present', '3'] }),
        ]);
      } finally {
        await owner.query(
          `update facilities set capacity = 200 where name = $1 and tenant_id = (select id from tenants where slug = 'nimes')`,
          [school.name],
        );
      }
    });

    it('keeps the roll for agents: parents cannot take it nor read it', async () => {
      app.setNow(lunchOn(session.date));
      const parent = await token('nimes', Role.PARENT, school.kids[0].familyId);
      const write = await app.gql(
        ROLL,
        { input: { sessionId: session.id, present: [school.kids[0].id], absent: [], idempotencyKey: 'p' } },
        { token: parent },
      );
      expect(write.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const roll =
        'query($id: ID!) { node(id: $id) { ... on Session { reservations { status child { id } } } } }';
      const asParent = await app.gql(roll, { id: session.id }, { token: parent });
      expect(asParent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const asAgent = await app.gql(roll, { id: session.id }, { token: agent });
      expect(asAgent.data.node.reservations.map((r: any) => r.child.id).sort()).toEqual(
        school.kids
          .slice(0, 3)
          .map((k) => k.id)
          .sort(),
      );
    });
  });

  describe('in normal mode (Béziers canteen: no walk-ins)', () => {
    let agent: string;
    let school: School;
    let session: { id: string; date: string };
    let kids: Kid[];

    beforeAll(async () => {
      const found = await schoolsOf('beziers');
      agent = found.agent;
      school = found.schools[1];
      kids = school.kids.slice(0, 4);
      const sessions = await sessionsAt(agent, school, 'CANTEEN');
      session = sessions[sessions.length - 1];
      // Parents book a week ahead; three of the four children are booked.
      app.setNow(lunchOn(addDays(session.date, -7)));
      for (const kid of kids.slice(0, 3)) {
        const parent = await token('beziers', Role.PARENT, kid.familyId);
        const res = await app.gql(
          RESERVE,
          { input: { childId: kid.id, sessionIds: [session.id], idempotencyKey: `bz-${kid.id}` } },
          { token: parent },
        );
        expect(res.data.reserve.userErrors).toEqual([]);
      }
    });
    afterAll(() => app.setNow(null));

    it('shows parents whether each of their children is booked', async () => {
      const parent = await token('beziers', Role.PARENT, kids[0].familyId);
      const res = await app.gql(
        'query($id: ID!) { node(id: $id) { ... on Session { viewerChildren { child { id } booked reservation { status } } } } }',
        { id: session.id },
        { token: parent },
      );
      const mine = res.data.node.viewerChildren.find((c: any) => c.child.id === kids[0].id);
      expect(mine).toEqual({ child: { id: kids[0].id }, booked: true, reservation: { status: 'BOOKED' } });
    });

    it('counts the forecast before the roll, then attended and absent with their charges', async () => {
      app.setNow(lunchOn(session.date));
      const counts = async () =>
        (
          await app.gql(
            'query($d: LocalDate!, $f: ID) { mealCounts(date: $d, facilityId: $f) { booked eaten walkIns } }',
            { d: session.date, f: school.id },
            { token: agent },
          )
        ).data.mealCounts.reduce(
          (sum: any, c: any) => ({
            booked: sum.booked + c.booked,
            eaten: sum.eaten + c.eaten,
            walkIns: sum.walkIns + c.walkIns,
          }),
          { booked: 0, eaten: 0, walkIns: 0 },
        );
      expect(await counts()).toEqual({ booked: 3, eaten: 0, walkIns: 0 });

      const res = await app.gql(
        ROLL,
        {
          input: {
            sessionId: session.id,
            present: [kids[0].id, kids[1].id, kids[3].id],
            absent: [kids[2].id],
            idempotencyKey: 'bz-roll',
          },
        },
        { token: agent },
      );
      const payload = res.data.recordAttendance;
      expect(payload.reservations.map((r: any) => [r.child.id, r.status, r.charge?.reason])).toEqual([
        [kids[0].id, 'ATTENDED', 'ATTENDED'],
        [kids[1].id, 'ATTENDED', 'ATTENDED'],
        [kids[2].id, 'ABSENT_UNJUSTIFIED', 'UNJUSTIFIED_ABSENCE'],
      ]);
      // The fourth child has no reservation and the canteen takes no walk-ins in NORMAL mode.
      expect(payload.userErrors).toEqual([
        expect.objectContaining({ code: 'NOT_ALLOWED_IN_MODE', field: ['present', '2'] }),
      ]);
      expect(payload.session.walkIns).toBe(0);
      expect(await counts()).toEqual({ booked: 3, eaten: 2, walkIns: 0 });

      // Correcting the roll (the absent child came late) turns the absence into a meal: one charge.
      const fix = await app.gql(
        ROLL,
        {
          input: { sessionId: session.id, present: [kids[2].id], absent: [], idempotencyKey: 'bz-roll-fix' },
        },
        { token: agent },
      );
      expect(fix.data.recordAttendance.reservations[0]).toMatchObject({
        status: 'ATTENDED',
        charge: { reason: 'ATTENDED' },
      });
      const family = await app.gql(
        'query($id: ID!) { node(id: $id) { ... on Family { charges(first: 10, from: $d, to: $d) { totalCount nodes { reason date child { id } } } } } }'.replace(
          '$id: ID!',
          '$id: ID!, $d: LocalDate',
        ),
        { id: kids[2].familyId, d: session.date },
        { token: agent },
      );
      expect(family.data.node.charges.nodes.filter((c: any) => c.child.id === kids[2].id)).toEqual([
        { reason: 'ATTENDED', date: session.date, child: { id: kids[2].id } },
      ]);
    });

    it('locks the outcomes once billed: the day needs an unlock, an absence a credit note', async () => {
      app.setNow(lunchOn(session.date));
      const corrected = await app.gql(
        ROLL,
        {
          input: { sessionId: session.id, present: [], absent: [kids[1].id], idempotencyKey: 'bz-absent-1' },
        },
        { token: agent },
      );
      expect(corrected.data.recordAttendance.reservations[0].status).toBe('ABSENT_UNJUSTIFIED');
      const month = session.date.slice(0, 7);
      app.setNow(lunchOn(addDays(`${month}-28`, 10)));
      const admin = await token('beziers', Role.TENANT_ADMIN);
      const run = await app.gql(
        `mutation($input: RunBillingInput!) { runBilling(input: $input) { billingRun { status invoicesCreated } userErrors { code message } } }`,
        { input: { period: month, idempotencyKey: `attendance-lock-${month}` } },
        { token: admin },
      );
      expect(run.errors).toBeUndefined();
      expect(run.data.runBilling.userErrors).toEqual([]);
      expect(run.data.runBilling.billingRun.invoicesCreated).toBeGreaterThan(0);
      const absent = await app.gql(
        ROLL,
        {
          input: { sessionId: session.id, present: [], absent: [kids[0].id], idempotencyKey: 'bz-late-fix' },
        },
        { token: agent },
      );
      // The billing run covered the day: locked until an agent unlocks it (test/attendance-lock.test.ts).
      expect(absent.data.recordAttendance.userErrors).toEqual([
        expect.objectContaining({ code: 'DAY_BILLED', field: ['sessionId'] }),
      ]);
      const reservationId = await reservationOf(agent, kids[1].familyId, session.date);
      const justify = await app.gql(
        JUSTIFY,
        { input: { reservationId, reason: 'STRIKE', idempotencyKey: 'bz-late-justify' } },
        { token: agent },
      );
      expect(justify.data.justifyAbsence.userErrors).toEqual([
        expect.objectContaining({ code: 'OUTCOME_LOCKED' }),
      ]);
      // The database refuses it too: an invoiced charge is frozen.
      await expect(
        owner.query(`update charges set amount = 0, unit_price = 0 where reservation_id = $1`, [
          await uuidOf(reservationId),
        ]),
      ).rejects.toThrow(/invoiced/);
    });

    it('refuses justifications from Béziers parents (the town takes them at the counter)', async () => {
      const parent = await token('beziers', Role.PARENT, kids[0].familyId);
      const reservationId = await reservationOf(parent, kids[0].familyId, session.date);
      const res = await app.gql(
        JUSTIFY,
        { input: { reservationId, reason: 'STRIKE', idempotencyKey: 'bz-j' } },
        { token: parent },
      );
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('absences (Saint-Nazaire: parents justify, 15-day notice)', () => {
    let agent: string;
    let school: School;
    let sessions: { id: string; date: string }[];

    beforeAll(async () => {
      const found = await schoolsOf('saint-nazaire');
      agent = found.agent;
      school = found.schools[2];
      sessions = await sessionsAt(agent, school, 'CANTEEN');
    });
    afterAll(() => app.setNow(null));

    it('justifies a late cancellation with a certificate: not billed any more', async () => {
      const kid = school.kids[0];
      const parent = await token('saint-nazaire', Role.PARENT, kid.familyId);
      const session = sessions[sessions.length - 1];
      app.setNow(lunchOn(addDays(session.date, -20)));
      const booked = await app.gql(
        RESERVE,
        { input: { childId: kid.id, sessionIds: [session.id], idempotencyKey: 'sn-book' } },
        { token: parent },
      );
      const reservationId = booked.data.reserve.reservations[0].id;
      // Inside the 15-day notice: cancelling is billed.
      app.setNow(lunchOn(addDays(session.date, -3)));
      const cancelled = await app.gql(
        `mutation($input: CancelReservationInput!) { cancelReservation(input: $input) {
           reservation { status charge { reason } } userErrors { code } } }`,
        { input: { reservationId, idempotencyKey: 'sn-cancel' } },
        { token: parent },
      );
      expect(cancelled.data.cancelReservation.reservation).toEqual({
        status: 'LATE_CANCELLED',
        charge: { reason: 'LATE_CANCELLATION' },
      });

      const noDocument = await app.gql(
        JUSTIFY,
        { input: { reservationId, reason: 'SICKNESS', idempotencyKey: 'sn-j1' } },
        { token: parent },
      );
      expect(noDocument.data.justifyAbsence.userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID', field: ['documentRef'] }),
      ]);
      const unknown = await app.gql(
        JUSTIFY,
        { input: { reservationId, reason: 'HOLIDAYS_IN_SPAIN', idempotencyKey: 'sn-j2' } },
        { token: parent },
      );
      expect(unknown.data.justifyAbsence.userErrors).toEqual([
        expect.objectContaining({ code: 'NOT_FOUND', field: ['reason'] }),
      ]);
      // A strike needs no document, and the town does not let it excuse a late cancellation.
      const strike = await app.gql(
        JUSTIFY,
        { input: { reservationId, reason: 'STRIKE', idempotencyKey: 'sn-j-strike' } },
        { token: parent },
      );
      expect(strike.data.justifyAbsence).toEqual({
        reservation: null,
        userErrors: [expect.objectContaining({ code: 'INVALID', field: ['reason'] })],
      });

      const justified = await app.gql(
        JUSTIFY,
        {
          input: {
            reservationId,
            reason: 'SICKNESS',
            documentRef: 'certificat-2026-118',
            idempotencyKey: 'sn-j3',
          },
        },
        { token: parent },
      );
      expect(justified.data.justifyAbsence).toEqual({
        reservation: {
          id: reservationId,
          status: 'ABSENT_JUSTIFIED',
          absenceDocumentRef: 'certificat-2026-118',
          absenceReason: { code: 'SICKNESS', billable: false },
          charge: null,
        },
        userErrors: [],
      });
      // At the roll call the absent child stays justified (and unbilled).
      app.setNow(lunchOn(session.date));
      const roll = await app.gql(
        ROLL,
        { input: { sessionId: session.id, present: [], absent: [kid.id], idempotencyKey: 'sn-roll' } },
        { token: agent },
      );
      expect(roll.data.recordAttendance.reservations[0]).toMatchObject({
        status: 'ABSENT_JUSTIFIED',
        charge: null,
      });
    });

    it('bills a reason the tenant bills, and locks the outcome once invoiced', async () => {
      const kid = school.kids[1];
      const session = sessions[sessions.length - 2];
      app.setNow(lunchOn(addDays(session.date, -20)));
      const booked = await app.gql(
        RESERVE,
        { input: { childId: kid.id, sessionIds: [session.id], idempotencyKey: 'sn-book-2' } },
        { token: agent },
      );
      const reservationId = booked.data.reserve.reservations[0].id;
      app.setNow(lunchOn(session.date));
      const absent = await app.gql(
        ROLL,
        { input: { sessionId: session.id, present: [], absent: [kid.id], idempotencyKey: 'sn-roll-2' } },
        { token: agent },
      );
      expect(absent.data.recordAttendance.reservations[0].charge.reason).toBe('UNJUSTIFIED_ABSENCE');
      const planned = await app.gql(
        JUSTIFY,
        { input: { reservationId, reason: 'PLANNED', idempotencyKey: 'sn-j4' } },
        { token: agent },
      );
      expect(planned.data.justifyAbsence.reservation).toMatchObject({
        status: 'ABSENT_JUSTIFIED',
        charge: { reason: 'BILLABLE_ABSENCE' },
      });
      const { rows: audited } = await owner.query(
        `select action, channel from audit_events where subject_id = $1`,
        [await uuidOf(reservationId)],
      );
      expect(audited).toContainEqual({ action: 'ABSENCE_JUSTIFIED', channel: 'COUNTER' });
    });

    it('takes walk-ins where the service allows them, even in normal mode (périscolaire)', async () => {
      const [session] = await sessionsAt(agent, school, 'PERISCHOOL');
      // A pupil without a reservation for it (the seed books the coming week for some of them).
      const booked = await app.gql(
        'query($id: ID!) { node(id: $id) { ... on Session { reservations { child { id } } } } }',
        { id: session.id },
        { token: agent },
      );
      const bookedIds = booked.data.node.reservations.map((r: any) => r.child.id);
      const walkIn = school.kids.slice(3).find((k) => !bookedIds.includes(k.id))!;
      app.setNow(lunchOn(session.date));
      const res = await app.gql(
        ROLL,
        {
          input: {
            sessionId: session.id,
            present: [walkIn.id],
            absent: [],
            idempotencyKey: 'sn-peri',
          },
        },
        { token: agent },
      );
      expect(res.data.recordAttendance.reservations).toEqual([
        expect.objectContaining({
          status: 'ATTENDED',
          channel: 'WALK_IN',
          charge: expect.objectContaining({ reason: 'WALK_IN' }),
        }),
      ]);
    });

    it('lists absence reasons and lets admins configure them', async () => {
      const admin = await token('saint-nazaire', Role.TENANT_ADMIN);
      const set = await app.gql(
        `mutation($input: SetAbsenceReasonInput!) { setAbsenceReason(input: $input) {
           absenceReason { code label billable requiresDocument active } userErrors { code field } } }`,
        { input: { code: 'SNOW_DAY', label: 'Intempéries', billable: false, requiresDocument: false } },
        { token: admin },
      );
      expect(set.data.setAbsenceReason).toEqual({
        absenceReason: {
          code: 'SNOW_DAY',
          label: 'Intempéries',
          billable: false,
          requiresDocument: false,
          active: true,
        },
        userErrors: [],
      });
      const bad = await app.gql(
        `mutation($input: SetAbsenceReasonInput!) { setAbsenceReason(input: $input) { userErrors { code field } } }`,
        { input: { code: 'snow day', label: 'x', billable: false, requiresDocument: false } },
        { token: admin },
      );
      expect(bad.data.setAbsenceReason.userErrors).toEqual([{ code: 'INVALID', field: ['code'] }]);
      const byAgent = await app.gql(
        `mutation($input: SetAbsenceReasonInput!) { setAbsenceReason(input: $input) { userErrors { code } } }`,
        { input: { code: 'X', label: 'x', billable: false, requiresDocument: false } },
        { token: agent },
      );
      expect(byAgent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const list = await app.gql('{ absenceReasons { code billable } }', {}, { token: agent });
      expect(list.data.absenceReasons.map((r: any) => r.code)).toEqual(
        expect.arrayContaining(['SICKNESS', 'PLANNED', 'SNOW_DAY']),
      );
    });

    it('refuses the roll call in READ_ONLY mode', async () => {
      const admin = await token('saint-nazaire', Role.TENANT_ADMIN);
      const services = await app.gql(
        'query($f: ID) { services(first: 10, facilityId: $f) { nodes { id kind } } }',
        { f: school.id },
        { token: agent },
      );
      const serviceId = services.data.services.nodes.find((s: any) => s.kind === 'CANTEEN').id;
      const setMode = (mode: string | null) =>
        app.gql(
          `mutation($input: SetOperatingModeInput!) { setOperatingMode(input: $input) { userErrors { code } } }`,
          { input: { mode, serviceId, notice: null, reason: 'test' } },
          { token: admin },
        );
      await setMode('READ_ONLY');
      try {
        app.setNow(lunchOn(sessions[0].date));
        const res = await app.gql(
          ROLL,
          {
            input: {
              sessionId: sessions[0].id,
              present: [school.kids[4].id],
              absent: [],
              idempotencyKey: 'sn-ro',
            },
          },
          { token: agent },
        );
        expect(res.data.recordAttendance.userErrors).toEqual([
          expect.objectContaining({ code: 'NOT_ALLOWED_IN_MODE' }),
        ]);
      } finally {
        // Back to no override: the service follows its tenant again.
        await setMode(null);
      }
    });
  });

  async function reservationOf(viewer: string, familyId: string, date: string): Promise<string> {
    const res = await app.gql(
      'query($id: ID!, $d: LocalDate) { node(id: $id) { ... on Family { reservations(first: 5, from: $d, to: $d) { nodes { id } } } } }',
      { id: familyId, d: date },
      { token: viewer },
    );
    return res.data.node.reservations.nodes[0].id;
  }

  /** A vendor's API key, made as the operator does (owner connection). */
  async function createKey(tenant: string, scopes: Scope[]): Promise<string> {
    const ownerOrm = await initOrm({
      clientUrl: process.env.GUICHET_TEST_OWNER_URL!,
      logger: createLogger('silent'),
    });
    try {
      const em = ownerOrm.em.fork();
      const { id } = await em.findOneOrFail(Tenant, { slug: tenant });
      return (await createApiKey(em, { name: `Vendor ${scopes.join(',')}`, tenantIds: [id], scopes }))
        .plaintext;
    } finally {
      await ownerOrm.close(true);
    }
  }

  /** The row id behind a global ID, for fixture SQL only (clients never see it). */
  async function uuidOf(globalId: string): Promise<string> {
    return fromGlobalId(globalId)!.id;
  }
  async function uuidsOf(ids: string[]): Promise<string[]> {
    return Promise.all(ids.map(uuidOf));
  }

  function addDays(date: string, days: number): string {
    const d = new Date(`${date}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }
});
