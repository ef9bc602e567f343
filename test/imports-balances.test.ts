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
});
