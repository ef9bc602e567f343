import { parse } from 'csv-parse/sync';
import type { Client } from 'pg';
import { demoTenants } from '../seeds/demo-tenants';
import { seedTenant } from '../seeds/DatabaseSeeder';
import { createApiKey } from '../src/auth/api-keys.service';
import { Role, Scope, type Viewer } from '../src/auth/viewer';
import { runBilling } from '../src/billing/runs/billing-run.service';
import { monthEndBilling } from '../src/jobs/month-end-billing';
import { initOrm } from '../src/db/orm';
import { inTenantTransaction } from '../src/db/tenant-scope';
import { createLogger } from '../src/shared/logger';
import { Tenant } from '../src/tenants/tenant.entity';
import { rawClient, startTestApp, token, type TestApp } from './support/app';
import { apiKey, partOfCatalogue } from './support/tenants';

/**
 * Saint-Nazaire's story on a tenant of its own (so that no other suite shares its ledger):
 * billing suspended since March, a quarter of canteen meals accrues, a deposit is paid at the
 * counter, billing resumes with one catch-up invoice per family, which families spread, pay,
 * overpay and get corrected; then a normal month is billed once, whatever crashes or overlaps.
 */
describe('billing', () => {
  const SLUG = 'test-billing';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let agent: string;
  let admin: string;
  let kids: { id: string; familyId: string }[];
  let sessions: { id: string; date: string }[];

  const lunchOn = (date: string) => `${date}T11:00:00.000Z`;
  const INVOICE_FIELDS = `id number kind pdfUrl period periodFrom periodTo dueDate status maxInstalments
    total { amount } amountDue { amount } amountPaid { amount }
    lines { id month label quantity unitPrice { amount } amount { amount } }`;
  const ACCOUNT = `query($id: ID!) { node(id: $id) { ... on Family {
    account { balance { amount } credit { amount } due { amount } overdue { amount } unbilled { amount }
              invoiced { amount } credited { amount } paid { amount } openInvoices { number } }
    invoices(first: 20) { nodes { ${INVOICE_FIELDS} } } } } }`;
  const COLLECT = `mutation($input: CollectWaterDebitsInput!) { collectWaterDebits(input: $input) {
    debits skipped userErrors { code } } }`;
  const PAY = `mutation($input: RecordPaymentInput!) { recordPayment(input: $input) {
    payment { id amount { amount } method channel isDeposit } userErrors { code field message } } }`;

  const accountOf = async (familyId: string) =>
    (await app.gql(ACCOUNT, { id: familyId }, { token: agent })).data.node;
  const catchUpOf = async (familyId: string) =>
    (await accountOf(familyId)).invoices.nodes.find((i: any) => i.kind === 'CATCH_UP');

  beforeAll(async () => {
    app = await startTestApp();
    owner = await rawClient('owner');
    // A copy of Saint-Nazaire with one school, seeded as if on 27 February 2026 with 14 weeks of sessions.
    const saintNazaire = demoTenants().find((t) => t.slug === 'saint-nazaire')!;
    const ownerOrm = await initOrm({
      clientUrl: process.env.GUICHET_TEST_OWNER_URL!,
      logger: createLogger('silent'),
    });
    try {
      const tenant = await seedTenant(
        ownerOrm.em.fork(),
        {
          ...saintNazaire,
          slug: SLUG,
          name: 'Ville de test — facturation',
          families: 6,
          seed: 777,
          childAges: [6, 9],
          catalogue: partOfCatalogue('saint-nazaire', [
            { kind: 'SCHOOL', name: 'École des Essais', capacity: 200 },
          ]),
          networkServices: saintNazaire.networkServices,
        },
        new Date('2026-02-27T12:00:00Z'),
        14,
      );
      tenantId = tenant.id;
      const em = ownerOrm.em.fork();
      payKey = (
        await createApiKey(em, {
          name: 'Card provider',
          tenantIds: [tenantId],
          scopes: [Scope.PAYMENTS_WRITE],
        })
      ).plaintext;
    } finally {
      await ownerOrm.close(true);
    }
    agent = await token(SLUG, Role.AGENT);
    admin = await token(SLUG, Role.TENANT_ADMIN);
    const families = await app.gql(
      '{ families(first: 20) { nodes { id children { id school { id } } } } }',
      {},
      { token: agent },
    );
    kids = families.data.families.nodes
      .flatMap((f: any) =>
        f.children.filter((c: any) => c.school).map((c: any) => ({ id: c.id, familyId: f.id })),
      )
      .filter((k: any, i: number, all: any[]) => all.findIndex((o) => o.familyId === k.familyId) === i)
      .slice(0, 3);
    expect(kids).toHaveLength(3);
    const canteen = await app.gql(
      '{ services(first: 5, kind: CANTEEN) { nodes { id } } }',
      {},
      { token: agent },
    );
    const res = await app.gql(
      'query($f: SessionFilter) { sessions(first: 100, filter: $f) { nodes { id date } } }',
      { f: { serviceId: canteen.data.services.nodes[0].id, from: '2026-03-01', to: '2026-06-30' } },
      { token: agent },
    );
    sessions = res.data.sessions.nodes;
  });
  let payKey: string;
  afterAll(async () => {
    app.setNow(null);
    await owner.end();
    await app.close();
  });

  it('accrues a quarter of meals while billing is suspended, and a suspended run issues nothing', async () => {
    expect(sessions.length).toBeGreaterThan(40);
    app.setNow('2026-02-27T08:00:00.000Z');
    for (const kid of kids) {
      const booked = await app.gql(
        `mutation($input: ReserveInput!) { reserve(input: $input) { reservations { id } userErrors { code message } } }`,
        {
          input: {
            childId: kid.id,
            sessionIds: sessions.map((s) => s.id),
            idempotencyKey: `quarter-${kid.id}`,
          },
        },
        { token: agent },
      );
      expect(booked.data.reserve.userErrors).toEqual([]);
    }
    // The roll of every day: the second child is absent (billed) on the first day of each month.
    const firstOfMonth = new Set(
      [...new Set(sessions.map((s) => s.date.slice(0, 7)))].map(
        (m) => sessions.find((s) => s.date.startsWith(m))!.id,
      ),
    );
    for (const session of sessions) {
      app.setNow(lunchOn(session.date));
      const absent = firstOfMonth.has(session.id) ? [kids[1].id] : [];
      const present = kids.map((k) => k.id).filter((id) => !absent.includes(id));
      const roll = await app.gql(
        `mutation($input: RecordAttendanceInput!) { recordAttendance(input: $input) { userErrors { code } } }`,
        { input: { sessionId: session.id, present, absent, idempotencyKey: `roll-${session.id}` } },
        { token: agent },
      );
      expect(roll.errors).toBeUndefined();
      expect(roll.data.recordAttendance.userErrors).toEqual([]);
    }

    app.setNow('2026-04-02T08:00:00.000Z');
    const run = await app.gql(
      `mutation($input: RunBillingInput!) { runBilling(input: $input) { billingRun { status invoicesCreated } userErrors { code } } }`,
      { input: { period: '2026-03', idempotencyKey: 'march' } },
      { token: admin },
    );
    expect(run.data.runBilling).toEqual({
      billingRun: { status: 'SUSPENDED', invoicesCreated: 0 },
      userErrors: [],
    });
    const account = await accountOf(kids[0].familyId);
    expect(account.invoices.nodes).toEqual([]);
    expect(account.account.unbilled.amount).toBeGreaterThan(0);
    expect(account.account.balance.amount).toBe(0);

    // Water: a 30 € monthly direct debit; March's and April's are not taken while billing is suspended.
    const debit = await app.gql(
      `mutation($input: SetWaterDebitInput!) { setWaterDebit(input: $input) { monthlyAmount userErrors { code } } }`,
      { input: { familyId: kids[0].familyId, monthlyAmount: 3000 } },
      { token: agent },
    );
    expect(debit.data.setWaterDebit).toEqual({ monthlyAmount: 3000, userErrors: [] });
    for (const period of ['2026-03', '2026-04']) {
      const collected = await app.gql(COLLECT, { input: { period } }, { token: admin });
      expect(collected.data.collectWaterDebits).toEqual({ debits: 0, skipped: true, userErrors: [] });
    }
  });

  it('answers suspendBilling with a payload: refused when billing is already suspended', async () => {
    const res = await app.gql(
      `mutation($i: SuspendBillingInput!) { suspendBilling(input: $i) {
         tenant { configuration { billingSuspended billingSuspendedSince } } userErrors { code message } } }`,
      { i: {} },
      { token: admin },
    );
    expect(res.data.suspendBilling).toEqual({
      tenant: { configuration: { billingSuspended: true, billingSuspendedSince: '2026-03-01' } },
      userErrors: [
        { code: 'INVALID', message: 'La facturation est déjà suspendue (depuis le dimanche 1er mars 2026).' },
      ],
    });
  });

  it('takes a deposit at the counter as credit', async () => {
    app.setNow('2026-04-10T09:00:00.000Z');
    const deposit = await app.gql(
      `mutation($input: RecordDepositInput!) { recordDeposit(input: $input) {
         payment { amount { amount } method channel isDeposit } userErrors { code } } }`,
      {
        input: {
          familyId: kids[0].familyId,
          amount: 5000,
          method: 'CASH',
          reference: 'reçu 118',
          idempotencyKey: 'dep-1',
        },
      },
      { token: agent },
    );
    expect(deposit.data.recordDeposit).toEqual({
      payment: { amount: { amount: 5000 }, method: 'CASH', channel: 'COUNTER', isDeposit: true },
      userErrors: [],
    });
    const account = (await accountOf(kids[0].familyId)).account;
    expect(account.credit.amount).toBe(5000);
    expect(account.balance.amount).toBe(-5000);
  });

  it('resumes with one catch-up invoice per family, lines by month and service, the deposit applied', async () => {
    app.setNow('2026-06-03T09:00:00.000Z');
    const resumed = await app.gql(
      `mutation($input: ResumeBillingInput!) { resumeBilling(input: $input) {
         billingRun { kind status throughDate invoicesCreated } userErrors { code message } } }`,
      { input: { idempotencyKey: 'resume' } },
      { token: admin },
    );
    expect(resumed.data.resumeBilling).toEqual({
      billingRun: { kind: 'CATCH_UP', status: 'COMPLETED', throughDate: '2026-05-31', invoicesCreated: 3 },
      userErrors: [],
    });
    const directory = await app.gql(
      '{ tenant { configuration { billingSuspended } } }',
      {},
      { token: admin },
    );
    expect(directory.data.tenant.configuration.billingSuspended).toBe(false);

    for (const [index, kid] of kids.entries()) {
      const invoice = await catchUpOf(kid.familyId);
      expect(invoice.number).toMatch(/^F2026-00000[1-3]$/);
      expect(invoice.lines.map((l: any) => l.month)).toEqual(
        expect.arrayContaining(['2026-03', '2026-04', '2026-05']),
      );
      // The invoice is exactly the family's charges up to the end of May.
      const charges = await app.gql(
        `query($id: ID!) { node(id: $id) { ... on Family { charges(first: 100, to: "2026-05-31") {
           totalCount nodes { amount { amount } invoiced } } } } }`,
        { id: kid.familyId },
        { token: agent },
      );
      const nodes = charges.data.node.charges.nodes;
      expect(nodes.every((c: any) => c.invoiced)).toBe(true);
      const sum = nodes.reduce((s: number, c: any) => s + c.amount.amount, 0);
      expect(invoice.total.amount).toBe(sum);
      expect(invoice.lines.reduce((s: number, l: any) => s + l.amount.amount, 0)).toBe(sum);
      for (const line of invoice.lines)
        expect(line.amount.amount).toBe(line.quantity * line.unitPrice.amount);
      if (index === 1)
        expect(invoice.lines.some((l: any) => /absence non justifiée/.test(l.label))).toBe(true);
    }
    const first = await catchUpOf(kids[0].familyId);
    expect(first.amountPaid.amount).toBe(5000);
    expect(first.amountDue.amount).toBe(first.total.amount - 5000);
    const numbers = await Promise.all(kids.map(async (k) => (await catchUpOf(k.familyId)).number));
    expect(numbers.sort()).toEqual(['F2026-000001', 'F2026-000002', 'F2026-000003']);
    // June's meals wait for June's run.
    expect((await accountOf(kids[0].familyId)).account.unbilled.amount).toBeGreaterThan(0);
  });

  let planned: { familyId: string; invoiceId: string; instalments: any[] };

  it('spreads a catch-up invoice over 6 monthly instalments that sum to the cent', async () => {
    const invoices = await Promise.all(
      kids.map(async (k) => ({ kid: k, invoice: await catchUpOf(k.familyId) })),
    );
    const { kid, invoice } = invoices
      .filter((i) => i.kid !== kids[0])
      .sort((a, b) => b.invoice.total.amount - a.invoice.total.amount)[0];
    expect(invoice.amountDue.amount).toBeGreaterThanOrEqual(6 * 1000);
    expect(invoice.maxInstalments).toBeGreaterThanOrEqual(6);
    const PLAN = `mutation($input: CreatePaymentPlanInput!) { createPaymentPlan(input: $input) {
      paymentPlan { id total { amount } instalments { position dueDate amount { amount } paid { amount } status } }
      userErrors { code field message } } }`;
    const tooMany = await app.gql(
      PLAN,
      { input: { invoiceId: invoice.id, instalments: 11, idempotencyKey: 'plan-11' } },
      { token: agent },
    );
    expect(tooMany.data.createPaymentPlan.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['instalments'] }),
    ]);
    const parent = await token(SLUG, Role.PARENT, kid.familyId);
    const res = await app.gql(
      PLAN,
      { input: { invoiceId: invoice.id, instalments: 6, idempotencyKey: 'plan-6' } },
      { token: parent },
    );
    expect(res.errors).toBeUndefined();
    const plan = res.data.createPaymentPlan.paymentPlan;
    expect(res.data.createPaymentPlan.userErrors).toEqual([]);
    const amounts = plan.instalments.map((i: any) => i.amount.amount);
    expect(amounts.reduce((a: number, b: number) => a + b, 0)).toBe(invoice.amountDue.amount);
    const base = Math.floor(invoice.amountDue.amount / 6);
    expect(amounts.slice(1)).toEqual([base, base, base, base, base]);
    expect(amounts[0]).toBe(invoice.amountDue.amount - 5 * base);
    expect(plan.instalments.map((i: any) => i.dueDate)).toEqual([
      '2026-07-03',
      '2026-08-03',
      '2026-09-03',
      '2026-10-03',
      '2026-11-03',
      '2026-12-03',
    ]);
    expect(plan.instalments.every((i: any) => i.status === 'DUE')).toBe(true);
    expect((await catchUpOf(kid.familyId)).status).toBe('ON_PLAN');
    const twice = await app.gql(
      PLAN,
      { input: { invoiceId: invoice.id, instalments: 3, idempotencyKey: 'plan-again' } },
      { token: agent },
    );
    expect(twice.data.createPaymentPlan.userErrors[0].message).toBe(
      'Cette facture fait déjà partie d’un échéancier.',
    );
    planned = { familyId: kid.familyId, invoiceId: invoice.id, instalments: plan.instalments };
  });

  it('fills the instalments in order and shows the late one overdue', async () => {
    app.setNow('2026-07-01T09:00:00.000Z');
    const first = planned.instalments[0].amount.amount;
    const paid = await app.gql(
      PAY,
      {
        input: {
          familyId: planned.familyId,
          amount: first,
          method: 'CARD',
          reference: 'TPE 4411',
          idempotencyKey: 'inst-1',
        },
      },
      { token: agent },
    );
    expect(paid.data.recordPayment.userErrors).toEqual([]);
    app.setNow('2026-08-05T09:00:00.000Z');
    const res = await app.gql(
      'query($id: ID!) { node(id: $id) { ... on Invoice { status paymentPlan { instalments { status paid { amount } } } } } }',
      { id: planned.invoiceId },
      { token: agent },
    );
    const states = res.data.node.paymentPlan.instalments;
    expect(states.map((s: any) => s.status)).toEqual(['PAID', 'OVERDUE', 'DUE', 'DUE', 'DUE', 'DUE']);
    expect(states[0].paid.amount).toBe(first);
    const account = (await accountOf(planned.familyId)).account;
    expect(account.overdue.amount).toBe(planned.instalments[1].amount.amount);
  });

  it('turns an overpayment into credit', async () => {
    const family = kids.find((k) => k.familyId !== planned.familyId && k !== kids[0])!.familyId;
    const invoice = await catchUpOf(family);
    const res = await app.gql(
      PAY,
      {
        input: {
          familyId: family,
          amount: invoice.amountDue.amount + 1234,
          method: 'CHEQUE',
          reference: 'chèque 0099',
          idempotencyKey: 'over',
        },
      },
      { token: agent },
    );
    expect(res.data.recordPayment.userErrors).toEqual([]);
    const after = await accountOf(family);
    expect((await catchUpOf(family)).status).toBe('PAID');
    expect(after.account.credit.amount).toBe(1234);
    expect(after.account.balance.amount).toBe(-1234);
    expect(after.account.openInvoices).toEqual([]);
    // A retry replays; the same key for another payment is refused.
    const retry = await app.gql(
      PAY,
      {
        input: {
          familyId: family,
          amount: invoice.amountDue.amount + 1234,
          method: 'CHEQUE',
          reference: 'chèque 0099',
          idempotencyKey: 'over',
        },
      },
      { token: agent },
    );
    expect(retry.data.recordPayment.payment.id).toBe(res.data.recordPayment.payment.id);
    const conflict = await app.gql(
      PAY,
      { input: { familyId: family, amount: 1, method: 'CHEQUE', idempotencyKey: 'over' } },
      { token: agent },
    );
    expect(conflict.data.recordPayment.userErrors[0].code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('takes cash and cheques at the counter only, in the methods the town accepts', async () => {
    const cashOnline = await app.gql(
      PAY,
      { input: { familyId: kids[0].familyId, amount: 100, method: 'CASH', idempotencyKey: 'cash-online' } },
      { token: payKey, headers: { 'x-tenant': SLUG } },
    );
    expect(cashOnline.data.recordPayment.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['method'] }),
    ]);
    const debitAtCounter = await app.gql(
      PAY,
      {
        input: {
          familyId: kids[0].familyId,
          amount: 100,
          method: 'DIRECT_DEBIT',
          idempotencyKey: 'dd-counter',
        },
      },
      { token: agent },
    );
    expect(debitAtCounter.data.recordPayment.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['method'] }),
    ]);
    const parent = await token(SLUG, Role.PARENT, kids[0].familyId);
    const byParent = await app.gql(
      PAY,
      { input: { familyId: kids[0].familyId, amount: 100, method: 'CARD', idempotencyKey: 'p' } },
      { token: parent },
    );
    expect(byParent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('corrects an issued invoice with a credit note, never by changing it', async () => {
    const invoice = await catchUpOf(kids[0].familyId);
    const line = invoice.lines[0];
    const CREDIT = `mutation($input: IssueCreditNoteInput!) { issueCreditNote(input: $input) {
      creditNote { number kind total { amount } creditedInvoice { number } lines { quantity amount { amount } } }
      userErrors { code field message } } }`;
    const tooMany = await app.gql(
      CREDIT,
      {
        input: {
          invoiceId: invoice.id,
          lines: [{ lineId: line.id, quantity: line.quantity + 1 }],
          reason: 'x',
          idempotencyKey: 'cn-0',
        },
      },
      { token: agent },
    );
    expect(tooMany.data.issueCreditNote.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['lines', '0'] }),
    ]);
    const res = await app.gql(
      CREDIT,
      {
        input: {
          invoiceId: invoice.id,
          lines: [{ lineId: line.id, quantity: 2 }],
          reason: 'Sortie scolaire non déduite',
          idempotencyKey: 'cn-1',
        },
      },
      { token: agent },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.issueCreditNote).toEqual({
      creditNote: {
        number: 'AV2026-000001',
        kind: 'CREDIT_NOTE',
        total: { amount: 2 * line.unitPrice.amount },
        creditedInvoice: { number: invoice.number },
        lines: [{ quantity: 2, amount: { amount: 2 * line.unitPrice.amount } }],
      },
      userErrors: [],
    });
    const after = await catchUpOf(kids[0].familyId);
    expect(after.total).toEqual(invoice.total);
    expect(after.amountDue.amount).toBe(invoice.amountDue.amount - 2 * line.unitPrice.amount);
    const tooMuch = await app.gql(
      CREDIT,
      {
        input: {
          invoiceId: invoice.id,
          amount: invoice.total.amount,
          reason: 'trop',
          idempotencyKey: 'cn-2',
        },
      },
      { token: agent },
    );
    expect(tooMuch.data.issueCreditNote.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['amount'] }),
    ]);

    // A line given twice, or more units than are left uncredited, writes nothing.
    const notesBefore = (
      await owner.query(
        `select count(*)::int as n from invoices where tenant_id = $1 and kind = 'CREDIT_NOTE'`,
        [tenantId],
      )
    ).rows[0].n;
    const twice = await app.gql(
      CREDIT,
      {
        input: {
          invoiceId: invoice.id,
          lines: [
            { lineId: line.id, quantity: 1 },
            { lineId: line.id, quantity: 1 },
          ],
          reason: 'deux fois',
          idempotencyKey: 'cn-3',
        },
      },
      { token: agent },
    );
    expect(twice.data.issueCreditNote).toEqual({
      creditNote: null,
      userErrors: [expect.objectContaining({ code: 'INVALID', field: ['lines', '1'] })],
    });
    const beyond = await app.gql(
      CREDIT,
      {
        input: {
          invoiceId: invoice.id,
          lines: [{ lineId: line.id, quantity: line.quantity - 1 }],
          reason: 'au-delà',
          idempotencyKey: 'cn-4',
        },
      },
      { token: agent },
    );
    expect(beyond.data.issueCreditNote.userErrors).toEqual([
      expect.objectContaining({
        code: 'INVALID',
        field: ['lines', '0'],
        message: `Créditez de 1 à ${line.quantity - 2} unités de cette ligne.`,
      }),
    ]);
    expect(
      (
        await owner.query(
          `select count(*)::int as n from invoices where tenant_id = $1 and kind = 'CREDIT_NOTE'`,
          [tenantId],
        )
      ).rows[0].n,
    ).toBe(notesBefore);
  });

  it('bills a normal month once: a crashed run leaves nothing, overlapping runs issue each invoice once, gapless', async () => {
    app.setNow('2026-07-02T06:00:00.000Z');
    // A run that crashes after its first invoice rolls back whole: no invoice, no number taken.
    const adminViewer: Viewer = {
      kind: 'PERSON',
      subject: 'test:crash',
      displayName: null,
      roles: [Role.TENANT_ADMIN],
      scopes: [],
      tenantId,
      familyId: null,
    };
    await expect(
      inTenantTransaction(app.orm.em.fork(), tenantId, async (tx) => {
        const tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
        return runBilling(
          { em: tx, viewer: adminViewer, tenant, now: () => new Date('2026-07-02T06:00:00.000Z') },
          { period: '2026-06', idempotencyKey: 'crash' },
          {
            batchSize: 1,
            afterBatch: () => {
              throw new Error('simulated crash after the first batch');
            },
          },
        );
      }),
    ).rejects.toThrow(/simulated crash/);
    const LIST = `query($f: InvoiceFilter) { invoices(first: 100, filter: $f) { totalCount nodes { number kind period } } }`;
    expect(
      (await app.gql(LIST, { f: { period: '2026-06', kind: 'INVOICE' } }, { token: agent })).data.invoices
        .totalCount,
    ).toBe(0);

    // Two runs at once (the scheduler and an admin): each family is invoiced once.
    const RUN = `mutation($input: RunBillingInput!) { runBilling(input: $input) { billingRun { id invoicesCreated } userErrors { code } } }`;
    const [a, b] = await Promise.all([
      app.gql(RUN, { input: { period: '2026-06', idempotencyKey: 'june-a' } }, { token: admin }),
      app.gql(RUN, { input: { period: '2026-06', idempotencyKey: 'june-b' } }, { token: admin }),
    ]);
    const created = [a, b].map((r) => r.data.runBilling.billingRun.invoicesCreated).sort();
    expect(created).toEqual([0, 3]);
    const replay = await app.gql(
      RUN,
      { input: { period: '2026-06', idempotencyKey: 'june-a' } },
      { token: admin },
    );
    expect(replay.data.runBilling.billingRun.id).toBe(a.data.runBilling.billingRun.id);
    const early = await app.gql(
      RUN,
      { input: { period: '2026-07', idempotencyKey: 'july' } },
      { token: admin },
    );
    expect(early.data.runBilling.userErrors[0].code).toBe('INVALID');

    const all = (await app.gql(LIST, { f: null }, { token: agent })).data.invoices.nodes;
    const sequence = all
      .filter((i: any) => i.kind !== 'CREDIT_NOTE')
      .map((i: any) => Number(i.number.slice(-6)))
      .sort((x: number, y: number) => x - y);
    expect(sequence).toEqual([1, 2, 3, 4, 5, 6]);
    expect(all.filter((i: any) => i.period === '2026-06')).toHaveLength(3);
    for (const kid of kids) expect((await accountOf(kid.familyId)).account.unbilled.amount).toBe(0);
  });

  it('bills each month end in the tenant time zone, once, from the job queue', async () => {
    const logger = createLogger('silent');
    // 23:59 on 31 July in Saint-Nazaire: not yet a month end there.
    expect(
      await monthEndBilling(app.orm.em.fork(), new Date('2026-07-31T21:59:00Z'), logger, [SLUG]),
    ).toEqual([]);
    const first = await monthEndBilling(app.orm.em.fork(), new Date('2026-07-31T22:00:00Z'), logger, [SLUG]);
    expect(first).toEqual([{ tenant: SLUG, period: '2026-07', invoices: 0, status: 'COMPLETED' }]);
    // The next hourly attempt replays the same run.
    const again = await monthEndBilling(app.orm.em.fork(), new Date('2026-07-31T23:00:00Z'), logger, [SLUG]);
    expect(again).toEqual(first);
    const { rows } = await owner.query(
      `select count(*)::int as n from billing_runs where tenant_id = $1 and period = '2026-07'`,
      [tenantId],
    );
    expect(rows[0].n).toBe(1);
  });

  it("regularises the year's water: consumption against what was debited, missed months included", async () => {
    const before = await catchUpOf(kids[0].familyId);
    for (const month of ['06', '07', '08', '09', '10', '11', '12']) {
      app.setNow(`2026-${month}-05T08:00:00.000Z`);
      const collected = await app.gql(COLLECT, { input: { period: `2026-${month}` } }, { token: admin });
      expect(collected.data.collectWaterDebits).toEqual({ debits: 1, skipped: false, userErrors: [] });
    }
    // Collecting a month again takes nothing twice.
    const again = await app.gql(COLLECT, { input: { period: '2026-12' } }, { token: admin });
    expect(again.data.collectWaterDebits.debits).toBe(0);
    // The debits wait for the regularisation: they pay no other invoice.
    expect((await catchUpOf(kids[0].familyId)).amountDue).toEqual(before.amountDue);

    const READ = `mutation($input: RecordWaterConsumptionInput!) { recordWaterConsumption(input: $input) {
      charge { reason quantity unitPrice { amount } amount { amount } child { id } reservation { id } } userErrors { code } } }`;
    const reading = await app.gql(
      READ,
      {
        input: {
          familyId: kids[0].familyId,
          readingDate: '2026-06-30',
          cubicMetres: 40,
          idempotencyKey: 'w-1',
        },
      },
      { token: agent },
    );
    expect(reading.data.recordWaterConsumption).toEqual({
      charge: {
        reason: 'CONSUMPTION',
        quantity: 40,
        unitPrice: { amount: 312 },
        amount: { amount: 12480 },
        child: null,
        reservation: null,
      },
      userErrors: [],
    });
    // A reading dated after today is refused, and a date outside the calendar never reaches the database.
    const future = await app.gql(
      READ,
      {
        input: {
          familyId: kids[0].familyId,
          readingDate: '2026-12-31',
          cubicMetres: 35,
          idempotencyKey: 'w-future',
        },
      },
      { token: agent },
    );
    expect(future.data.recordWaterConsumption).toEqual({ charge: null, userErrors: [{ code: 'INVALID' }] });
    const absurd = await app.gql(
      READ,
      {
        input: {
          familyId: kids[0].familyId,
          readingDate: '9999-12-31',
          cubicMetres: 100000,
          idempotencyKey: 'w-absurd',
        },
      },
      { token: agent },
    );
    expect(absurd.status).toBe(400);
    const tooMuch = await app.gql(
      READ,
      {
        input: {
          familyId: kids[0].familyId,
          readingDate: '2026-12-01',
          cubicMetres: 100000,
          idempotencyKey: 'w-much',
        },
      },
      { token: agent },
    );
    expect(tooMuch.data.recordWaterConsumption.userErrors).toEqual([{ code: 'INVALID' }]);
    // The December reading is taken once the year is over (a reading is never dated in the future).
    app.setNow('2027-01-02T08:00:00.000Z');
    await app.gql(
      READ,
      {
        input: {
          familyId: kids[0].familyId,
          readingDate: '2026-12-31',
          cubicMetres: 35,
          idempotencyKey: 'w-2',
        },
      },
      { token: agent },
    );

    const REGULARISE = `mutation($input: RegulariseWaterInput!) { regulariseWater(input: $input) {
      billingRun { id kind invoicesCreated } userErrors { code field } } }`;
    app.setNow('2026-12-20T08:00:00.000Z');
    const early = await app.gql(
      REGULARISE,
      { input: { year: 2026, idempotencyKey: 'reg-early' } },
      { token: admin },
    );
    expect(early.data.regulariseWater.userErrors).toEqual([{ code: 'INVALID', field: ['year'] }]);
    app.setNow('2027-01-10T08:00:00.000Z');
    const run = await app.gql(
      REGULARISE,
      { input: { year: 2026, idempotencyKey: 'reg-2026' } },
      { token: admin },
    );
    expect(run.data.regulariseWater.billingRun).toMatchObject({
      kind: 'WATER_REGULARISATION',
      invoicesCreated: 1,
    });
    const replay = await app.gql(
      REGULARISE,
      { input: { year: 2026, idempotencyKey: 'reg-2026' } },
      { token: admin },
    );
    expect(replay.data.regulariseWater.billingRun.id).toBe(run.data.regulariseWater.billingRun.id);

    const invoice = (await accountOf(kids[0].familyId)).invoices.nodes.find(
      (i: any) => i.kind === 'REGULARISATION',
    );
    // 75 m³ at 3,12 € = 234,00 €; 7 debits of 30 € taken (March–May skipped) = 210,00 €; 24,00 € left to pay.
    expect(invoice.total.amount).toBe(75 * 312);
    expect(invoice.amountPaid.amount).toBe(7 * 3000);
    expect(invoice.amountDue.amount).toBe(75 * 312 - 7 * 3000);
    expect(invoice.lines.map((l: any) => [l.month, l.quantity])).toEqual([
      ['2026-06', 40],
      ['2026-12', 35],
    ]);
  });

  it('serves the invoice as a PDF to agents and to its family only, and the treasury CSV to agents', async () => {
    const invoice = await catchUpOf(planned.familyId);
    const get = (path: string, bearer: string) =>
      fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
    const pdf = await get(invoice.pdfUrl, agent);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(1500);
    const ownParent = await token(SLUG, Role.PARENT, planned.familyId);
    expect((await get(invoice.pdfUrl, ownParent)).status).toBe(200);
    const otherParent = await token(
      SLUG,
      Role.PARENT,
      kids.find((k) => k.familyId !== planned.familyId)!.familyId,
    );
    expect((await get(invoice.pdfUrl, otherParent)).status).toBe(404);
    // Without a header, the path alone is refused; the signed link works (test/document-links.test.ts).
    expect((await fetch(`${app.url}${invoice.pdfUrl.split('?')[0]}`)).status).toBe(401);

    // For scripts: RFC 4180 (`,`, `.` decimals, ISO dates), headers in the tenant's language.
    const csv = await get('/documents/treasury/2026-06.csv?format=rfc4180', agent);
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'type,numéro,date,échéance,famille,référence famille,montant (centimes),montant,devise,mode,référence',
    );
    const catchUps = lines.filter((l) => l.startsWith('CATCH_UP,'));
    expect(catchUps).toHaveLength(3);
    expect(catchUps.find((l) => l.includes(invoice.number))).toContain(
      `,${invoice.total.amount},${(invoice.total.amount / 100).toFixed(2)},EUR,`,
    );
    const april = await (await get('/documents/treasury/2026-04.csv?format=rfc4180', agent)).text();
    expect(april).toMatch(/^DEPOSIT,.*,5000,50\.00,EUR,CASH,reçu 118\r?$/m);
    // Read back as a French-locale spreadsheet reads it (BOM, `;`, decimal comma): the exact
    // names, with their accents, and the amounts as numbers.
    const people = Buffer.from(await (await get('/documents/treasury/2026-06.csv', agent)).arrayBuffer());
    const rows = parse(people, { bom: true, delimiter: ';', columns: true }) as Record<string, string>[];
    const mine = rows.find((r) => r['numéro'] === invoice.number)!;
    const family = (
      await app.gql(
        'query($id: ID!) { node(id: $id) { ... on Family { name } } }',
        { id: planned.familyId },
        { token: agent },
      )
    ).data.node.name;
    expect(mine.famille).toBe(family);
    expect(Number(mine.montant.replace(',', '.'))).toBe(invoice.total.amount / 100);
    expect(mine.date).toMatch(/^\d\d\/\d\d\/2026$/);
    // For people (the default): BOM, `;`, decimal comma, French dates.
    const sheet = Buffer.from(await (await get('/documents/treasury/2026-04.csv', agent)).arrayBuffer());
    expect([...sheet.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(sheet.toString('utf8')).toMatch(
      /^DEPOSIT;[^;]*;\d\d\/04\/2026;;.*;5000;50,00;EUR;CASH;reçu 118\r$/m,
    );
    expect((await get('/documents/treasury/2026-06.csv', ownParent)).status).toBe(403);

    // Money documents need billing:read: a families:read key gets neither, a billing:read key both.
    const familiesKey = await apiKey([tenantId], [Scope.FAMILIES_READ]);
    const treasuryKey = await apiKey([tenantId], [Scope.BILLING_READ]);
    expect((await get(invoice.pdfUrl, familiesKey)).status).toBe(404);
    expect((await get('/documents/treasury/2026-06.csv', familiesKey)).status).toBe(403);
    expect((await get(invoice.pdfUrl, treasuryKey)).status).toBe(200);
    expect((await get('/documents/treasury/2026-06.csv', treasuryKey)).status).toBe(200);

    // A reference a spreadsheet would run as a formula is written as text (OWASP CSV injection).
    app.setNow('2026-08-14T09:00:00.000Z');
    const deposit = await app.gql(
      `mutation($input: RecordDepositInput!) { recordDeposit(input: $input) { payment { reference } userErrors { code } } }`,
      {
        input: {
          familyId: planned.familyId,
          amount: 100,
          method: 'CHEQUE',
          reference: '=HYPERLINK("http://evil.example","clic")',
          idempotencyKey: 'formula-ref',
        },
      },
      { token: agent },
    );
    expect(deposit.data.recordDeposit.payment.reference).toBe('=HYPERLINK("http://evil.example","clic")');
    const august = await (await get('/documents/treasury/2026-08.csv', agent)).text();
    expect(august).toContain(`;"'=HYPERLINK(""http://evil.example"",""clic"")"`);
    expect(august).not.toMatch(/;=HYPERLINK/);
  });

  it('keeps every family ledger reconciled, in every tenant', async () => {
    // invoiced − credited − paid = left to pay − credit, for every family; documents add up.
    const { rows: families } = await owner.query(`
      with f as (
        select fam.id, fam.tenant_id,
          coalesce((select sum(total) from invoices i where i.family_id = fam.id and kind <> 'CREDIT_NOTE'), 0) as invoiced,
          coalesce((select sum(total) from invoices i where i.family_id = fam.id and kind = 'CREDIT_NOTE'), 0) as credited,
          coalesce((select sum(amount) from payments p where p.family_id = fam.id), 0) as paid,
          coalesce((select sum(amount) from allocations a where a.family_id = fam.id), 0) as allocated,
          coalesce((select sum(i.total - coalesce((select sum(a.amount) from allocations a where a.invoice_id = i.id), 0))
                    from invoices i where i.family_id = fam.id and kind <> 'CREDIT_NOTE'), 0) as due
        from families fam
      )
      select count(*)::int as families,
             count(*) filter (where invoiced - credited - paid <> due - (paid + credited - allocated))::int as unbalanced,
             count(*) filter (where invoiced > 0)::int as billed
      from f`);
    expect(families[0].unbalanced).toBe(0);
    expect(families[0].billed).toBeGreaterThanOrEqual(3);
    expect(families[0].families).toBeGreaterThan(1000);
    const { rows: documents } = await owner.query(`
      select i.number from invoices i
      where i.total <> coalesce((select sum(amount) from invoice_lines l where l.invoice_id = i.id), -1)
         or (i.kind in ('INVOICE', 'CATCH_UP') and i.total <> coalesce((select sum(amount) from charges c where c.invoice_id = i.id), -1))
         or i.total < coalesce((select sum(amount) from allocations a where a.invoice_id = i.id), 0)`);
    expect(documents).toEqual([]);
    const { rows: payments } = await owner.query(`
      select p.id from payments p where p.amount < coalesce((select sum(amount) from allocations a where a.payment_id = p.id), 0)`);
    expect(payments).toEqual([]);
    // PostgreSQL refuses an over-allocation, whatever code writes it.
    const { rows: paid } = await owner.query(
      `select i.id, i.tenant_id, i.family_id, i.total from invoices i where i.tenant_id = $1 and i.kind = 'CATCH_UP' limit 1`,
      [tenantId],
    );
    const { rows: payment } = await owner.query(
      `insert into payments (id, tenant_id, family_id, amount, currency, method, channel, received_on, recorded_by, recorded_at)
       values (gen_random_uuid(), $1, $2, $3, 'EUR', 'CARD', 'COUNTER', '2026-07-01', 'test', now()) returning id`,
      [tenantId, paid[0].family_id, paid[0].total + 1],
    );
    await expect(
      owner.query(
        `insert into allocations (id, tenant_id, family_id, invoice_id, payment_id, amount, created_at)
         values (gen_random_uuid(), $1, $2, $3, $4, $5, now())`,
        [tenantId, paid[0].family_id, paid[0].id, payment[0].id, paid[0].total + 1],
      ),
    ).rejects.toThrow(/over-allocated/);
    await owner.query(`delete from payments where id = $1`, [payment[0].id]);
    for (const kid of kids) {
      const { account } = await accountOf(kid.familyId);
      expect(account.balance.amount).toBe(
        account.invoiced.amount - account.credited.amount - account.paid.amount,
      );
      expect(account.balance.amount).toBe(account.due.amount - account.credit.amount);
    }
  });
});
