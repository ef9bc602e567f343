import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import { addDays } from '../src/shared/dates';
import { toGlobalId } from '../src/shared/ids';
import type { TestApp } from './support/app';
import { catchUpCopy } from './support/catch-up';

/**
 * A household with a mandate whose invoice is on a payment plan: the debit batches take the plan's
 * instalments as they fall due — never the invoice in full, never an instalment twice — the bank's
 * rejection leaves the instalment due (with the tenant's fee), and a collected debit pays the
 * instalment as a counter payment of it would. A prepared debit follows a counter payment on the plan.
 */
describe('payment-plan instalments in the debit batches', () => {
  const SLUG = 'test-sepa-instalments';
  const NOW = '2026-06-15T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let agent: string;
  let admin: string;
  /** The family with a mandate and a plan on all its open invoices (UUIDs, numbers, what they owed). */
  let family: string;
  let planned: { ids: string[]; numbers: string[]; total: number };
  let planId: string;
  let instalments: { position: number; dueDate: string; amount: { minorUnits: number } }[];

  const one = async (query: string, params: unknown[] = []) => (await owner.query(query, params)).rows[0];
  /** What the plan's invoices still owe. */
  const dueOnPlan = async () =>
    Number(
      (
        await one(
          `select sum(i.total - coalesce((select sum(a.amount) from allocations a where a.invoice_id = i.id), 0)) as due
           from invoices i where i.id = any ($1::uuid[])`,
          [planned.ids],
        )
      ).due,
    );
  const BATCH = `mutation($i: CreateDebitBatchInput!) { createDebitBatch(input: $i) {
    debitBatch { id reference status pain008 debits { endToEndId amount { minorUnits } instalmentAmount { minorUnits }
      instalments { paymentPlanId position dueDate } invoiceNumbers status } }
    userErrors { code message } } }`;
  const batchOn = (collectionDate: string, key: string, prepare = false) =>
    app.gql(BATCH, { i: { collectionDate, prepare, idempotencyKey: key } }, { token: admin });
  const readPlan = async () =>
    (
      await app.gql(
        `query($id: ID!) { node(id: $id) { ... on PaymentPlan { instalments { position paid { minorUnits } status } } } }`,
        { id: planId },
        { token: agent },
      )
    ).data.node.instalments;
  const returns = (batch: { id: string; reference: string }, key: string, rejected: [string, string][]) =>
    app.gql(
      `mutation($i: ImportDebitReturnsInput!) { importDebitReturns(input: $i) { collected rejected userErrors { code message } } }`,
      { i: { batchId: batch.id, file: pain002(batch.reference, rejected), idempotencyKey: key } },
      { token: admin },
    );

  beforeAll(async () => {
    ({ app, owner, tenantId, agent, admin } = await catchUpCopy({
      slug: SLUG,
      seed: 1717,
      childAges: [6, 10],
      now: NOW,
    }));
    family = (
      await one(
        // A family whose catch-up can be spread over two instalments of at least 10 € each (which
        // family's invoice comes first depends on the rows' random ids).
        `select family_id from invoices where tenant_id = $1 and kind = 'CATCH_UP' and total >= 4000
         order by number limit 1`,
        [tenantId],
      )
    ).family_id;
    const creditor = await app.gql(
      `mutation($i: SetSepaCreditorInput!) { setSepaCreditor(input: $i) { userErrors { code } } }`,
      {
        i: {
          creditorId: 'FR72ZZZ123456',
          name: 'Ville de Saint-Nazaire',
          iban: 'FR14 2004 1010 0505 0001 3M02 606',
          rejectionFee: 500,
        },
      },
      { token: admin },
    );
    expect(creditor.data.setSepaCreditor.userErrors).toEqual([]);
    const mandate = await app.gql(
      `mutation($i: CreateMandateInput!) { createMandate(input: $i) { userErrors { code message } } }`,
      {
        i: {
          familyId: toGlobalId('Family', family),
          reference: 'RUM-PLAN-1',
          signedOn: '2026-05-02',
          debtorName: 'Famille Plan',
          iban: 'FR76 3000 6000 0112 3456 7890 189',
          idempotencyKey: 'mandate',
        },
      },
      { token: agent },
    );
    expect(mandate.data.createMandate.userErrors).toEqual([]);
    const plan = await app.gql(
      `mutation($i: CreatePaymentPlanInput!) { createPaymentPlan(input: $i) {
         paymentPlan { id instalments { position dueDate amount { minorUnits } } } userErrors { code message } } }`,
      { i: { familyId: toGlobalId('Family', family), instalments: 2, idempotencyKey: 'plan' } },
      { token: agent },
    );
    expect(plan.data.createPaymentPlan.userErrors).toEqual([]);
    planId = plan.data.createPaymentPlan.paymentPlan.id;
    instalments = plan.data.createPaymentPlan.paymentPlan.instalments;
    expect(instalments.map((n) => n.position)).toEqual([1, 2]);
    const rows = (
      await owner.query(
        `select i.id, i.number from payment_plan_invoices pi join invoices i on i.id = pi.invoice_id
         where pi.tenant_id = $1 order by i.number`,
        [tenantId],
      )
    ).rows;
    planned = { ids: rows.map((r) => r.id), numbers: rows.map((r) => r.number), total: 0 };
    planned.total = await dueOnPlan();
    expect(planned.total).toBe(instalments[0].amount.minorUnits + instalments[1].amount.minorUnits);
  });
  afterAll(async () => {
    app.setNow(null);
    await owner.end();
    await app.close();
  });

  let first: { id: string; reference: string; debits: { endToEndId: string }[] };

  it('debits the instalment due, not the plan’s invoice in full, and never twice', async () => {
    const [n1] = instalments;
    const date = addDays(n1.dueDate, 1);
    const res = await batchOn(date, 'first');
    expect(res.data.createDebitBatch.userErrors).toEqual([]);
    first = res.data.createDebitBatch.debitBatch;
    expect(first.debits).toEqual([
      {
        endToEndId: `${first.reference}-00001`,
        amount: n1.amount,
        instalmentAmount: n1.amount,
        instalments: [{ paymentPlanId: planId, position: 1, dueDate: n1.dueDate }],
        invoiceNumbers: [],
        status: 'PENDING',
      },
    ]);
    expect(n1.amount.minorUnits).toBeLessThan(planned.total);
    const [y, m, d] = n1.dueDate.split('-');
    expect(res.data.createDebitBatch.debitBatch.pain008).toContain(`echeance ${d}/${m}/${y}</Ustrd>`);
    expect(res.data.createDebitBatch.debitBatch.pain008).toContain(
      `<InstdAmt Ccy="EUR">${(n1.amount.minorUnits / 100).toFixed(2)}</InstdAmt>`,
    );
    validateWithXsdIfAvailable(res.data.createDebitBatch.debitBatch.pain008);

    // A second batch for the same date has nothing left to take: the instalment is pending already.
    const again = await batchOn(date, 'first-again');
    expect(again.data.createDebitBatch.userErrors).toEqual([expect.objectContaining({ code: 'INVALID' })]);
    const rows = await owner.query(
      `select instalment_amount, cardinality(invoice_ids) as invoices from sepa_debits
       where tenant_id = $1 and (select id from instalments where plan_id in (select id from payment_plans
         where tenant_id = $1) and position = 1) = any (instalment_ids)`,
      [tenantId],
    );
    expect(rows.rows).toEqual([{ instalment_amount: n1.amount.minorUnits, invoices: 0 }]);
  });

  it('leaves a rejected instalment due, with the tenant’s fee, and debits it again in a later batch', async () => {
    const res = await returns(first, 'reject', [[first.debits[0].endToEndId, 'AM04']]);
    expect(res.data.importDebitReturns).toEqual({ collected: 0, rejected: 1, userErrors: [] });
    expect(
      await one(
        `select status, reason_code, fee_invoice_id is not null as fee from sepa_debits where tenant_id = $1`,
        [tenantId],
      ),
    ).toEqual({ status: 'REJECTED', reason_code: 'AM04', fee: true });
    expect(
      await one(`select kind, total from invoices where tenant_id = $1 and family_id = $2 and kind = 'FEE'`, [
        tenantId,
        family,
      ]),
    ).toEqual({ kind: 'FEE', total: 500 });
    expect(await dueOnPlan()).toBe(planned.total);
    expect(await readPlan()).toEqual([
      { position: 1, paid: { minorUnits: 0 }, status: 'DUE' },
      { position: 2, paid: { minorUnits: 0 }, status: 'DUE' },
    ]);

    // Reopened: the next batch takes the instalment again.
    const later = await batchOn(addDays(instalments[0].dueDate, 3), 'second');
    expect(later.data.createDebitBatch.userErrors).toEqual([]);
    const [debit] = later.data.createDebitBatch.debitBatch.debits;
    expect(debit).toMatchObject({
      instalmentAmount: instalments[0].amount,
      instalments: [expect.objectContaining({ position: 1 })],
    });
    for (const number of planned.numbers) expect(debit.invoiceNumbers).not.toContain(number);
    first = later.data.createDebitBatch.debitBatch;
  });

  it('pays the instalment from a collected debit, as a counter payment would', async () => {
    const res = await returns(first, 'collect', []);
    expect(res.data.importDebitReturns).toEqual({ collected: 1, rejected: 0, userErrors: [] });
    const [n1, n2] = instalments;
    expect(
      await one(
        `select sum(a.amount)::int as amount from allocations a join payments p on p.id = a.payment_id
         where a.invoice_id = any ($1::uuid[]) and p.method = 'DIRECT_DEBIT'`,
        [planned.ids],
      ),
    ).toEqual({ amount: n1.amount.minorUnits });
    expect(await dueOnPlan()).toBe(planned.total - n1.amount.minorUnits);
    expect(await readPlan()).toEqual([
      { position: 1, paid: n1.amount, status: 'PAID' },
      { position: 2, paid: { minorUnits: 0 }, status: 'DUE' },
    ]);

    // The second instalment's batch takes it alone; prepared, it follows a counter payment on the plan.
    const second = await batchOn(addDays(n2.dueDate, 1), 'third', true);
    expect(second.data.createDebitBatch.userErrors).toEqual([]);
    const debit = second.data.createDebitBatch.debitBatch.debits.find(
      (d: { instalments: unknown[] }) => d.instalments.length > 0,
    );
    expect(debit.instalments).toEqual([{ paymentPlanId: planId, position: 2, dueDate: n2.dueDate }]);
    expect(debit.instalmentAmount).toEqual(n2.amount);
    // On the plan's invoice that owes the most: the instalments fill in order, whichever invoice it goes to.
    const { id: target } = await one(
      `select i.id from invoices i where i.id = any ($1::uuid[])
       order by i.total - coalesce((select sum(a.amount) from allocations a where a.invoice_id = i.id), 0) desc limit 1`,
      [planned.ids],
    );
    const paid = await app.gql(
      `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { userErrors { code message } } }`,
      {
        i: {
          familyId: toGlobalId('Family', family),
          amount: 1000,
          method: 'CASH',
          allocations: [{ invoiceId: toGlobalId('Invoice', target), amount: 1000 }],
          idempotencyKey: 'counter',
        },
      },
      { token: agent },
    );
    expect(paid.data.recordPayment.userErrors).toEqual([]);
    expect(
      await one(
        `select amount, instalment_amount from sepa_debits where end_to_end_id = $1 and tenant_id = $2`,
        [debit.endToEndId, tenantId],
      ),
    ).toEqual({
      amount: debit.amount.minorUnits - 1000,
      instalment_amount: n2.amount.minorUnits - 1000,
    });
  });
});

