import type { Client } from 'pg';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, startTestApp, token, Role, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * After the last reminder level an invoice goes to the public treasury: it shows HANDED_OVER (not
 * OVERDUE), and nothing puts credit on it here any more — a payment plan, a corrective run's
 * credit note, a counter payment, a refund of the family's credit — each refused with a clear
 * reason or going elsewhere; PostgreSQL refuses it too. The collection batch's file carries the
 * fields the treasury's PES V2 needs that Guichet holds, the tenant's budget code among them.
 */
describe('a handed-over invoice', () => {
  const SLUG = 'test-handed-over';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let agent: string;
  let admin: string;
  /** The catch-up invoices handed over: [invoice id, family id, number]. */
  let handed: { id: string; family: string; number: string }[];
  let csvUrl: string;
  const one = async (query: string, params: unknown[] = []) => (await owner.query(query, params)).rows[0];
  const count = async (query: string, params: unknown[] = []) => Number((await one(query, params)).n);
  const CONFIGURE = `mutation($i: UpdateTenantConfigurationInput!) { updateTenantConfiguration(input: $i) {
    tenant { configuration { treasuryBudgetCode } } userErrors { code field message } } }`;

  beforeAll(async () => {
    app = await startTestApp();
    owner = await rawClient('owner');
    tenantId = await seedTestTenant(
      'saint-nazaire',
      { slug: SLUG, families: 4, seed: 1717, childAges: [5, 8] },
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
    expect(resumed.data.resumeBilling.billingRun.invoicesCreated).toBeGreaterThanOrEqual(3);
    const policy = await app.gql(
      `mutation($i: SetReminderPolicyInput!) { setReminderPolicy(input: $i) { userErrors { code } } }`,
      { i: { levels: [{ days: 10, fee: 0 }], handOverDays: 20 } },
      { token: admin },
    );
    expect(policy.data.setReminderPolicy.userErrors).toEqual([]);
    // Due 15 July: reminded on the 25th, handed over on 5 August.
    app.setNow('2026-07-25T08:00:00.000Z');
    const reminded = await app.gql(
      `mutation($i: RunRemindersInput!) { runReminders(input: $i) { batch { reminders } } }`,
      { i: { idempotencyKey: 'remind' } },
      { token: agent },
    );
    expect(reminded.data.runReminders.batch.reminders).toBeGreaterThanOrEqual(3);
    app.setNow('2026-08-05T08:00:00.000Z');
    const over = await app.gql(
      `mutation($i: HandOverToTreasuryInput!) { handOverToTreasury(input: $i) {
         treasuryBatch { number csvUrl } userErrors { code } } }`,
      { i: { idempotencyKey: 'hand-over' } },
      { token: admin },
    );
    expect(over.data.handOverToTreasury.treasuryBatch.number).toBe('TP2026-000001');
    csvUrl = over.data.handOverToTreasury.treasuryBatch.csvUrl;
    handed = (
      await owner.query(
        `select i.id, i.family_id as family, i.number from treasury_handovers h
         join invoices i on i.id = h.invoice_id where h.tenant_id = $1 order by h.position`,
        [tenantId],
      )
    ).rows;
    expect(handed.length).toBeGreaterThanOrEqual(3);
  });
  afterAll(async () => {
    app.setNow(null);
    await owner.end();
    await app.close();
  });

  it('shows HANDED_OVER, not OVERDUE, on the invoice and in the lists, with no plan offered', async () => {
    const target = handed[0];
    const shown = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Invoice { status maxInstalments amountDue { minorUnits }
         treasuryHandOver { batchNumber } } } }`,
      { id: toGlobalId('Invoice', target.id) },
      { token: agent },
    );
    expect(shown.data.node).toMatchObject({
      status: 'HANDED_OVER',
      maxInstalments: null,
      treasuryHandOver: { batchNumber: 'TP2026-000001' },
    });
    expect(shown.data.node.amountDue.minorUnits).toBeGreaterThan(0);
    const LIST = `query($s: InvoiceStatus) { invoices(first: 50, filter: { status: $s, kind: CATCH_UP }) {
      totalCount nodes { id status } } }`;
    const listed = await app.gql(LIST, { s: 'HANDED_OVER' }, { token: agent });
    expect(listed.data.invoices.totalCount).toBe(handed.length);
    expect(listed.data.invoices.nodes.every((n: { status: string }) => n.status === 'HANDED_OVER')).toBe(
      true,
    );
    const overdue = await app.gql(LIST, { s: 'OVERDUE' }, { token: agent });
    const overdueIds = overdue.data.invoices.nodes.map((n: { id: string }) => n.id);
    for (const h of handed) expect(overdueIds).not.toContain(toGlobalId('Invoice', h.id));
  });

  it('refuses a payment plan and a corrective run on it (HANDED_OVER), and PostgreSQL refuses both whoever writes', async () => {
    const target = handed[0];
    const invoiceId = toGlobalId('Invoice', target.id);
    const plan = await app.gql(
      `mutation($i: CreatePaymentPlanInput!) { createPaymentPlan(input: $i) {
         paymentPlan { id } userErrors { code field reason message } } }`,
      { i: { invoiceId, instalments: 2, idempotencyKey: 'plan' } },
      { token: agent },
    );
    expect(plan.data.createPaymentPlan.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['invoiceId'], reason: 'HANDED_OVER' }),
    ]);
    expect(plan.data.createPaymentPlan.userErrors[0].message).toMatch(/transmise au Trésor public/);
    expect(
      await count(`select count(*) as n from payment_plans where tenant_id = $1 and family_id = $2`, [
        tenantId,
        target.family,
      ]),
    ).toBe(0);

    // A charge of it corrected (cancelled): the correction waits, the draft warns, promotion refuses.
    const charge = await one(
      `select id from charges where tenant_id = $1 and invoice_id = $2 and reservation_id is not null limit 1`,
      [tenantId, target.id],
    );
    const corrected = await app.gql(
      `mutation($i: CorrectBilledChargeInput!) { correctBilledCharge(input: $i) { userErrors { code } } }`,
      {
        i: {
          chargeId: toGlobalId('Charge', charge.id),
          cancel: true,
          reason: 'Absent',
          idempotencyKey: 'c1',
        },
      },
      { token: agent },
    );
    expect(corrected.data.correctBilledCharge.userErrors).toEqual([]);
    const drafted = await app.gql(
      `mutation($i: DraftCorrectiveRunInput!) { draftCorrectiveRun(input: $i) { billingRun { id } userErrors { code } } }`,
      { i: { idempotencyKey: 'draft' } },
      { token: agent },
    );
    const runId = drafted.data.draftCorrectiveRun.billingRun.id;
    const review = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on BillingRun { corrections { warnings correctedInvoice { id } } } } }`,
      { id: runId },
      { token: agent },
    );
    expect(review.data.node.corrections).toEqual([
      { warnings: ['HANDED_OVER'], correctedInvoice: { id: invoiceId } },
    ]);
    const PROMOTE = `mutation($i: BillingRunInput!) { promoteBillingRun(input: $i) {
      billingRun { status } userErrors { code reason message } } }`;
    const refused = await app.gql(PROMOTE, { i: { runId, idempotencyKey: 'promote' } }, { token: admin });
    expect(refused.data.promoteBillingRun.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', reason: 'HANDED_OVER' }),
    ]);
    expect(refused.data.promoteBillingRun.userErrors[0].message).toMatch(/transmise au Trésor public/);
    expect(
      await count(`select count(*) as n from invoices where tenant_id = $1 and kind = 'CREDIT_NOTE'`, [
        tenantId,
      ]),
    ).toBe(0);
    expect(
      await count(`select count(*) as n from document_sequences where tenant_id = $1 and series = 'AV'`, [
        tenantId,
      ]),
    ).toBe(0);

    // Left out of the run, the correction waits; the run goes through with nothing on that invoice.
    const excluded = await app.gql(
      `mutation($i: ExcludeFromBillingRunInput!) { excludeFromBillingRun(input: $i) { userErrors { code } } }`,
      {
        i: {
          runId,
          familyId: toGlobalId('Family', target.family),
          excluded: true,
          reason: 'Transmise au Trésor',
          idempotencyKey: 'exclude',
        },
      },
      { token: agent },
    );
    expect(excluded.data.excludeFromBillingRun.userErrors).toEqual([]);
    const promoted = await app.gql(PROMOTE, { i: { runId, idempotencyKey: 'promote-2' } }, { token: admin });
    expect(promoted.data.promoteBillingRun).toEqual({ billingRun: { status: 'COMPLETED' }, userErrors: [] });
    expect(
      await count(`select count(*) as n from invoices where tenant_id = $1 and credited_invoice_id = $2`, [
        tenantId,
        target.id,
      ]),
    ).toBe(0);

    // Whoever writes: a credit note naming it, or a plan spreading it, is refused by PostgreSQL.
    await expect(
      owner.query(
        `insert into invoices select (jsonb_populate_record(null::invoices, to_jsonb(i) || jsonb_build_object(
           'id', gen_random_uuid(), 'kind', 'CREDIT_NOTE', 'series', 'AV', 'sequence', 999, 'number', 'AV-TEST',
           'total', 100, 'credited_invoice_id', i.id))).* from invoices i where i.id = $1`,
        [target.id],
      ),
    ).rejects.toThrow(/handed over to the treasury/);
    await expect(
      owner.query(
        `insert into payment_plan_invoices (tenant_id, plan_id, invoice_id) values ($1, gen_random_uuid(), $2)`,
        [tenantId, target.id],
      ),
    ).rejects.toThrow(/handed over to the treasury/);
  });

  it('takes a counter payment as credit, never on it, and refunds that credit; the invoice stays HANDED_OVER with what it owed', async () => {
    const target = handed[1];
    const office = await app.gql(
      `mutation($i: CreateCashOfficeInput!) { createCashOffice(input: $i) { cashOffice { id } userErrors { code } } }`,
      { i: { code: 'EAU', name: 'Régie eau', idempotencyKey: 'office' } },
      { token: admin },
    );
    const cashOfficeId = office.data.createCashOffice.cashOffice.id;
    const allocated = () =>
      count(
        `select coalesce(sum(amount), 0) as n from allocations where tenant_id = $1 and invoice_id = $2`,
        [tenantId, target.id],
      );
    const before = await allocated();
    const PAY = `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) {
      payment { id receipt { number } } userErrors { code reason } } }`;
    const onIt = await app.gql(
      PAY,
      {
        i: {
          familyId: toGlobalId('Family', target.family),
          amount: 1500,
          method: 'CASH',
          cashOfficeId,
          allocations: [{ invoiceId: toGlobalId('Invoice', target.id), amount: 1500 }],
          idempotencyKey: 'counter-on-it',
        },
      },
      { token: agent },
    );
    expect(onIt.data.recordPayment).toEqual({
      payment: null,
      userErrors: [{ code: 'INVALID', reason: 'HANDED_OVER' }],
    });
    // Refused before its receipt was numbered: the office's series has no hole.
    expect(await count(`select count(*) as n from receipts where tenant_id = $1`, [tenantId])).toBe(0);
    const loose = await app.gql(
      PAY,
      {
        i: {
          familyId: toGlobalId('Family', target.family),
          amount: 1500,
          method: 'CASH',
          cashOfficeId,
          idempotencyKey: 'counter-loose',
        },
      },
      { token: agent },
    );
    expect(loose.data.recordPayment.payment.receipt.number).toBe('EAU-2026-000001');
    expect(await allocated()).toBe(before);
    const refund = await app.gql(
      `mutation($i: RefundCreditInput!) { refundCredit(input: $i) { refund { number amount { minorUnits } } userErrors { code message } } }`,
      {
        i: {
          familyId: toGlobalId('Family', target.family),
          amount: 1500,
          method: 'CASH',
          cashOfficeId,
          reason: 'Payé au Trésor public',
          idempotencyKey: 'refund',
        },
      },
      { token: agent },
    );
    expect(refund.data.refundCredit.refund.amount.minorUnits).toBe(1500);
    expect(await allocated()).toBe(before);
    const shown = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Invoice { status treasuryHandOver { amount { minorUnits } } amountDue { minorUnits } } } }`,
      { id: toGlobalId('Invoice', target.id) },
      { token: agent },
    );
    expect(shown.data.node.status).toBe('HANDED_OVER');
    expect(shown.data.node.amountDue).toEqual(shown.data.node.treasuryHandOver.amount);
  });

  it('prints the tenant’s budget code, the batch date and the debtor’s names on the collection file', async () => {
    const refused = await app.gql(
      CONFIGURE,
      { i: { treasuryBudgetCode: 'BP 01', idempotencyKey: 'budget-bad' } },
      { token: admin },
    );
    expect(refused.data.updateTenantConfiguration.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['treasuryBudgetCode'] }),
    ]);
    const set = await app.gql(
      CONFIGURE,
      { i: { treasuryBudgetCode: 'bp01', idempotencyKey: 'budget' } },
      { token: admin },
    );
    expect(set.data.updateTenantConfiguration).toEqual({
      tenant: { configuration: { treasuryBudgetCode: 'BP01' } },
      userErrors: [],
    });
    expect(
      await one(`select config_treasury_budget_code as c from tenants where id = $1`, [tenantId]),
    ).toEqual({
      c: 'BP01',
    });
    const csv = await (await fetch(`${app.url}${csvUrl}`)).text();
    const [header, ...lines] = csv.trim().split('\r\n');
    expect(header.split(',').slice(-5)).toEqual([
      'objet',
      'date du bordereau',
      'nom du débiteur',
      'prénom du débiteur',
      'code budget',
    ]);
    expect(lines).toHaveLength(handed.length);
    const guardian = await one(`select guardians -> 0 as g from families where id = $1`, [handed[0].family]);
    const first = lines.find((l) => l.includes(handed[0].number))!;
    const lastName = guardian.g.last_name ?? guardian.g.lastName;
    expect(
      first.endsWith(`,2026-08-05,${lastName},${guardian.g.first_name ?? guardian.g.firstName},BP01`),
    ).toBe(true);
  });
});
