import type { Client } from 'pg';
import pino from 'pino';
import { runCollection } from '../src/jobs/reminder-jobs';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, startTestApp, token, Role, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * Reminders and the hand-over to the public treasury on a tenant of its own, on a controlled
 * clock: catch-up invoices due on 15 July; levels at 10 days (no fee) and 20 days (a fee), the
 * treasury at 40. Debts climb one level per batch even after weeks without a run, the fee is
 * charged once, batches are safe to repeat, a missed instalment is followed like an invoice, and
 * a handed-over invoice takes no more money here.
 */
describe('reminders and hand-over', () => {
  const SLUG = 'test-reminders';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let agent: string;
  let admin: string;
  /** Families with an open catch-up invoice: [invoice id, family id] (UUIDs). */
  let invoices: { id: string; family: string; number: string }[];
  let planned: { id: string; family: string };
  const logger = pino({ level: 'silent' });
  const one = async (query: string, params: unknown[] = []) => (await owner.query(query, params)).rows[0];
  const count = async (query: string, params: unknown[] = []) => Number((await one(query, params)).n);

  const RUN = `mutation($i: RunRemindersInput!) { runReminders(input: $i) {
    batch { id runOn source reminders fees lettersUrl } userErrors { code message } } }`;
  const HAND_OVER = `mutation($i: HandOverToTreasuryInput!) { handOverToTreasury(input: $i) {
    treasuryBatch { id number handedOverOn invoices total { minorUnits } csvUrl } userErrors { code message } } }`;
  const run = (key: string) => app.gql(RUN, { i: { idempotencyKey: key } }, { token: agent });
  const handOver = (key: string) => app.gql(HAND_OVER, { i: { idempotencyKey: key } }, { token: admin });
  const reminders = () =>
    owner.query(
      `select coalesce(invoice_id, instalment_id) as debt, level, fee, to_char(sent_on, 'YYYY-MM-DD') as sent
       from reminders where tenant_id = $1 order by sent_on, level, debt`,
      [tenantId],
    );

  beforeAll(async () => {
    app = await startTestApp();
    owner = await rawClient('owner');
    tenantId = await seedTestTenant(
      'saint-nazaire',
      { slug: SLUG, families: 5, seed: 17, childAges: [6, 9] },
      new Date('2026-06-15T08:00:00.000Z'),
      2,
    );
    await owner.query(
      `update tenants set config_instalment_max_count = 6, config_instalment_min_amount = 100 where id = $1`,
      [tenantId],
    );
    agent = await token(SLUG, Role.AGENT);
    admin = await token(SLUG, Role.TENANT_ADMIN);
    app.setNow('2026-06-15T08:00:00.000Z');
    const resumed = await app.gql(
      'mutation($i: ResumeBillingInput!) { resumeBilling(input: $i) { billingRun { invoicesCreated } userErrors { code } } }',
      { i: { idempotencyKey: 'resume' } },
      { token: admin },
    );
    expect(resumed.data.resumeBilling.billingRun.invoicesCreated).toBeGreaterThanOrEqual(4);
    const rows = (
      await owner.query(
        `select id, family_id as family, number, to_char(due_date, 'YYYY-MM-DD') as due from invoices
         where tenant_id = $1 order by number`,
        [tenantId],
      )
    ).rows;
    expect(new Set(rows.map((r) => r.due))).toEqual(new Set(['2026-07-15']));
    // The last family spreads its invoice over two instalments (15 July, 15 August).
    const last = rows.pop()!;
    planned = { id: last.id, family: last.family };
    const plan = await app.gql(
      `mutation($i: CreatePaymentPlanInput!) { createPaymentPlan(input: $i) {
         paymentPlan { instalments { dueDate } } userErrors { code message } } }`,
      { i: { invoiceId: toGlobalId('Invoice', last.id), instalments: 2, idempotencyKey: 'plan' } },
      { token: agent },
    );
    expect(plan.data.createPaymentPlan.paymentPlan.instalments).toEqual([
      { dueDate: '2026-07-15' },
      { dueDate: '2026-08-15' },
    ]);
    invoices = rows;
  });
  afterAll(async () => {
    app.setNow(null);
    await owner.end();
    await app.close();
  });

  it('sets the tenant’s levels, refusing levels out of order and a hand-over before the last level', async () => {
    const SET = `mutation($i: SetReminderPolicyInput!) { setReminderPolicy(input: $i) {
      policy { levels { days fee { minorUnits } } handOverDays } userErrors { code field message } } }`;
    const defaults = await app.gql(
      '{ reminderPolicy { levels { days fee { minorUnits } } handOverDays } }',
      {},
      { token: agent },
    );
    expect(defaults.data.reminderPolicy).toEqual({
      levels: [
        { days: 15, fee: { minorUnits: 0 } },
        { days: 30, fee: { minorUnits: 0 } },
      ],
      handOverDays: 60,
    });
    const disordered = await app.gql(
      SET,
      {
        i: {
          levels: [
            { days: 20, fee: 0 },
            { days: 10, fee: 0 },
          ],
          handOverDays: 40,
        },
      },
      { token: admin },
    );
    expect(disordered.data.setReminderPolicy.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['levels'] }),
    ]);
    const early = await app.gql(
      SET,
      {
        i: {
          levels: [
            { days: 10, fee: 0 },
            { days: 20, fee: 500 },
          ],
          handOverDays: 20,
        },
      },
      { token: admin },
    );
    expect(early.data.setReminderPolicy.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['handOverDays'] }),
    ]);
    const byAgent = await app.gql(
      SET,
      { i: { levels: [{ days: 10, fee: 0 }], handOverDays: 40 } },
      { token: agent },
    );
    expect(byAgent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const set = await app.gql(
      SET,
      {
        i: {
          levels: [
            { days: 10, fee: 0 },
            { days: 20, fee: 500 },
          ],
          handOverDays: 40,
        },
      },
      { token: admin },
    );
    expect(set.data.setReminderPolicy).toEqual({
      policy: {
        levels: [
          { days: 10, fee: { minorUnits: 0 } },
          { days: 20, fee: { minorUnits: 500 } },
        ],
        handOverDays: 40,
      },
      userErrors: [],
    });
    expect(
      await one(`select config_reminder_levels as l, config_hand_over_days as d from tenants where id = $1`, [
        tenantId,
      ]),
    ).toEqual({
      l: [
        { days: 10, fee: 0 },
        { days: 20, fee: 500 },
      ],
      d: 40,
    });
  });

  it('escalates level by level on the clock: nothing before 10 days, level 1 once (job and agent alike), then one level per batch after an outage, the fee once', async () => {
    // Five days late: nothing is due yet, and no empty batch is written.
    app.setNow('2026-07-20T08:00:00.000Z');
    expect((await run('early')).data.runReminders).toEqual({ batch: null, userErrors: [] });
    expect(await count(`select count(*) as n from reminder_batches where tenant_id = $1`, [tenantId])).toBe(
      0,
    );

    // Ten days late: the daily job sends level 1 for every invoice and for the missed instalment.
    const day10 = new Date('2026-07-25T08:00:00.000Z');
    app.setNow(day10);
    const [job] = await runCollection(app.orm.em, day10, logger, [SLUG]);
    expect(job).toEqual({ tenant: SLUG, reminders: invoices.length + 1, fees: 0, treasuryBatchId: null });
    // The job again, and an agent the same day: nothing more.
    expect((await runCollection(app.orm.em, day10, logger, [SLUG]))[0].reminders).toBe(0);
    expect((await run('day-10')).data.runReminders.batch).toBeNull();
    let sent = (await reminders()).rows;
    expect(sent).toHaveLength(invoices.length + 1);
    expect(sent.every((r) => r.level === 1 && r.fee === 0 && r.sent === '2026-07-25')).toBe(true);
    const instalment = await one(
      `select n.id from instalments n join payment_plans p on p.id = n.plan_id where p.family_id = $1 and n.position = 1`,
      [planned.family],
    );
    expect(sent.map((r) => r.debt)).toContain(instalment.id);
    expect(sent.map((r) => r.debt)).not.toContain(planned.id); // the plan's invoice: its instalments are followed
    const notice = await one(
      `select kind, message from notifications where tenant_id = $1 and family_id = $2 and kind = 'PAYMENT_REMINDER'`,
      [tenantId, invoices[0].family],
    );
    expect(notice.message).toMatch(
      new RegExp(`Relance 1 : la facture ${invoices[0].number}, échue le mercredi 15 juillet 2026`),
    );

    // The first family pays everything: it gets no more reminders.
    const paid = await app.gql(
      `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { userErrors { code message } } }`,
      {
        i: {
          familyId: toGlobalId('Family', invoices[0].family),
          amount: Number((await one(`select total from invoices where id = $1`, [invoices[0].id])).total),
          method: 'CASH',
          idempotencyKey: 'pay-first',
        },
      },
      { token: agent },
    );
    expect(paid.data.recordPayment.userErrors).toEqual([]);

    // No batch for two months (an outage), then one run: level 2 only, never straight to the treasury.
    app.setNow('2026-09-30T08:00:00.000Z');
    const late = await run('day-77');
    const unpaid = invoices.length - 1;
    // Level 2 for the unpaid invoices and the first instalment, level 1 for the second instalment.
    expect(late.data.runReminders.batch).toMatchObject({
      source: 'AGENT',
      reminders: unpaid + 2,
      fees: unpaid + 1,
    });
    expect((await handOver('too-soon')).data.handOverToTreasury.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID' }),
    ]);
    expect(
      await count(`select count(*) as n from document_sequences where tenant_id = $1 and series = 'TP'`, [
        tenantId,
      ]),
    ).toBe(0);
    sent = (await reminders()).rows.filter((r) => r.sent === '2026-09-30');
    expect(sent.filter((r) => r.level === 2).every((r) => r.fee === 500)).toBe(true);
    expect(sent.filter((r) => r.level === 1)).toEqual([expect.objectContaining({ fee: 0 })]);
    // Each fee is a FEE invoice of the invoices' series, charged once per debt.
    expect(
      await count(
        `select count(*) as n from invoices where tenant_id = $1 and kind = 'FEE' and total = 500`,
        [tenantId],
      ),
    ).toBe(unpaid + 1);
    expect(
      await count(`select count(*) as n from reminders where tenant_id = $1 and fee > 0`, [tenantId]),
    ).toBe(unpaid + 1);
    const letter = await fetch(`${app.url}${late.data.runReminders.batch.lettersUrl}`);
    expect(letter.status).toBe(200);
    expect(
      Buffer.from(await letter.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('hands over in one numbered batch the debts past their last level, once; then refuses payments and credits on them', async () => {
    app.setNow('2026-10-20T08:00:00.000Z');
    const [first, second] = await Promise.all([handOver('hand-over-1'), handOver('hand-over-2')]);
    const batches = [first, second].map((r) => r.data.handOverToTreasury);
    const made = batches.find((b) => b.treasuryBatch)!;
    expect(batches.filter((b) => b.treasuryBatch)).toHaveLength(1);
    expect(batches.find((b) => !b.treasuryBatch)!.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID' }),
    ]);
    const unpaid = invoices.slice(1);
    expect(made.treasuryBatch).toMatchObject({
      number: 'TP2026-000001',
      handedOverOn: '2026-10-20',
      invoices: unpaid.length + 1,
    });
    // The same key replays; the job afterwards finds nothing more; the number series has no hole.
    expect((await handOver('hand-over-1')).data.handOverToTreasury.treasuryBatch.number).toBe(
      'TP2026-000001',
    );
    const [job] = await runCollection(app.orm.em, new Date('2026-10-20T09:00:00.000Z'), logger, [SLUG]);
    expect(job.treasuryBatchId).toBeNull();
    expect(
      await one(`select last_number from document_sequences where tenant_id = $1 and series = 'TP'`, [
        tenantId,
      ]),
    ).toEqual({ last_number: 1 });
    const handed = (
      await owner.query(
        `select invoice_id, amount from treasury_handovers where tenant_id = $1 order by position`,
        [tenantId],
      )
    ).rows;
    expect(handed.map((h) => h.invoice_id).sort()).toEqual([...unpaid.map((i) => i.id), planned.id].sort());

    // The treasury's CSV: a header and one line per invoice.
    const csv = await (await fetch(`${app.url}${made.treasuryBatch.csvUrl}`)).text();
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toMatch(/^bordereau,pièce,facture,nature/);
    expect(lines).toHaveLength(handed.length + 1);
    expect(lines[1]).toContain('TP2026-000001,1,');

    // The invoice shows it; money is refused on it with a clear message.
    const target = unpaid[0];
    const invoiceId = toGlobalId('Invoice', target.id);
    const shown = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Invoice { treasuryHandOver { batchNumber handedOverOn amount { minorUnits } }
         reminders { level fee { minorUnits } letterUrl } } } }`,
      { id: invoiceId },
      { token: agent },
    );
    expect(shown.data.node.treasuryHandOver).toMatchObject({
      batchNumber: 'TP2026-000001',
      handedOverOn: '2026-10-20',
    });
    const single = await fetch(`${app.url}${shown.data.node.reminders[1].letterUrl}`);
    expect(single.status).toBe(200);
    expect(single.headers.get('content-type')).toBe('application/pdf');
    expect(shown.data.node.reminders.map((r: any) => [r.level, r.fee.minorUnits])).toEqual([
      [1, 0],
      [2, 500],
    ]);
    const before = await count(
      `select count(*) as n from allocations where tenant_id = $1 and invoice_id = $2`,
      [tenantId, target.id],
    );
    const PAY = `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { id } userErrors { code field message reason } } }`;
    const refused = await app.gql(
      PAY,
      {
        i: {
          familyId: toGlobalId('Family', target.family),
          amount: 1000,
          method: 'CASH',
          allocations: [{ invoiceId, amount: 1000 }],
          idempotencyKey: 'pay-handed-over',
        },
      },
      { token: agent },
    );
    expect(refused.data.recordPayment.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', reason: 'HANDED_OVER', field: ['allocations', '0'] }),
    ]);
    expect(refused.data.recordPayment.userErrors[0].message).toMatch(
      /transmise au Trésor public le mardi 20 octobre 2026 \(bordereau TP2026-000001\)/,
    );
    const credit = await app.gql(
      `mutation($i: IssueCreditNoteInput!) { issueCreditNote(input: $i) { creditNote { id } userErrors { code reason } } }`,
      { i: { invoiceId, amount: 100, reason: 'Geste', idempotencyKey: 'credit-handed-over' } },
      { token: agent },
    );
    expect(credit.data.issueCreditNote).toEqual({
      creditNote: null,
      userErrors: [{ code: 'INVALID', reason: 'HANDED_OVER' }],
    });
    // A payment without allocations never lands on it (it pays the fee invoice, the rest is credit).
    const loose = await app.gql(
      PAY,
      {
        i: {
          familyId: toGlobalId('Family', target.family),
          amount: 5000,
          method: 'CASH',
          idempotencyKey: 'pay-loose',
        },
      },
      { token: agent },
    );
    expect(loose.data.recordPayment.userErrors).toEqual([]);
    expect(
      await count(`select count(*) as n from allocations where tenant_id = $1 and invoice_id = $2`, [
        tenantId,
        target.id,
      ]),
    ).toBe(before);
    // And PostgreSQL refuses it too, whoever writes.
    const payment = await one(
      `select id from payments where tenant_id = $1 and family_id = $2 order by recorded_at desc limit 1`,
      [tenantId, target.family],
    );
    await expect(
      owner.query(
        `insert into allocations (id, tenant_id, family_id, invoice_id, payment_id, amount, created_at)
         values (gen_random_uuid(), $1, $2, $3, $4, 1, now())`,
        [tenantId, target.family, target.id, payment.id],
      ),
    ).rejects.toThrow(/handed over to the treasury/);
  });
});
