import type { Client } from 'pg';
import { DEMO_ACTIVITY } from '../seeds/DatabaseSeeder';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * Attendance locked once billed: after November's billing run, a November roll call (or a filled
 * roll re-imported) is refused with DAY_BILLED; an agent unlocks the day with a reason (audited),
 * the correction becomes a reversing charge plus a new one, December's run bills the difference,
 * and November's invoice never changes. A Béziers copy seeded on Monday 30 November 2026.
 */
describe('attendance locked once billed', () => {
  const SLUG = 'test-lock';
  const ROLL = `mutation($i: RecordAttendanceInput!) { recordAttendance(input: $i) {
    reservations { status } userErrors { code field message } } }`;
  const UNLOCK = `mutation($i: UnlockAttendanceDayInput!) { unlockAttendanceDay(input: $i) {
    sessions { id } userErrors { code field } } }`;
  const RUN = `mutation($i: RunBillingInput!) { runBilling(input: $i) { billingRun { invoicesCreated } userErrors { code } } }`;
  let app: TestApp;
  let owner: Client;
  let agent: string;
  let admin: string;
  let tenantId: string;
  let target: { reservation: string; child: string; family: string; session: string; date: string };
  let december: string[];

  const charges = async () =>
    (
      await owner.query(
        `select reason, quantity, amount, invoice_id, reverses_charge_id, generation from charges
         where tenant_id = $1 and reservation_id = $2 order by generation, quantity desc`,
        [tenantId, target.reservation],
      )
    ).rows;
  const status = async () =>
    (
      await owner.query(`select status::text from reservations where tenant_id = $1 and id = $2`, [
        tenantId,
        target.reservation,
      ])
    ).rows[0].status;
  const invoice = async (period: string) =>
    (
      await owner.query(
        `select i.id, i.total, (select json_agg(json_build_object('label', l.label, 'quantity', l.quantity, 'amount', l.amount)
            order by l.position) from invoice_lines l where l.tenant_id = i.tenant_id and l.invoice_id = i.id) as lines
         from invoices i where i.tenant_id = $1 and i.family_id = $2 and i.kind = 'INVOICE' and i.period = $3`,
        [tenantId, target.family, period],
      )
    ).rows[0];
  const roll = (sessionId: string, present: boolean, key: string) =>
    app.gql(
      ROLL,
      {
        i: {
          sessionId: toGlobalId('Session', sessionId),
          present: present ? [toGlobalId('Child', target.child)] : [],
          absent: present ? [] : [toGlobalId('Child', target.child)],
          idempotencyKey: key,
        },
      },
      { token: agent },
    );

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'beziers',
      { slug: SLUG, families: 30, seed: 3131 },
      new Date('2026-11-30T07:00:00.000Z'),
      6,
      DEMO_ACTIVITY,
    );
    owner = await rawClient('owner');
    const [row] = (
      await owner.query(
        `select r.id as reservation, r.child_id as child, r.family_id as family, r.session_id as session,
                to_char(s.date, 'YYYY-MM-DD') as date,
                (select json_agg(r2.session_id) from reservations r2 join sessions s2 on s2.tenant_id = r2.tenant_id and s2.id = r2.session_id
                  where r2.tenant_id = r.tenant_id and r2.child_id = r.child_id and r2.status = 'BOOKED'
                    and s2.service_id = s.service_id and s2.date between '2026-12-01' and '2026-12-04') as december
         from reservations r join sessions s on s.tenant_id = r.tenant_id and s.id = r.session_id
         where r.tenant_id = $1 and r.status = 'ATTENDED' and s.date between '2026-11-01' and '2026-11-27'
           and exists (select 1 from charges c where c.tenant_id = r.tenant_id and c.reservation_id = r.id)
           and exists (select 1 from reservations r2 join sessions s2 on s2.tenant_id = r2.tenant_id and s2.id = r2.session_id
                  where r2.tenant_id = r.tenant_id and r2.child_id = r.child_id and r2.status = 'BOOKED'
                    and s2.service_id = s.service_id and s2.date between '2026-12-01' and '2026-12-04')
         order by s.date desc, r.id limit 1`,
        [tenantId],
      )
    ).rows;
    expect(row).toBeDefined();
    ({ december, ...target } = row as typeof target & { december: string[] });
    app = await startTestApp();
    app.setNow('2026-12-07T10:00:00.000Z');
    agent = await token(SLUG, Role.AGENT);
    admin = await token(SLUG, Role.TENANT_ADMIN);
    const run = await app.gql(
      RUN,
      { i: { period: '2026-11', idempotencyKey: 'lock-nov' } },
      { token: admin },
    );
    expect(run.data.runBilling.userErrors).toEqual([]);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('refuses a roll call or a filled roll on a billed day, writing nothing', async () => {
    const before = await charges();
    expect(before).toEqual([expect.objectContaining({ quantity: 1, invoice_id: expect.any(String) })]);
    const refused = await roll(target.session, false, 'lock-try');
    expect(refused.data.recordAttendance.userErrors).toEqual([
      expect.objectContaining({ code: 'DAY_BILLED', field: ['sessionId'] }),
    ]);
    expect(refused.data.recordAttendance.userErrors[0].message).toMatch(/unlock/);
    const file = `seance_id;enfant_id;present\n${toGlobalId('Session', target.session)};${toGlobalId('Child', target.child)};A\n`;
    const response = await fetch(`${app.url}/imports/attendance`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent}`, 'content-type': 'text/csv' },
      body: file,
    });
    const report = ((await response.json()) as any).import;
    expect(report.status).toBe('REJECTED');
    expect(report.errors.map((e: any) => [e.line, e.code])).toEqual([[2, 'DAY_BILLED']]);
    expect(await status()).toBe('ATTENDED');
    expect(await charges()).toEqual(before);
  });

  it('unlocks the day with a reason (audited); the correction is a reversal plus a new charge; the next run bills the difference', async () => {
    const november = await invoice('2026-11');
    expect(november).toBeDefined();
    const session = toGlobalId('Session', target.session);
    const noReason = await app.gql(
      UNLOCK,
      { i: { sessionId: session, reason: ' ', idempotencyKey: 'u0' } },
      { token: agent },
    );
    expect(noReason.data.unlockAttendanceDay.userErrors).toEqual([{ code: 'INVALID', field: ['reason'] }]);
    const notBilled = await app.gql(
      UNLOCK,
      { i: { sessionId: toGlobalId('Session', december[0]), reason: 'erreur', idempotencyKey: 'u1' } },
      { token: agent },
    );
    expect(notBilled.data.unlockAttendanceDay.userErrors).toEqual([
      { code: 'INVALID', field: ['sessionId'] },
    ]);
    const unlocked = await app.gql(
      UNLOCK,
      { i: { sessionId: session, reason: "Absent : l'école s'est trompée de liste", idempotencyKey: 'u2' } },
      { token: agent },
    );
    expect(unlocked.data.unlockAttendanceDay).toEqual({ sessions: [{ id: session }], userErrors: [] });
    const audited = await owner.query(
      `select subject_id, details->>'reason' as reason from audit_events where tenant_id = $1 and action = 'ATTENDANCE_DAY_UNLOCKED'`,
      [tenantId],
    );
    expect(audited.rows).toEqual([
      { subject_id: target.session, reason: "Absent : l'école s'est trompée de liste" },
    ]);

    const corrected = await roll(target.session, false, 'lock-fix');
    expect(corrected.data.recordAttendance.userErrors).toEqual([]);
    expect(await status()).toBe('ABSENT_UNJUSTIFIED');
    const [original, reversal, ...added] = await charges();
    expect(original).toMatchObject({
      reason: 'ATTENDED',
      quantity: 1,
      invoice_id: november.id,
      generation: 0,
    });
    expect(reversal).toMatchObject({
      reason: 'ATTENDED',
      quantity: -1,
      amount: -original.amount,
      invoice_id: null,
    });
    // A new charge when the service bills unjustified absences; none otherwise.
    for (const charge of added)
      expect(charge).toMatchObject({ reason: 'UNJUSTIFIED_ABSENCE', generation: 1, invoice_id: null });

    // December: the child came to its booked lunches; January's run bills December and the correction.
    for (const [i, sessionId] of december.entries()) {
      expect((await roll(sessionId, true, `dec-${i}`)).data.recordAttendance.userErrors).toEqual([]);
    }
    app.setNow('2027-01-05T10:00:00.000Z');
    const run = await app.gql(
      RUN,
      { i: { period: '2026-12', idempotencyKey: 'lock-dec' } },
      { token: admin },
    );
    expect(run.data.runBilling.userErrors).toEqual([]);
    const next = await invoice('2026-12');
    const billed = await owner.query(
      `select coalesce(sum(amount), 0)::int as total, count(*) filter (where reverses_charge_id is not null)::int as reversals
       from charges where tenant_id = $1 and invoice_id = $2`,
      [tenantId, next.id],
    );
    // December's lunches, less November's corrected one (plus its absence where billed).
    expect(billed.rows[0]).toEqual({ total: next.total, reversals: 1 });
    expect(next.lines).toContainEqual(
      expect.objectContaining({
        quantity: -1,
        amount: -original.amount,
        label: expect.stringMatching(/annulé/),
      }),
    );
    const after = await charges();
    expect(after.slice(1).every((c) => c.invoice_id === next.id)).toBe(true);
    // The issued invoice never changed.
    expect(await invoice('2026-11')).toEqual(november);

    // Billed again: locked again.
    const relocked = await roll(target.session, true, 'lock-again');
    expect(relocked.data.recordAttendance.userErrors).toEqual([
      expect.objectContaining({ code: 'DAY_BILLED' }),
    ]);
  });
});
