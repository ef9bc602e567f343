import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

const ROOT = path.resolve(__dirname, '..');
const LEGACY = path.join(ROOT, 'seeds', 'legacy');
const FIXTURE = path.join(LEGACY, 'beziers-soldes.csv');
const EXPECTED = path.join(LEGACY, 'beziers-soldes.expected.json');

/**
 * Béziers' opening balances (POST /imports/balances): what each family still owed the previous
 * software — the export of seeds/legacy/beziers-soldes.csv, Windows-1252, `;`, with its broken
 * lines — becomes one OPENING_BALANCE charge per family and document reference, which November's
 * billing run then puts on the family's invoice. On a Béziers copy of its own, its families
 * imported first from seeds/legacy/beziers-familles.csv on Monday 30 November 2026.
 */
describe('legacy import of opening balances', () => {
  const SLUG = 'test-import-balances';
  const NOW = '2026-11-30T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let admin: string;
  let tenantId: string;
  const file = fs.readFileSync(FIXTURE);
  const withoutMessages = (errors: any[]) => errors.map(({ message: _m, ...rest }: any) => rest);

  const post = async (body: Buffer | string, query = '', kind = 'balances', as?: string) => {
    const response = await fetch(`${app.url}/imports/${kind}${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${as ?? admin}`, 'content-type': 'text/csv' },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  /** The opening charges, as the database holds them. */
  const openings = async () =>
    (
      await owner.query(
        `select f.external_ref as family, c.external_ref as ref, c.amount, c.unit_price, c.quantity, c.label,
                to_char(c.date, 'YYYY-MM-DD') as date, c.currency, c.service_id, c.child_id, c.reservation_id,
                c.invoice_id is not null as invoiced
         from charges c join families f on f.tenant_id = c.tenant_id and f.id = c.family_id
         where c.tenant_id = $1 and c.reason = 'OPENING_BALANCE' order by f.external_ref, c.external_ref`,
        [tenantId],
      )
    ).rows;
  const familyId = async (ref: string) =>
    (await owner.query(`select id from families where tenant_id = $1 and external_ref = $2`, [tenantId, ref]))
      .rows[0].id as string;

  beforeAll(async () => {
    tenantId = await seedTestTenant('beziers', { slug: SLUG, families: 4, seed: 1616 }, new Date(NOW), 1);
    owner = await rawClient('owner');
    app = await startTestApp();
    app.setNow(NOW);
    admin = await token(SLUG, Role.TENANT_ADMIN);
    const families = await post(
      fs.readFileSync(path.join(LEGACY, 'beziers-familles.csv')),
      '?mode=VALID_ONLY',
      'families',
    );
    expect(families.body.import.status).toBe('COMPLETED_WITH_REJECTIONS');
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('names every broken line of the Béziers export, dry run, and writes no charge', async () => {
    const expected = JSON.parse(fs.readFileSync(EXPECTED, 'utf8'));
    const { status, body } = await post(file, '?dryRun=true');
    expect(status).toBe(200);
    expect({ ...body.import, id: undefined, errors: withoutMessages(body.import.errors) }).toEqual({
      ...expected,
      id: undefined,
      dryRun: true,
    });
    const messages = Object.fromEntries(body.import.errors.map((e: any) => [e.code, e.message]));
    expect(messages.UNKNOWN_FAMILY).toBe(
      'Aucune famille de référence « F009990 » : importez d’abord les familles (ref_famille).',
    );
    expect(messages.BAD_AMOUNT).toMatch(
      /n’est pas un montant dû : plus de zéro, au plus 100[\s\u202f]000,00/,
    );
    expect(messages.DUPLICATE_IN_FILE).toBe(
      'La même famille et la même référence de pièce « FAC-2026-00520 » figurent déjà ligne 9 de ce fichier.',
    );
    expect(await openings()).toEqual([]);
  });

  it('all or nothing: the real run gives the same report and writes nothing', async () => {
    const dry = (await post(file, '?dryRun=true')).body.import;
    const real = (await post(file)).body.import;
    expect(real.status).toBe('REJECTED');
    expect({ ...real, id: undefined, dryRun: undefined }).toEqual({
      ...dry,
      id: undefined,
      dryRun: undefined,
    });
    expect(await openings()).toEqual([]);
  });

  it('valid only: the dry run reports what the real run does; each valid line is an opening charge with its origin', async () => {
    const dry = (await post(file, '?dryRun=true&mode=VALID_ONLY')).body.import;
    expect(dry).toMatchObject({
      status: 'COMPLETED_WITH_REJECTIONS',
      linesValid: 28,
      created: 28,
      rejected: 6,
    });
    expect(await openings()).toEqual([]);
    const real = (await post(file, '?mode=VALID_ONLY')).body.import;
    expect({ ...real, id: undefined, dryRun: undefined }).toEqual({
      ...dry,
      id: undefined,
      dryRun: undefined,
    });
    const rows = await openings();
    expect(rows).toHaveLength(28);
    expect(rows.find((r) => r.ref === 'REL-2024-0057')).toEqual({
      family: 'F004205',
      ref: 'REL-2024-0057',
      amount: 123450,
      unit_price: 123450,
      quantity: 1,
      label: 'Crèche Les Petits Loups; participation 2024',
      date: '2024-12-31',
      currency: 'EUR',
      service_id: null,
      child_id: null,
      reservation_id: null,
      invoiced: false,
    });
    // Without a due date: the day of the import.
    expect(rows.find((r) => r.ref === 'FAC-2025-01133')).toMatchObject({ amount: 2375, date: '2026-11-30' });
    expect(rows.find((r) => r.ref === 'FAC-2025-00977')?.label).toBe('Cantine — reliquat octobre 2025');
    // The exact sum of the valid lines' cents: no float on the way.
    expect(rows.reduce((sum, r) => sum + r.amount, 0)).toBe(
      4860 +
        6240 +
        13500 +
        2375 +
        8190 +
        123450 +
        7410 +
        21200 +
        980 +
        5670 +
        1800 +
        6720 +
        3885 +
        7140 +
        9600 +
        4410 +
        5250 +
        2940 +
        6300 +
        2700 +
        8820 +
        3570 +
        3150 +
        5880 +
        14400 +
        4725 +
        6090 +
        5145,
    );

    // The family's ledger shows it, with its origin.
    const parent = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Family { charges(first: 5) { nodes {
         reason label legacyReference service { id } child { id } amount { minorUnits } invoiced } } } } }`,
      { id: toGlobalId('Family', await familyId('F004205')) },
      { token: admin },
    );
    expect(parent.errors).toBeUndefined();
    expect(parent.data.node.charges.nodes).toEqual([
      {
        reason: 'OPENING_BALANCE',
        label: 'Crèche Les Petits Loups; participation 2024',
        legacyReference: 'REL-2024-0057',
        service: null,
        child: null,
        amount: { minorUnits: 123450 },
        invoiced: false,
      },
    ]);

    // The same file again creates nothing.
    const again = (await post(file, '?mode=VALID_ONLY')).body.import;
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 28, rejected: 6 });
    expect(await openings()).toEqual(rows);
  });

  it('November’s billing run puts each opening charge on the family’s invoice, as a line named by its origin', async () => {
    app.setNow('2026-12-07T10:00:00.000Z');
    const run = await app.gql(
      `mutation($i: RunBillingInput!) { runBilling(input: $i) { billingRun { status } userErrors { code } } }`,
      { i: { period: '2026-11', idempotencyKey: 'balances-nov' } },
      { token: admin },
    );
    expect(run.data.runBilling.userErrors).toEqual([]);
    const invoice = async (ref: string) =>
      (
        await owner.query(
          `select i.total, (select json_agg(json_build_object('month', l.month, 'label', l.label, 'quantity', l.quantity,
              'amount', l.amount, 'service', l.service_id) order by l.position)
              from invoice_lines l where l.tenant_id = i.tenant_id and l.invoice_id = i.id) as lines
           from invoices i join families f on f.tenant_id = i.tenant_id and f.id = i.family_id
           where i.tenant_id = $1 and f.external_ref = $2 and i.kind = 'INVOICE' and i.period = '2026-11'`,
          [tenantId, ref],
        )
      ).rows;
    expect(await invoice('F004205')).toEqual([
      {
        total: 123450,
        lines: [
          {
            month: '2024-12',
            label: 'Solde antérieur — Crèche Les Petits Loups; participation 2024 — réf. REL-2024-0057',
            quantity: 1,
            amount: 123450,
            service: null,
          },
        ],
      },
    ]);
    // Two documents, one undated (dated the import's day, in November): two lines.
    expect(await invoice('F004121')).toEqual([
      {
        total: 2375 + 8190,
        lines: [
          expect.objectContaining({
            month: '2026-09',
            label: 'Solde antérieur — Cantine juin 2026 — réf. FAC-2026-00402',
          }),
          expect.objectContaining({
            month: '2026-11',
            label: 'Solde antérieur — Garderie périscolaire 2025-2026 reliquat — réf. FAC-2025-01133',
          }),
        ],
      },
    ]);
    const rows = await openings();
    expect(rows.every((r) => r.invoiced)).toBe(true);
    const account = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Family { account { due { minorUnits } unbilled { minorUnits } } } } }`,
      { id: toGlobalId('Family', await familyId('F004205')) },
      { token: admin },
    );
    expect(account.data.node.account).toEqual({ due: { minorUnits: 123450 }, unbilled: { minorUnits: 0 } });
  });

  it('refuses to change an invoiced opening balance (BALANCE_INVOICED), updates one not invoiced yet', async () => {
    const header = 'ref_famille;num_facture;date_echeance;libelle;reste_du';
    const before = await openings();
    const changed = [
      header,
      'F004100;FAC-2025-00412;15/07/2025;Cantine 2024-2025 reliquat;50,00',
      'F004107;FAC-2026-00700;02/12/2026;Garderie novembre 2026;20,00',
    ].join('\r\n');
    const refused = (await post(changed)).body.import;
    expect(refused).toMatchObject({ status: 'REJECTED', linesValid: 1, rejected: 1, created: 0 });
    expect(withoutMessages(refused.errors)).toEqual([
      { line: 2, column: 'reste_du', value: '50,00', code: 'BALANCE_INVOICED' },
    ]);
    expect(refused.errors[0].message).toMatch(
      /^Le solde antérieur « FAC-2025-00412 » \(48,60\s€\) figure déjà sur la facture F2026-\d{6} : il ne peut plus changer/,
    );
    expect(await openings()).toEqual(before);

    const valid = (await post(changed, '?mode=VALID_ONLY')).body.import;
    expect(valid).toMatchObject({ status: 'COMPLETED_WITH_REJECTIONS', created: 1, rejected: 1 });
    expect((await openings()).find((r) => r.ref === 'FAC-2025-00412')).toEqual(
      before.find((r) => r.ref === 'FAC-2025-00412'),
    );
    // The same values of an invoiced one are unchanged; a corrected amount of one not invoiced updates it.
    const corrected = [
      header,
      'F004100;FAC-2025-00412;15/07/2025;Cantine 2024-2025 reliquat;48,60',
      'F004107;FAC-2026-00700;02/12/2026;Garderie novembre 2026;25,00',
    ].join('\r\n');
    const again = (await post(corrected)).body.import;
    expect(again).toMatchObject({ status: 'COMPLETED', created: 0, updated: 1, unchanged: 1 });
    expect((await openings()).find((r) => r.ref === 'FAC-2026-00700')).toMatchObject({
      family: 'F004107',
      amount: 2500,
      date: '2026-12-02',
      invoiced: false,
    });
  });

  it('puts the balance of a merged family on the kept one; refuses to merge two families holding one reference', async () => {
    const MERGE = `mutation($i: MergeFamiliesInput!) { mergeFamilies(input: $i) { userErrors { code message } } }`;
    const merge = (keep: string, merged: string, key: string) =>
      app.gql(
        MERGE,
        {
          i: {
            keepFamilyId: toGlobalId('Family', keep),
            mergeFamilyId: toGlobalId('Family', merged),
            idempotencyKey: key,
          },
        },
        { token: admin },
      );
    const [kept, merged] = [await familyId('F004128'), await familyId('F004135')];
    expect((await merge(kept, merged, 'balances-merge')).data.mergeFamilies.userErrors).toEqual([]);
    const header = 'ref_famille;num_facture;libelle;reste_du';
    // The old software still exports the merged household under its own reference.
    const file2 = [
      header,
      'F004135;FAC-2026-00710;Cantine novembre 2026;14,70',
      'F004128;FAC-2026-00710;Cantine novembre 2026;14,70',
    ].join('\n');
    const report = (await post(file2, '?mode=VALID_ONLY')).body.import;
    expect(report).toMatchObject({ created: 1, rejected: 1 });
    expect(withoutMessages(report.errors)).toEqual([
      { line: 3, column: 'ref_famille', value: 'F004128', code: 'DUPLICATE_IN_FILE' },
    ]);
    const charge = await owner.query(
      `select family_id from charges where tenant_id = $1 and external_ref = 'FAC-2026-00710'`,
      [tenantId],
    );
    expect(charge.rows).toEqual([{ family_id: kept }]);

    // Two households each given the same document: merged, it would be billed twice.
    const twice = [
      header,
      'F004142;FAC-2026-00720;Cantine novembre 2026;9,80',
      'F004149;FAC-2026-00720;Cantine novembre 2026;9,80',
    ].join('\n');
    expect((await post(twice)).body.import).toMatchObject({ status: 'COMPLETED', created: 2 });
    const [a, b] = [await familyId('F004142'), await familyId('F004149')];
    const conflict = await merge(a, b, 'balances-merge-conflict');
    expect(conflict.data.mergeFamilies.userErrors).toEqual([
      expect.objectContaining({ code: 'MERGE_CONFLICT', message: expect.stringContaining('FAC-2026-00720') }),
    ]);
    expect(
      (
        await owner.query(`select merged_into_id from families where tenant_id = $1 and id = $2`, [
          tenantId,
          b,
        ])
      ).rows,
    ).toEqual([{ merged_into_id: null }]);
  });

  it('reads amounts as French software writes them, in exact cents, from a UTF-8 file with commas', async () => {
    const lines = [
      ['AMT-1', '"1 234,50"'],
      ['AMT-2', '8.4'],
      ['AMT-3', '"12 €"'],
      ['AMT-4', '"0,29"'],
      ['AMT-5', '"100 000,00"'],
      ['AMT-6', '"12,505"'],
      ['AMT-7', '"100 000,01"'],
      ['AMT-8', '",50"'],
      ['AMT-9', '"0,001"'],
    ];
    const csv =
      '\uFEFFref_famille,ref_piece,origine,date,montant\n' +
      lines.map(([ref, value]) => `F004156,${ref},"Cantine, reliquat",01/11/2026,${value}`).join('\n');
    const report = (await post(csv, '?mode=VALID_ONLY')).body.import;
    expect(report).toMatchObject({ encoding: 'utf-8', separator: ',', created: 5, rejected: 4 });
    expect(withoutMessages(report.errors)).toEqual([
      { line: 7, column: 'montant', value: '12,505', code: 'BAD_AMOUNT' },
      { line: 8, column: 'montant', value: '100 000,01', code: 'BAD_AMOUNT' },
      { line: 9, column: 'montant', value: ',50', code: 'BAD_NUMBER' },
      { line: 10, column: 'montant', value: '0,001', code: 'BAD_AMOUNT' },
    ]);
    const stored = (await openings()).filter((r) => r.ref.startsWith('AMT-'));
    expect(stored.map((r) => [r.ref, r.amount, r.label])).toEqual([
      ['AMT-1', 123450, 'Cantine, reliquat'],
      ['AMT-2', 840, 'Cantine, reliquat'],
      ['AMT-3', 1200, 'Cantine, reliquat'],
      ['AMT-4', 29, 'Cantine, reliquat'],
      ['AMT-5', 10000000, 'Cantine, reliquat'],
    ]);
  });

  it('is for tenant admins; `npm run import -- --kind balances --dry-run` prints the same report', async () => {
    const agent = await post(file, '?dryRun=true', 'balances', await token(SLUG, Role.AGENT));
    expect(agent.status).toBe(403);
    const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    expect(build.status).toBe(0);
    const before = await owner.query(`select count(*)::int as n from charges where tenant_id = $1`, [
      tenantId,
    ]);
    const cli = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'dist', 'src', 'cli', 'import.js'),
        '--tenant',
        SLUG,
        '--kind',
        'balances',
        '--dry-run',
        FIXTURE,
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: os.homedir(),
          DATABASE_URL: process.env.GUICHET_TEST_OWNER_URL!,
        },
        encoding: 'utf8',
      },
    );
    expect(cli.stderr).toMatch(/Dry run REJECTED: 34 lines read, 28 valid/);
    expect(cli.status).toBe(1);
    const printed = JSON.parse(cli.stdout).import;
    // Now that the first run wrote them, its valid lines are unchanged; the errors are the fixture's.
    expect({ ...printed, id: undefined, errors: withoutMessages(printed.errors) }).toEqual({
      ...JSON.parse(fs.readFileSync(EXPECTED, 'utf8')),
      id: undefined,
      dryRun: true,
    });
    expect(
      (await owner.query(`select count(*)::int as n from charges where tenant_id = $1`, [tenantId])).rows,
    ).toEqual(before.rows);
  });
});
