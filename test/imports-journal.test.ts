import type { Client } from 'pg';
import { runAttendanceClosing } from '../src/jobs/attendance-close-days';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * The offline roll call: two school tablets took the roll of the same lunch without the network;
 * their journals (one line per action, stamped with the device and the instant) come back through
 * POST /imports/attendance-journal. Merged with the roll call's rules, idempotent per device and
 * action; the child the tablets disagree on is a conflict an agent resolves; the day left open is
 * closed by the job at closing time. A Nîmes copy (WALK_IN mode), seeded Monday 30 November 2026.
 */
describe('offline roll call: tablet journals, conflicts, closing', () => {
  const SLUG = 'test-journal';
  const BOOKED_AT = '2026-11-30T07:00:00.000Z';
  const DAY = '2026-12-03';
  const HEADER = 'appareil;action_id;horodatage;seance_id;enfant_id;nom;prenom;action';
  let app: TestApp;
  let owner: Client;
  let agent: string;
  let tenantId: string;
  let kids: { id: string; last: string; first: string }[];
  let sessionId: string;

  const post = async (lines: string[], query = '') => {
    const response = await fetch(`${app.url}/imports/attendance-journal${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent}`, 'content-type': 'text/csv' },
      body: [HEADER, ...lines].join('\n'),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const session = () => toGlobalId('Session', sessionId);
  const action = (device: string, id: string, at: string, kid: number, mark: string) =>
    `${device};${id};${DAY}T${at}+01:00;${session()};${toGlobalId('Child', kids[kid].id)};;;${mark}`;
  const state = async () => {
    const rows = (
      await owner.query(
        `select r.child_id, r.status::text as status, r.channel::text as channel,
                (select count(*)::int from charges ch where ch.tenant_id = r.tenant_id and ch.reservation_id = r.id) as charges
         from reservations r where r.tenant_id = $1 and r.session_id = $2 and r.status <> 'CANCELLED'`,
        [tenantId, sessionId],
      )
    ).rows;
    return new Map(
      rows.map((r) => [r.child_id, { status: r.status, channel: r.channel, charges: r.charges }]),
    );
  };
  const count = async (table: string) =>
    (await owner.query(`select count(*)::int as n from ${table} where tenant_id = $1`, [tenantId])).rows[0].n;

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'nimes',
      { slug: SLUG, families: 60, seed: 2122 },
      new Date(BOOKED_AT),
      1,
    );
    owner = await rawClient('owner');
    const [school] = (
      await owner.query(
        `select f.id, json_agg(json_build_object('id', c.id, 'last', c.last_name, 'first', c.first_name)
                  order by c.last_name, c.first_name, c.id) as kids
         from children c join facilities f on f.tenant_id = c.tenant_id and f.id = c.school_id
         where c.tenant_id = $1 and f.kind = 'SCHOOL'
         group by f.id having count(*) >= 4 order by count(*) desc, f.id limit 1`,
        [tenantId],
      )
    ).rows;
    kids = school.kids;
    sessionId = (
      await owner.query(
        `select s.id from sessions s join services sv on sv.tenant_id = s.tenant_id and sv.id = s.service_id
         where s.tenant_id = $1 and s.facility_id = $2 and s.date = $3 and sv.kind = 'CANTEEN'`,
        [tenantId, school.id, DAY],
      )
    ).rows[0].id;
    app = await startTestApp();
    app.setNow(BOOKED_AT);
    agent = await token(SLUG, Role.AGENT);
    for (const [i, kid] of kids.slice(0, 3).entries()) {
      const res = await app.gql(
        `mutation($i: ReserveInput!) { reserve(input: $i) { userErrors { code message } } }`,
        {
          i: {
            childId: toGlobalId('Child', kid.id),
            sessionIds: [session()],
            idempotencyKey: `journal-${i}`,
          },
        },
        { token: agent },
      );
      expect(res.data.reserve.userErrors).toEqual([]);
    }
    app.setNow(`${DAY}T11:30:00.000Z`);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it("merges a tablet's journal with the roll call's rules; the same journal again changes nothing", async () => {
    const journal = [
      action('tablette-A', '1', '11:40:00', 0, 'PRESENT'),
      action('tablette-A', '2', '11:41:00', 1, 'PRESENT'),
      // The tablet corrects itself: its later action is its word.
      action('tablette-A', '3', '11:42:00', 1, 'ABSENT'),
      `tablette-A;4;${DAY}T11:43:00+01:00;${session()};;${kids[3].last};${kids[3].first};WALK_IN`,
    ];
    const first = await post(journal);
    expect(first.status).toBe(200);
    expect(first.body.import).toMatchObject({
      kind: 'ATTENDANCE_JOURNAL',
      status: 'COMPLETED',
      linesRead: 4,
      created: 1,
      updated: 3,
      unchanged: 0,
      conflicts: 0,
      errors: [],
    });
    const after = await state();
    expect(after.get(kids[0].id)).toMatchObject({ status: 'ATTENDED', charges: 1 });
    expect(after.get(kids[1].id)?.status).toBe('ABSENT_UNJUSTIFIED');
    expect(after.get(kids[2].id)).toMatchObject({ status: 'BOOKED', charges: 0 });
    expect(after.get(kids[3].id)).toMatchObject({ status: 'ATTENDED', channel: 'WALK_IN', charges: 1 });
    expect(await count('attendance_actions')).toBe(4);

    const again = await post(journal);
    expect(again.body.import).toMatchObject({ status: 'COMPLETED', created: 0, updated: 0, unchanged: 4 });
    expect(await state()).toEqual(after);
    expect(await count('attendance_actions')).toBe(4);
  });

  it('keeps two devices that disagree as a conflict, never overwritten; an agent resolves it, audited', async () => {
    const before = await state();
    const res = await post([
      action('tablette-B', '1', '11:45:00', 0, 'ABSENT'),
      action('tablette-B', '2', '11:45:30', 1, 'ABSENT'),
    ]);
    expect(res.body.import).toMatchObject({ status: 'COMPLETED', unchanged: 2, conflicts: 1 });
    expect(await state()).toEqual(before);

    const list = await app.gql(
      `{ attendanceConflicts(first: 10) { totalCount nodes { id status child { id } session { id }
         marks { deviceId actionId present } } } }`,
      {},
      { token: agent },
    );
    expect(list.errors).toBeUndefined();
    expect(list.data.attendanceConflicts.totalCount).toBe(1);
    const conflict = list.data.attendanceConflicts.nodes[0];
    expect(conflict).toMatchObject({
      status: 'OPEN',
      child: { id: toGlobalId('Child', kids[0].id) },
      session: { id: session() },
    });
    expect(conflict.marks).toEqual([
      { deviceId: 'tablette-A', actionId: '1', present: true },
      { deviceId: 'tablette-B', actionId: '1', present: false },
    ]);

    const resolve = (reason: string, key: string) =>
      app.gql(
        `mutation($i: ResolveAttendanceConflictInput!) { resolveAttendanceConflict(input: $i) {
           conflict { status resolvedPresent resolutionReason } userErrors { code field } } }`,
        { i: { conflictId: conflict.id, present: false, reason, idempotencyKey: key } },
        { token: agent },
      );
    expect((await resolve('  ', 'r0')).data.resolveAttendanceConflict.userErrors).toEqual([
      { code: 'INVALID', field: ['reason'] },
    ]);
    const done = await resolve("Parti à 11h30 avec sa mère, d'après la directrice", 'r1');
    expect(done.data.resolveAttendanceConflict).toEqual({
      conflict: {
        status: 'RESOLVED',
        resolvedPresent: false,
        resolutionReason: "Parti à 11h30 avec sa mère, d'après la directrice",
      },
      userErrors: [],
    });
    expect((await state()).get(kids[0].id)?.status).toBe('ABSENT_UNJUSTIFIED');
    const audited = await owner.query(
      `select details->>'reason' as reason from audit_events where tenant_id = $1 and action = 'ATTENDANCE_CONFLICT_RESOLVED'`,
      [tenantId],
    );
    expect(audited.rows).toEqual([{ reason: "Parti à 11h30 avec sa mère, d'après la directrice" }]);
    expect((await resolve('encore', 'r2')).data.resolveAttendanceConflict.userErrors).toEqual([
      { code: 'INVALID', field: ['conflictId'] },
    ]);
  });

  it('refuses a reused action ID, a duplicate in the file and a bad instant, writing nothing', async () => {
    const before = await count('attendance_actions');
    const res = await post([
      action('tablette-A', '1', '11:40:00', 0, 'ABSENT'),
      action('tablette-C', '9', '11:50:00', 2, 'PRESENT'),
      action('tablette-C', '9', '11:51:00', 2, 'PRESENT'),
      `tablette-C;10;03/12/2026 11:52;${session()};${toGlobalId('Child', kids[2].id)};;;PRESENT`,
    ]);
    expect(res.body.import.status).toBe('REJECTED');
    expect(res.body.import.errors.map((e: any) => [e.line, e.column, e.code])).toEqual([
      [2, 'action_id', 'DUPLICATE_EXTERNAL_REF'],
      [4, 'action_id', 'DUPLICATE_IN_FILE'],
      [5, 'horodatage', 'BAD_DATE'],
    ]);
    expect(await count('attendance_actions')).toBe(before);
    expect((await state()).get(kids[2].id)?.status).toBe('BOOKED');
  });

  it('closes the day left open at closing time: the unmarked booked child is absent, once', async () => {
    const [roll] = (
      await owner.query(
        `select closes_at, closed_at from session_rolls where tenant_id = $1 and session_id = $2`,
        [tenantId, sessionId],
      )
    ).rows;
    expect(roll.closed_at).toBeNull();
    const closesAt = new Date(roll.closes_at);
    expect(await runAttendanceClosing(app.orm.em, [tenantId], new Date(closesAt.getTime() - 1000))).toBe(0);
    expect((await state()).get(kids[2].id)?.status).toBe('BOOKED');

    expect(await runAttendanceClosing(app.orm.em, [tenantId], closesAt)).toBe(1);
    const after = await state();
    expect(after.get(kids[2].id)?.status).toBe('ABSENT_UNJUSTIFIED');
    expect(after.get(kids[3].id)?.status).toBe('ATTENDED');
    const closed = await owner.query(
      `select closed_at is not null as closed, closed_absent from session_rolls where tenant_id = $1 and session_id = $2`,
      [tenantId, sessionId],
    );
    expect(closed.rows).toEqual([{ closed: true, closed_absent: 1 }]);
    expect(await runAttendanceClosing(app.orm.em, [tenantId], new Date(closesAt.getTime() + 3600_000))).toBe(
      0,
    );
  });
});
