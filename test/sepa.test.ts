import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import { convert } from 'xmlbuilder2';
import { fromGlobalId } from '../src/shared/ids';
import { rawClient, startTestApp, token, Role, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * SEPA direct debits on a tenant of its own: the creditor's details and households' mandates
 * (IBAN checked by ibantools), a batch for a collection date exported as pain.008.001.02, then the
 * bank's return file: the rejected debit reopens its debt with the reason, a notification and
 * the rejection fee; the others are collected.
 */
describe('SEPA direct debits', () => {
  const SLUG = 'test-sepa';
  const NOW = '2026-06-15T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let agent: string;
  let admin: string;
  let families: string[];
  let batchId: string;
  let debits: { endToEndId: string; amount: { minorUnits: number } }[];

  const MANDATE = `mutation($i: CreateMandateInput!) { createMandate(input: $i) {
    mandate { id reference iban bic sequence status } userErrors { code field message } } }`;
  const BATCH = `mutation($i: CreateDebitBatchInput!) { createDebitBatch(input: $i) {
    debitBatch { id reference collectionDate status debitCount total { minorUnits } pain008
      debits { endToEndId amount { minorUnits } sequence status reasonCode invoiceNumbers } }
    userErrors { code field message } } }`;
  const RETURNS = `mutation($i: ImportDebitReturnsInput!) { importDebitReturns(input: $i) {
    rejected collected debitBatch { status debits { endToEndId status reasonCode } } userErrors { code field message } } }`;
  const one = async (query: string, params: unknown[] = []) => (await owner.query(query, params)).rows[0];
  const dueOf = async (familyUuid: string) =>
    (
      await one(
        `select coalesce(sum(i.total - coalesce((select sum(a.amount) from allocations a where a.invoice_id = i.id), 0)), 0)::int as due
         from invoices i where i.tenant_id = $1 and i.family_id = $2 and i.kind <> 'CREDIT_NOTE'`,
        [tenantId, familyUuid],
      )
    ).due;
  /** Each family's due, one query at a time (a pg client runs one query at a time). */
  const duesOf = async (familyUuids: string[]) => {
    const dues: number[] = [];
    for (const familyUuid of familyUuids) dues.push(await dueOf(familyUuid));
    return dues;
  };

  beforeAll(async () => {
    app = await startTestApp();
    owner = await rawClient('owner');
    tenantId = await seedTestTenant(
      'saint-nazaire',
      { slug: SLUG, families: 5, seed: 99, childAges: [6, 9] },
      new Date(NOW),
      2,
    );
    agent = await token(SLUG, Role.AGENT);
    admin = await token(SLUG, Role.TENANT_ADMIN);
    app.setNow(NOW);
    const resumed = await app.gql(
      'mutation($i: ResumeBillingInput!) { resumeBilling(input: $i) { billingRun { invoicesCreated } userErrors { code } } }',
      { i: { idempotencyKey: 'resume' } },
      { token: admin },
    );
    expect(resumed.data.resumeBilling.billingRun.invoicesCreated).toBeGreaterThanOrEqual(3);
    families = (
      await owner.query(
        `select distinct family_id from invoices where tenant_id = $1 order by family_id limit 3`,
        [tenantId],
      )
    ).rows.map((r) => r.family_id);
  });
  afterAll(async () => {
    app.setNow(null);
    await owner.end();
    await app.close();
  });

  it('records the creditor and mandates, refusing bad check digits, non-SEPA accounts and a second active mandate', async () => {
    const CREDITOR = `mutation($i: SetSepaCreditorInput!) { setSepaCreditor(input: $i) { userErrors { code field } } }`;
    const creditor = {
      creditorId: 'FR72ZZZ123456',
      name: 'Ville de Saint-Nazaire',
      iban: 'FR14 2004 1010 0505 0001 3M02 606',
      bic: 'PSSTFRPPNTE',
      rejectionFee: 500,
    };
    const badIcs = await app.gql(
      CREDITOR,
      { i: { ...creditor, creditorId: 'FR73ZZZ123456' } },
      { token: admin },
    );
    expect(badIcs.data.setSepaCreditor.userErrors).toEqual([{ code: 'INVALID', field: ['creditorId'] }]);
    const set = await app.gql(CREDITOR, { i: creditor }, { token: admin });
    expect(set.data.setSepaCreditor.userErrors).toEqual([]);
    expect(
      await one(`select config_sepa_creditor_iban as iban from tenants where id = $1`, [tenantId]),
    ).toEqual({
      iban: 'FR1420041010050500013M02606',
    });

    const mandate = (n: number, extra: Record<string, unknown> = {}) => ({
      familyId: `Family_${n}`,
      reference: `RUM-SN-${n}`,
      signedOn: '2026-05-02',
      debtorName: `Famille Lefèvre ${n}`,
      iban: 'FR76 3000 6000 0112 3456 7890 189',
      idempotencyKey: `mandate-${n}-${JSON.stringify(extra)}`,
      ...extra,
    });
    const familyIds = (
      await app.gql('{ families(first: 20) { nodes { id } } }', {}, { token: agent })
    ).data.families.nodes.map((f: any) => f.id);
    const gidOf = (uuid: string) => familyIds.find((id: string) => fromGlobalId(id)!.id === uuid);
    const refusals = [
      [{ iban: 'FR7630006000011234567890188' }, ['iban'], /clé incorrecte/],
      [{ iban: 'BR1800360305000010009795493C1' }, ['iban'], /hors de la zone SEPA/],
      [{ bic: 'XYZ' }, ['bic'], /BIC/],
      [{ signedOn: '2026-06-16' }, ['signedOn'], /après aujourd’hui/],
      [{ reference: 'RUM*1' }, ['reference'], /RUM/],
    ] as const;
    for (const [extra, field, message] of refusals) {
      const refused = await app.gql(
        MANDATE,
        { i: { ...mandate(0, extra), familyId: gidOf(families[0]) } },
        { token: agent },
      );
      expect(refused.data.createMandate.userErrors).toEqual([
        { code: 'INVALID', field, message: expect.stringMatching(message) },
      ]);
    }
    expect(
      (await one(`select count(*)::int as n from sepa_mandates where tenant_id = $1`, [tenantId])).n,
    ).toBe(0);

    for (const [n, uuid] of families.entries()) {
      const created = await app.gql(
        MANDATE,
        { i: { ...mandate(n, n === 2 ? { bic: 'ccbpfrpp' } : {}), familyId: gidOf(uuid) } },
        { token: agent },
      );
      expect(created.data.createMandate.userErrors).toEqual([]);
      expect(created.data.createMandate.mandate).toMatchObject({
        reference: `RUM-SN-${n}`,
        iban: 'FR7630006000011234567890189',
        sequence: 'FRST',
        status: 'ACTIVE',
      });
    }
    const second = await app.gql(
      MANDATE,
      { i: { ...mandate(9), familyId: gidOf(families[0]) } },
      { token: agent },
    );
    expect(second.data.createMandate.userErrors[0]).toMatchObject({ code: 'INVALID', field: ['familyId'] });
    const taken = await app.gql(
      MANDATE,
      { i: { ...mandate(1, { idempotencyKey: 'again' }), familyId: gidOf(families[0]) } },
      { token: agent },
    );
    expect(taken.data.createMandate.userErrors[0]).toMatchObject({ field: ['reference'] });
    expect(
      (await one(`select count(*)::int as n from sepa_mandates where tenant_id = $1`, [tenantId])).n,
    ).toBe(3);
  });

  it('exports a batch as pain.008.001.02 with every required element, in schema order', async () => {
    const early = await app.gql(
      BATCH,
      { i: { collectionDate: '2026-07-01', idempotencyKey: 'early' } },
      { token: admin },
    );
    expect(early.data.createDebitBatch.userErrors[0]).toMatchObject({
      code: 'INVALID',
      field: ['collectionDate'],
    });
    expect(
      (await one(`select count(*)::int as n from sepa_debit_batches where tenant_id = $1`, [tenantId])).n,
    ).toBe(0);

    const created = await app.gql(
      BATCH,
      { i: { collectionDate: '2026-07-20', idempotencyKey: 'july' } },
      { token: admin },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data.createDebitBatch.userErrors).toEqual([]);
    const batch = created.data.createDebitBatch.debitBatch;
    batchId = batch.id;
    debits = batch.debits;
    expect(batch).toMatchObject({ reference: 'PRLV2026-000001', status: 'EXPORTED', debitCount: 3 });
    const dues: number[] = [];
    for (const family of families) dues.push(await dueOf(family)); // one client: one query at a time
    expect(batch.debits.map((d: any) => d.amount.minorUnits).sort()).toEqual([...dues].sort());
    expect(batch.debits.every((d: any) => d.sequence === 'FRST' && d.status === 'PENDING')).toBe(true);
    // Nothing is paid before the bank answers; the mandates move on to RCUR.
    expect(await duesOf(families)).toEqual(dues);
    expect(
      (await owner.query(`select sequence from sepa_mandates where tenant_id = $1`, [tenantId])).rows,
    ).toEqual([{ sequence: 'RCUR' }, { sequence: 'RCUR' }, { sequence: 'RCUR' }]);

    const xml: string = batch.pain008;
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const doc = (convert(xml, { format: 'object' }) as any).Document;
    expect(doc['@xmlns']).toBe('urn:iso:std:iso:20022:tech:xsd:pain.008.001.02');
    const init = doc.CstmrDrctDbtInitn;
    const total = dues.reduce((s, d) => s + d, 0);
    expect(init.GrpHdr).toMatchObject({
      MsgId: 'PRLV2026-000001',
      NbOfTxs: '3',
      CtrlSum: (total / 100).toFixed(2),
      InitgPty: { Nm: 'Ville de Saint-Nazaire' },
    });
    expect(init.GrpHdr.CreDtTm).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const info = init.PmtInf;
    expect(Object.keys(info)).toEqual([
      'PmtInfId',
      'PmtMtd',
      'BtchBookg',
      'NbOfTxs',
      'CtrlSum',
      'PmtTpInf',
      'ReqdColltnDt',
      'Cdtr',
      'CdtrAcct',
      'CdtrAgt',
      'ChrgBr',
      'CdtrSchmeId',
      'DrctDbtTxInf',
    ]);
    expect(info).toMatchObject({
      PmtMtd: 'DD',
      PmtTpInf: { SvcLvl: { Cd: 'SEPA' }, LclInstrm: { Cd: 'CORE' }, SeqTp: 'FRST' },
      ReqdColltnDt: '2026-07-20',
      CdtrAcct: { Id: { IBAN: 'FR1420041010050500013M02606' } },
      CdtrAgt: { FinInstnId: { BIC: 'PSSTFRPPNTE' } },
      CdtrSchmeId: { Id: { PrvtId: { Othr: { Id: 'FR72ZZZ123456', SchmeNm: { Prtry: 'SEPA' } } } } },
    });
    expect(info.DrctDbtTxInf).toHaveLength(3);
    for (const tx of info.DrctDbtTxInf) {
      expect(Object.keys(tx)).toEqual([
        'PmtId',
        'InstdAmt',
        'DrctDbtTx',
        'DbtrAgt',
        'Dbtr',
        'DbtrAcct',
        'RmtInf',
      ]);
      expect(tx.InstdAmt['@Ccy']).toBe('EUR');
      expect(tx.InstdAmt['#']).toMatch(/^\d+\.\d\d$/);
      expect(tx.DrctDbtTx.MndtRltdInf).toEqual({
        MndtId: expect.stringMatching(/^RUM-SN-\d$/),
        DtOfSgntr: '2026-05-02',
      });
      expect(tx.DbtrAcct.Id.IBAN).toBe('FR7630006000011234567890189');
      // Accents are out of the SEPA character set: the name goes out without them.
      expect(tx.Dbtr.Nm).toMatch(/^Famille Lefevre \d$/);
      expect(tx.RmtInf.Ustrd).toMatch(/F2026-\d{6}/);
    }
    const agents = info.DrctDbtTxInf.map((tx: any) => tx.DbtrAgt.FinInstnId);
    expect(agents).toContainEqual({ BIC: 'CCBPFRPP' });
    expect(agents).toContainEqual({ Othr: { Id: 'NOTPROVIDED' } });
    validateWithXsdIfAvailable(xml);
  });

  it("imports the bank's return file: the rejected debit reopens its debt with reason, notification and fee; the rest are collected", async () => {
    const rejected = debits[0];
    const rejectedFamily = (
      await one(`select family_id from sepa_debits where tenant_id = $1 and end_to_end_id = $2`, [
        tenantId,
        rejected.endToEndId,
      ])
    ).family_id;
    const before = await duesOf(families);
    const unknown = await app.gql(
      RETURNS,
      { i: { batchId, file: pain002([['PRLV2026-000009-00001', 'AM04']]), idempotencyKey: 'unknown' } },
      { token: admin },
    );
    expect(unknown.data.importDebitReturns.userErrors).toEqual([
      { code: 'INVALID', field: ['file'], message: expect.stringContaining('PRLV2026-000009-00001') },
    ]);
    const notXml = await app.gql(
      RETURNS,
      { i: { batchId, file: 'hello', idempotencyKey: 'bad' } },
      { token: admin },
    );
    expect(notXml.data.importDebitReturns.userErrors[0]).toMatchObject({ field: ['file'] });
    expect(
      (
        await one(
          `select count(*)::int as n from payments where tenant_id = $1 and method = 'DIRECT_DEBIT'`,
          [tenantId],
        )
      ).n,
    ).toBe(0);

    const imported = await app.gql(
      RETURNS,
      { i: { batchId, file: pain002([[rejected.endToEndId, 'AM04']]), idempotencyKey: 'returns' } },
      { token: admin },
    );
    expect(imported.data.importDebitReturns.userErrors).toEqual([]);
    expect(imported.data.importDebitReturns).toMatchObject({
      rejected: 1,
      collected: 2,
      debitBatch: { status: 'SETTLED' },
    });
    expect(imported.data.importDebitReturns.debitBatch.debits).toContainEqual({
      endToEndId: rejected.endToEndId,
      status: 'REJECTED',
      reasonCode: 'AM04',
    });

    for (const [n, family] of families.entries()) {
      const after = await dueOf(family);
      if (family === rejectedFamily) {
        // Still due, plus the 5,00 € fee invoice; the family is told why.
        expect(after).toBe(before[n] + 500);
        const fee = await one(
          `select kind, total, number from invoices where tenant_id = $1 and family_id = $2 and kind = 'FEE'`,
          [tenantId, family],
        );
        expect(fee).toMatchObject({ kind: 'FEE', total: 500 });
        const notes = (
          await owner.query(
            `select kind, message from notifications where tenant_id = $1 and family_id = $2 order by created_at, message`,
            [tenantId, family],
          )
        ).rows;
        expect(notes).toEqual(
          expect.arrayContaining([
            { kind: 'DIRECT_DEBIT_REJECTED', message: expect.stringMatching(/provision insuffisante/) },
            { kind: 'DIRECT_DEBIT_REJECTED', message: expect.stringMatching(/frais de rejet de 5,00/) },
          ]),
        );
        expect(
          (await one(`select sequence from sepa_mandates where family_id = $1`, [family])).sequence,
        ).toBe('FRST');
      } else {
        expect(after).toBe(0);
        const payment = await one(
          `select amount, method, channel from payments where tenant_id = $1 and family_id = $2 and method = 'DIRECT_DEBIT'`,
          [tenantId, family],
        );
        expect(payment).toEqual({ amount: before[n], method: 'DIRECT_DEBIT', channel: 'DIRECT_DEBIT_RUN' });
      }
    }
    const audited = await one(
      `select count(*)::int as n from audit_events where tenant_id = $1 and action = 'DIRECT_DEBIT_REJECTED'`,
      [tenantId],
    );
    expect(audited.n).toBe(1);

    const again = await app.gql(
      RETURNS,
      { i: { batchId, file: pain002([]), idempotencyKey: 'again' } },
      { token: admin },
    );
    expect(again.data.importDebitReturns.userErrors[0]).toMatchObject({
      code: 'INVALID',
      field: ['batchId'],
    });

    // The next batch takes the reopened debt (and the fee) again, as a first debit.
    const next = await app.gql(
      BATCH,
      { i: { collectionDate: '2026-08-05', idempotencyKey: 'august' } },
      { token: admin },
    );
    expect(next.data.createDebitBatch.debitBatch).toMatchObject({
      reference: 'PRLV2026-000002',
      debitCount: 1,
    });
    expect(next.data.createDebitBatch.debitBatch.debits[0]).toMatchObject({
      sequence: 'FRST',
      amount: { minorUnits: before[families.indexOf(rejectedFamily)] + 500 },
    });
  });
});

/** A bank's pain.002.001.03 status report rejecting these end-to-end ids with these reason codes. */
function pain002(rejections: [string, string][]): string {
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
  <GrpHdr><MsgId>RET-1</MsgId><CreDtTm>2026-07-22T06:00:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>PRLV2026-000001</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.02</OrgnlMsgNmId></OrgnlGrpInfAndSts>
  <OrgnlPmtInfAndSts><OrgnlPmtInfId>PRLV2026-000001-FRST</OrgnlPmtInfId>${txs}</OrgnlPmtInfAndSts>
</CstmrPmtStsRpt></Document>`;
}

/**
 * The standard's XSD is not shipped with the project (it is ISO's, not ours to redistribute); when
 * PAIN008_XSD names a copy, the file is validated against it too with xmllint (libxml2-utils),
 * which must then be installed. docs/billing.md says where to get both.
 */
function validateWithXsdIfAvailable(xml: string) {
  const xsd = process.env.PAIN008_XSD;
  if (!xsd) return;
  expect(spawnSync('xmllint', ['--version']).status).toBe(0);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pain008-')), 'batch.xml');
  fs.writeFileSync(file, xml);
  const result = spawnSync('xmllint', ['--noout', '--schema', xsd, file], { encoding: 'utf8' });
  expect(result.stderr).toMatch(/validates/);
  expect(result.status).toBe(0);
}
