import type { Client } from 'pg';
import { toGlobalId } from '../src/shared/ids';
import type { TestApp } from './support/app';
import { catchUpCopy } from './support/catch-up';

/**
 * A debit batch prepared before it is exported: a corrective run crediting an invoice of a
 * prepared debit brings the debit down to what is still owed; a family that pays at the counter
 * meanwhile has its debit withdrawn (its mandate back to FRST); the file follows until the batch
 * is exported, and never changes afterwards.
 */
describe('prepared debit batches follow credits until export', () => {
  const SLUG = 'test-sepa-adjust';
  const NOW = '2026-06-15T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let agent: string;
  let admin: string;
  /** Two families with a catch-up invoice and a mandate: [family, invoice] UUIDs. */
  let corrected: { family: string; invoice: string };
  let paying: { family: string; invoice: string };
  let batchId: string;

  const one = async (query: string, params: unknown[] = []) => (await owner.query(query, params)).rows[0];
  const dueOf = async (invoice: string) =>
    Number(
      (
        await one(
          `select i.total - coalesce((select sum(a.amount) from allocations a where a.invoice_id = i.id), 0) as due
           from invoices i where i.id = $1`,
          [invoice],
        )
      ).due,
    );
  const debitOf = (family: string) =>
    one(
      `select d.amount, d.status, d.end_to_end_id, m.sequence as mandate_sequence from sepa_debits d
       join sepa_mandates m on m.id = d.mandate_id where d.tenant_id = $1 and d.family_id = $2`,
      [tenantId, family],
    );
  const BATCH = `query($id: ID!) { node(id: $id) { ... on DebitBatch { status exportedAt debitCount total { minorUnits }
    pain008 debits { endToEndId amount { minorUnits } status } } } }`;
  const readBatch = async () => (await app.gql(BATCH, { id: batchId }, { token: admin })).data.node;

  beforeAll(async () => {
    ({ app, owner, tenantId, agent, admin } = await catchUpCopy({
      slug: SLUG,
      seed: 4242,
      childAges: [5, 9],
      now: NOW,
    }));
    [corrected, paying] = (
      await owner.query(
        `select family_id as family, id as invoice from invoices where tenant_id = $1 and kind = 'CATCH_UP'
         order by number limit 2`,
        [tenantId],
      )
    ).rows;
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
    for (const [n, f] of [corrected, paying].entries()) {
      const mandate = await app.gql(
        `mutation($i: CreateMandateInput!) { createMandate(input: $i) { userErrors { code message } } }`,
        {
          i: {
            familyId: toGlobalId('Family', f.family),
            reference: `RUM-ADJ-${n}`,
            signedOn: '2026-05-02',
            debtorName: `Famille ${n}`,
            iban: 'FR76 3000 6000 0112 3456 7890 189',
            idempotencyKey: `mandate-${n}`,
          },
        },
        { token: agent },
      );
      expect(mandate.data.createMandate.userErrors).toEqual([]);
    }
  });
  afterAll(async () => {
    app.setNow(null);
    await owner.end();
    await app.close();
  });

  it('prepares a batch whose debits follow a corrective run and a counter payment, then freezes it on export', async () => {
    const created = await app.gql(
      `mutation($i: CreateDebitBatchInput!) { createDebitBatch(input: $i) {
         debitBatch { id status exportedAt debitCount } userErrors { code message } } }`,
      { i: { collectionDate: '2026-07-20', prepare: true, idempotencyKey: 'batch' } },
      { token: admin },
    );
    expect(created.data.createDebitBatch.debitBatch).toMatchObject({
      status: 'PREPARED',
      exportedAt: null,
      debitCount: 2,
    });
    batchId = created.data.createDebitBatch.debitBatch.id;
    const before = { corrected: await dueOf(corrected.invoice), paying: await dueOf(paying.invoice) };
    expect(await debitOf(corrected.family)).toMatchObject({ amount: before.corrected, status: 'PENDING' });
    expect(await debitOf(paying.family)).toMatchObject({ mandate_sequence: 'RCUR' });

    // A bank answer for a batch never sent is refused.
    const early = await app.gql(
      `mutation($i: ImportDebitReturnsInput!) { importDebitReturns(input: $i) { userErrors { code message } } }`,
      { i: { batchId, file: '<Document/>', idempotencyKey: 'early-returns' } },
      { token: admin },
    );
    expect(early.data.importDebitReturns.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', message: expect.stringMatching(/n’est que préparé/) }),
    ]);

    // A corrective run cancels one charge of the first family's invoice: its debit comes down.
    const charge = await one(
      `select id, amount from charges where tenant_id = $1 and invoice_id = $2 and reservation_id is not null
       order by date, id limit 1`,
      [tenantId, corrected.invoice],
    );
    const correction = await app.gql(
      `mutation($i: CorrectBilledChargeInput!) { correctBilledCharge(input: $i) { userErrors { code } } }`,
      {
        i: { chargeId: toGlobalId('Charge', charge.id), cancel: true, reason: 'Absent', idempotencyKey: 'c' },
      },
      { token: agent },
    );
    expect(correction.data.correctBilledCharge.userErrors).toEqual([]);
    const draft = await app.gql(
      `mutation($i: DraftCorrectiveRunInput!) { draftCorrectiveRun(input: $i) { billingRun { id } } }`,
      { i: { idempotencyKey: 'draft' } },
      { token: agent },
    );
    const promoted = await app.gql(
      `mutation($i: BillingRunInput!) { promoteBillingRun(input: $i) { billingRun { status } userErrors { code } } }`,
      { i: { runId: draft.data.draftCorrectiveRun.billingRun.id, idempotencyKey: 'promote' } },
      { token: admin },
    );
    expect(promoted.data.promoteBillingRun).toEqual({ billingRun: { status: 'COMPLETED' }, userErrors: [] });
    const stillDue = await dueOf(corrected.invoice);
    expect(stillDue).toBe(before.corrected - Number(charge.amount));
    expect(await debitOf(corrected.family)).toMatchObject({ amount: stillDue, status: 'PENDING' });

    // The second family pays everything at the counter: its debit is withdrawn, its mandate FRST again.
    const paid = await app.gql(
      `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { userErrors { code } } }`,
      {
        i: {
          familyId: toGlobalId('Family', paying.family),
          amount: before.paying,
          method: 'CASH',
          idempotencyKey: 'pay',
        },
      },
      { token: agent },
    );
    expect(paid.data.recordPayment.userErrors).toEqual([]);
    const withdrawn = await debitOf(paying.family);
    expect(withdrawn).toMatchObject({ status: 'WITHDRAWN', mandate_sequence: 'FRST' });

    // The batch and its file follow: one debit, the reduced amount.
    let batch = await readBatch();
    expect(batch).toMatchObject({ status: 'PREPARED', debitCount: 1, total: { minorUnits: stillDue } });
    expect(batch.debits.map((d: any) => d.status).sort()).toEqual(['PENDING', 'WITHDRAWN']);
    expect(batch.pain008).toContain('<NbOfTxs>1</NbOfTxs>');
    expect(batch.pain008).toContain(`<InstdAmt Ccy="EUR">${(stillDue / 100).toFixed(2)}</InstdAmt>`);
    expect(batch.pain008).not.toContain(withdrawn.end_to_end_id);

    // Exported: frozen. A later credit on the invoice leaves the debit as the bank will take it.
    const EXPORT = `mutation($i: ExportDebitBatchInput!) { exportDebitBatch(input: $i) {
      debitBatch { status exportedAt } userErrors { code message } } }`;
    const exported = await app.gql(EXPORT, { i: { batchId, idempotencyKey: 'export' } }, { token: admin });
    expect(exported.data.exportDebitBatch.debitBatch).toEqual({
      status: 'EXPORTED',
      exportedAt: expect.any(String),
    });
    const again = await app.gql(EXPORT, { i: { batchId, idempotencyKey: 'export-2' } }, { token: admin });
    expect(again.data.exportDebitBatch.userErrors).toEqual([expect.objectContaining({ code: 'INVALID' })]);
    const credit = await app.gql(
      `mutation($i: IssueCreditNoteInput!) { issueCreditNote(input: $i) { userErrors { code } } }`,
      {
        i: {
          invoiceId: toGlobalId('Invoice', corrected.invoice),
          amount: 100,
          reason: 'Geste',
          idempotencyKey: 'late-credit',
        },
      },
      { token: agent },
    );
    expect(credit.data.issueCreditNote.userErrors).toEqual([]);
    expect(await dueOf(corrected.invoice)).toBe(stillDue - 100);
    expect(await debitOf(corrected.family)).toMatchObject({ amount: stillDue, status: 'PENDING' });
    batch = await readBatch();
    expect(batch).toMatchObject({ status: 'EXPORTED', debitCount: 1, total: { minorUnits: stillDue } });
  });
});