/** A bank's pain.002.001.03 status report for a batch, rejecting these end-to-end ids. */
function pain002(reference: string, rejections: [string, string][]): string {
  const txs = rejections
    .map(
      (
        [id, code],
        n,
      ) => `<TxInfAndSts><StsId>R${n}</StsId><OrgnlEndToEndId>${id}</OrgnlEndToEndId><TxSts>RJCT</TxSts>
        <StsRsnInf><Rsn><Cd>${code}</Cd></Rsn></StsRsnInf></TxInfAndSts>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
  <GrpHdr><MsgId>RET-${reference}</MsgId><CreDtTm>2026-07-22T06:00:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>${reference}</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.02</OrgnlMsgNmId></OrgnlGrpInfAndSts>
  <OrgnlPmtInfAndSts><OrgnlPmtInfId>${reference}-FRST</OrgnlPmtInfId>${txs}</OrgnlPmtInfAndSts>
</CstmrPmtStsRpt></Document>`;
}

/** With PAIN008_XSD naming the standard's XSD (not in the repository), the file validates (xmllint). */
function validateWithXsdIfAvailable(xml: string) {
  const xsd = process.env.PAIN008_XSD;
  if (!xsd) return;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pain008-')), 'batch.xml');
  fs.writeFileSync(file, xml);
  const result = spawnSync('xmllint', ['--noout', '--schema', xsd, file], { encoding: 'utf8' });
  expect(result.stderr).toMatch(/validates/);
  expect(result.status).toBe(0);
}
