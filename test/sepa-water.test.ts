import type { Client } from 'pg';
import { toGlobalId } from '../src/shared/ids';
import type { TestApp } from './support/app';
import { catchUpCopy } from './support/catch-up';

/**
 * Saint-Nazaire's water: a household with a SEPA mandate pays its monthly water debit through the
 * debit batch of a collection date in that month — in the same debit as its invoices, once per
 * month — and the bank's return file records it as that month's water payment (earmarked for the
 * regularisation); the month is not taken again by collectWaterDebits nor by a later batch. A
 * household without a mandate goes on through collectWaterDebits.
 */
describe('water debits in the debit batches', () => {
  const SLUG = 'test-sepa-water';
  const NOW = '2026-06-15T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let agent: string;
  let admin: string;
  /** With a mandate and an open invoice; without a mandate. UUIDs. */
  let withMandate: { family: string; invoice: string };
  let without: string;

  const one = async (query: string, params: unknown[] = []) => (await owner.query(query, params)).rows[0];
  const BATCH = `mutation($i: CreateDebitBatchInput!) { createDebitBatch(input: $i) {
    debitBatch { id reference pain008 debits { endToEndId amount { minorUnits } waterAmount { minorUnits } waterPeriod invoiceNumbers } }
    userErrors { code message } } }`;
  const COLLECT = `mutation($i: CollectWaterDebitsInput!) { collectWaterDebits(input: $i) { debits skipped userErrors { code } } }`;
  const waterPayments = (period: string) =>
    owner.query(
      `select family_id, amount, method, service_id is not null as earmarked from payments
       where tenant_id = $1 and debit_period = $2 order by family_id`,
      [tenantId, period],
    );

  beforeAll(async () => {
    ({ app, owner, tenantId, agent, admin } = await catchUpCopy({
      slug: SLUG,
      seed: 2607,
      childAges: [6, 10],
      now: NOW,
    }));
    withMandate = await one(
      `select family_id as family, id as invoice from invoices where tenant_id = $1 and kind = 'CATCH_UP'
       order by number limit 1`,
      [tenantId],
    );
    without = (
      await one(`select id from families where tenant_id = $1 and id <> $2 order by id limit 1`, [
        tenantId,
        withMandate.family,
      ])
    ).id;
    const creditor = await app.gql(
      `mutation($i: SetSepaCreditorInput!) { setSepaCreditor(input: $i) { userErrors { code } } }`,
      {
        i: {
          creditorId: 'FR72ZZZ123456',
          name: 'Ville de Saint-Nazaire',
          iban: 'FR14 2004 1010 0505 0001 3M02 606',
          rejectionFee: 0,
        },
      },
      { token: admin },
    );
    expect(creditor.data.setSepaCreditor.userErrors).toEqual([]);
    const mandate = await app.gql(
      `mutation($i: CreateMandateInput!) { createMandate(input: $i) { userErrors { code message } } }`,
      {
        i: {
          familyId: toGlobalId('Family', withMandate.family),
          reference: 'RUM-EAU-1',
          signedOn: '2026-05-02',
          debtorName: 'Famille Eau',
          iban: 'FR76 3000 6000 0112 3456 7890 189',
          idempotencyKey: 'mandate',
        },
      },
      { token: agent },
    );
    expect(mandate.data.createMandate.userErrors).toEqual([]);
    for (const [family, monthlyAmount] of [
      [withMandate.family, 3000],
      [without, 2500],
    ] as const) {
      const set = await app.gql(
        `mutation($i: SetWaterDebitInput!) { setWaterDebit(input: $i) { monthlyAmount userErrors { code } } }`,
        { i: { familyId: toGlobalId('Family', family), monthlyAmount } },
        { token: agent },
      );
      expect(set.data.setWaterDebit).toEqual({ monthlyAmount, userErrors: [] });
    }
  });
  afterAll(async () => {
    app.setNow(null);
    await owner.end();
    await app.close();
  });

  it('puts the month’s water debit in the batch of that month with the invoices, once, and records it on collection', async () => {
    const invoice = await one(`select number, total from invoices where id = $1`, [withMandate.invoice]);
    const july = await app.gql(
      BATCH,
      { i: { collectionDate: '2026-07-20', idempotencyKey: 'july' } },
      { token: admin },
    );
    const batch = july.data.createDebitBatch.debitBatch;
    expect(batch.debits).toEqual([
      {
        endToEndId: `${batch.reference}-00001`,
        amount: { minorUnits: Number(invoice.total) + 3000 },
        waterAmount: { minorUnits: 3000 },
        waterPeriod: '2026-07',
        invoiceNumbers: [invoice.number],
      },
    ]);
    expect(batch.pain008).toContain(`${invoice.number} eau 2026-07</Ustrd>`);

    // The bank's run leaves the mandated household to the batch; a later July batch takes nothing more.
    app.setNow('2026-07-05T08:00:00.000Z');
    const collected = await app.gql(COLLECT, { i: { period: '2026-07' } }, { token: admin });
    expect(collected.data.collectWaterDebits).toEqual({ debits: 1, skipped: false, userErrors: [] });
    expect((await waterPayments('2026-07')).rows.map((r) => r.family_id)).toEqual([without]);
    const again = await app.gql(
      BATCH,
      { i: { collectionDate: '2026-07-25', idempotencyKey: 'july-again' } },
      { token: admin },
    );
    expect(again.data.createDebitBatch.userErrors).toEqual([expect.objectContaining({ code: 'INVALID' })]);

    // The return file: collected. The water part is the month's earmarked payment, the rest pays the invoice.
    app.setNow('2026-07-22T08:00:00.000Z');
    const returns = await app.gql(
      `mutation($i: ImportDebitReturnsInput!) { importDebitReturns(input: $i) { collected rejected userErrors { code } } }`,
      {
        i: {
          batchId: batch.id,
          file: `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
  <GrpHdr><MsgId>RET-1</MsgId><CreDtTm>2026-07-22T06:00:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>${batch.reference}</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.02</OrgnlMsgNmId></OrgnlGrpInfAndSts>
</CstmrPmtStsRpt></Document>`,
          idempotencyKey: 'returns',
        },
      },
      { token: admin },
    );
    expect(returns.data.importDebitReturns).toEqual({ collected: 1, rejected: 0, userErrors: [] });
    expect((await waterPayments('2026-07')).rows).toEqual(
      [
        { family_id: withMandate.family, amount: 3000, method: 'DIRECT_DEBIT', earmarked: true },
        { family_id: without, amount: 2500, method: 'DIRECT_DEBIT', earmarked: true },
      ].sort((a, b) => a.family_id.localeCompare(b.family_id)),
    );
    expect(
      await one(
        `select i.total - coalesce((select sum(a.amount) from allocations a where a.invoice_id = i.id), 0) as due
         from invoices i where i.id = $1`,
        [withMandate.invoice],
      ),
    ).toEqual({ due: '0' });

    // July is taken; August's batch carries August's water alone.
    const august = await app.gql(
      BATCH,
      { i: { collectionDate: '2026-08-20', idempotencyKey: 'august' } },
      { token: admin },
    );
    expect(august.data.createDebitBatch.debitBatch.debits).toEqual([
      expect.objectContaining({
        amount: { minorUnits: 3000 },
        waterAmount: { minorUnits: 3000 },
        waterPeriod: '2026-08',
        invoiceNumbers: [],
      }),
    ]);
  });
});
