import fs from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';
import iconv from 'iconv-lite';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * Béziers migrates from its old software: the legacy export of seeds/legacy/ (Windows-1252, `;`,
 * 300 families, 556 child lines with its deliberately broken lines) through POST /imports/families,
 * as a tenant admin, on a Béziers copy of its own with its 22 schools.
 */
const FIXTURE = path.join(__dirname, '..', 'seeds', 'legacy', 'beziers-familles.csv');
const EXPECTED = path.join(__dirname, '..', 'seeds', 'legacy', 'beziers-familles.expected.json');

describe('legacy import of families', () => {
  const SLUG = 'test-imports';
  const NOW = '2026-11-30T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let admin: string;
  let tenantId: string;
  const file = fs.readFileSync(FIXTURE);

  const post = async (
    body: Buffer | string,
    query = '',
    as?: string,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${app.url}/imports/families${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${as ?? admin}`, 'content-type': 'text/csv', ...headers },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const count = async (sql: string) =>
    Number((await owner.query(sql.replace(/\$tenant/g, `'${tenantId}'`))).rows[0].n);
  const legacyFamilies = () =>
    count(`select count(*) as n from families where tenant_id = $tenant and external_ref like 'F%'`);
  const legacyChildren = () =>
    count(`select count(*) as n from children where tenant_id = $tenant and external_ref is not null`);
  const withoutMessages = (errors: any[]) => errors.map(({ message: _m, ...rest }: any) => rest);

  beforeAll(async () => {
    tenantId = await seedTestTenant('beziers', { slug: SLUG, families: 10, seed: 1515 }, new Date(NOW), 1);
    owner = await rawClient('owner');
    app = await startTestApp();
    app.setNow(NOW);
    admin = await token(SLUG, Role.TENANT_ADMIN);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('names every broken line of the Béziers export, dry run, and writes no family', async () => {
    const expected = JSON.parse(fs.readFileSync(EXPECTED, 'utf8'));
    const before = await count(`select count(*) as n from families where tenant_id = $tenant`);
    const { status, body } = await post(file, '?dryRun=true');
    expect(status).toBe(200);
    const report = body.import;
    expect({ ...report, id: undefined, errors: withoutMessages(report.errors) }).toEqual({
      ...expected,
      id: undefined,
      dryRun: true,
    });
    // Messages a town's agent reads, in the tenant's French.
    const fieldCount = report.errors.find((e: any) => e.code === 'FIELD_COUNT');
    expect(fieldCount.message).toMatch(/compte 22 champs alors que l’en-tête en a 21/);
    expect(await count(`select count(*) as n from families where tenant_id = $tenant`)).toBe(before);
    expect(await legacyChildren()).toBe(0);
    // The dry run's report is kept, marked as such.
    const stored = await owner.query(
      `select dry_run, status, error_count from imports where tenant_id = $1`,
      [tenantId],
    );
    expect(stored.rows).toEqual([{ dry_run: true, status: 'REJECTED', error_count: expected.errorCount }]);
  });

  it('all or nothing: the real run gives the same report and writes nothing', async () => {
    const dry = (await post(file, '?dryRun=true')).body.import;
    const real = (await post(file)).body.import;
    expect({ ...real, id: undefined, dryRun: undefined }).toEqual({
      ...dry,
      id: undefined,
      dryRun: undefined,
    });
    expect(real.status).toBe('REJECTED');
    expect(await legacyFamilies()).toBe(0);
    expect(await legacyChildren()).toBe(0);
  });

  it('valid only: the dry run reports exactly what the real run then does, and imports exactly the valid lines', async () => {
    const dry = (await post(file, '?dryRun=true&mode=VALID_ONLY')).body.import;
    expect(await legacyChildren()).toBe(0);
    const real = (await post(file, '?mode=VALID_ONLY')).body.import;
    expect({ ...real, id: undefined, dryRun: undefined }).toEqual({
      ...dry,
      id: undefined,
      dryRun: undefined,
    });
    expect(real).toMatchObject({
      status: 'COMPLETED_WITH_REJECTIONS',
      linesRead: 556,
      linesValid: 546,
      created: 546,
      updated: 0,
      unchanged: 0,
      rejected: 10,
    });
    expect(await legacyChildren()).toBe(546);
    // Every rejected line's child is absent (the duplicates' first lines are there).
    const rejectedRefs = ['E000390', 'E000609', 'E000822', 'E999001', 'E001086'];
    expect(
      await count(
        `select count(*) as n from children where tenant_id = $tenant and external_ref in (${rejectedRefs.map((r) => `'${r}'`).join(',')})`,
      ),
    ).toBe(0);
    // Windows-1252 read as such; decimal commas rounded; the quoted ";" kept in its address.
    const family = (
      await owner.query(
        `select name, guardians, address, family_quotient from families where tenant_id = $1 and external_ref = 'F004114'`,
        [tenantId],
      )
    ).rows[0];
    expect(family).toMatchObject({ name: 'Famille Lopez', family_quotient: 1816 });
    expect(family.guardians[1]).toMatchObject({ first_name: 'Jérôme', last_name: 'Lopez', email: null });
    const quoted = (
      await owner.query(`select address from families where tenant_id = $1 and external_ref = 'F004100'`, [
        tenantId,
      ])
    ).rows[0];
    expect(quoted.address).toBe('Résidence Les Oliviers; bât. B, 48 place Pierre Sémard');
    const child = (
      await owner.query(
        `select c.first_name, c.birth_date::text as birth_date, c.diet, c.school_class, f.name as school
         from children c join facilities f on f.id = c.school_id where c.tenant_id = $1 and c.external_ref = 'E000303'`,
        [tenantId],
      )
    ).rows[0];
    expect(child).toEqual({
      first_name: 'Lucas',
      birth_date: '2020-09-04',
      diet: 'NO_PORK',
      school_class: 'Grande section',
      school: 'École maternelle Lucie Aubrac',
    });
  });

  it('is idempotent by reference: the same file again changes nothing, a corrected file updates what changed', async () => {
    const familiesBefore = await legacyFamilies();
    const again = (await post(file, '?mode=VALID_ONLY')).body.import;
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 546, rejected: 10 });
    expect(await legacyFamilies()).toBe(familiesBefore);
    expect(await legacyChildren()).toBe(546);

    // The corrected export: the broken lines fixed, a child moved up a class, a family moved house.
    const text = iconv
      .decode(file, 'windows-1252')
      .replace('3 impasse des Vignes; Villa Les Pins', '3 impasse des Vignes, Villa Les Pins')
      .replace('31/02/2019', '28/02/2019')
      .replace(';1 2OO;', ';1200;')
      .replace(
        'E000303;Fontaine;Lucas;04/09/2020;École maternelle Lucie Aubrac;Grande section',
        'E000303;Fontaine;Lucas;04/09/2020;École maternelle Lucie Aubrac;Moyenne section',
      )
      .replace(/121 avenue de la Devèze/g, '7 rue Solférino');
    const fixed = (await post(iconv.encode(text, 'windows-1252'), '?mode=VALID_ONLY')).body.import;
    // Still rejected: the household under another's reference, the unknown school, the email,
    // the empty birth date and the family exported twice.
    expect(fixed).toMatchObject({ status: 'COMPLETED_WITH_REJECTIONS', rejected: 7, created: 3 });
    // Lucas's class, and the first line of the family that moved; the rest unchanged.
    expect(fixed.updated).toBe(2);
    expect(fixed.unchanged).toBe(546 - 2);
    expect(
      (
        await owner.query(
          `select school_class from children where tenant_id = $1 and external_ref = 'E000303'`,
          [tenantId],
        )
      ).rows[0].school_class,
    ).toBe('Moyenne section');
    expect(
      (
        await owner.query(`select address from families where tenant_id = $1 and external_ref = 'F004121'`, [
          tenantId,
        ])
      ).rows[0].address,
    ).toBe('7 rue Solférino');
  });

  it('detects UTF-8 with or without BOM and Windows-1252, and either separator; a forced wrong encoding is reported', async () => {
    const lines = (ref: string, child: string, sep: string) =>
      [
        [
          'ref_famille',
          'resp1_nom',
          'resp1_prenom',
          'ref_enfant',
          'enfant_nom',
          'enfant_prenom',
          'date_naissance',
          'ecole',
        ],
        [
          ref,
          'Bénézech',
          'Héloïse',
          child,
          'Bénézech',
          'Maëlys',
          '03/05/2018',
          'ÉCOLE ÉLÉMENTAIRE JEAN MACÉ',
        ],
      ]
        .map((l) => l.join(sep))
        .join('\n');
    const cases: [string, Buffer, string, string][] = [
      ['ENC-1', Buffer.from(lines('ENC-1', 'ENC-C1', ','), 'utf8'), 'utf-8', ','],
      [
        'ENC-2',
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines('ENC-2', 'ENC-C2', ';'), 'utf8')]),
        'utf-8',
        ';',
      ],
      ['ENC-3', iconv.encode(lines('ENC-3', 'ENC-C3', ';'), 'windows-1252'), 'windows-1252', ';'],
    ];
    for (const [ref, body, encoding, separator] of cases) {
      const report = (await post(body)).body.import;
      expect(report).toMatchObject({ status: 'COMPLETED', encoding, separator, created: 1 });
      const row = (
        await owner.query(
          `select f.guardians->0->>'first_name' as guardian, c.first_name, s.name as school from families f
           join children c on c.family_id = f.id join facilities s on s.id = c.school_id
           where f.tenant_id = $1 and f.external_ref = $2`,
          [tenantId, ref],
        )
      ).rows[0];
      expect(row).toEqual({
        guardian: 'Héloïse',
        first_name: 'Maëlys',
        school: 'École élémentaire Jean Macé',
      });
    }
    const forced = (
      await post(iconv.encode(lines('ENC-4', 'ENC-C4', ';'), 'windows-1252'), '?encoding=utf-8')
    ).body.import;
    expect(forced.status).toBe('REJECTED');
    expect(withoutMessages(forced.errors).map((e: any) => [e.line, e.column, e.code])).toEqual([
      [2, 'resp1_nom', 'ENCODING'],
      [2, 'resp1_prenom', 'ENCODING'],
      [2, 'enfant_nom', 'ENCODING'],
      [2, 'enfant_prenom', 'ENCODING'],
      [2, 'ecole', 'ENCODING'],
      [2, 'ecole', 'UNKNOWN_SCHOOL'],
    ]);
    expect(
      await count(`select count(*) as n from families where tenant_id = $tenant and external_ref = 'ENC-4'`),
    ).toBe(0);
  });

  it('refuses other roles, unknown kinds and options, and a header without its columns, writing nothing', async () => {
    const imports = () => count(`select count(*) as n from imports where tenant_id = $tenant`);
    const before = await imports();
    const agent = await post(file, '', await token(SLUG, Role.AGENT));
    expect(agent.status).toBe(403);
    expect(agent.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const anonymous = await fetch(`${app.url}/imports/families`, { method: 'POST', body: 'x' });
    expect(anonymous.status).toBe(401);
    const kind = await fetch(`${app.url}/imports/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'accept-language': 'en' },
      body: 'x',
    });
    expect(kind.status).toBe(400);
    expect(((await kind.json()) as any).errors[0].message).toBe(
      'No import of kind "payments": use families, reservations, balances, attendance, or attendance-journal.',
    );
    expect((await post(file, '?mode=SOME')).status).toBe(400);
    expect(await imports()).toBe(before);

    const header = (await post('nom;prenom\nMartin;Léa\n')).body.import;
    expect(header).toMatchObject({ status: 'REJECTED', linesRead: 0, errorCount: 1 });
    expect(header.errors[0]).toMatchObject({ line: 1, code: 'MISSING_COLUMN' });
    const empty = (await post('')).body.import;
    expect(empty).toMatchObject({ status: 'REJECTED', errorCount: 1 });
  });

  it('reads imports back in GraphQL: counts, errors with their messages, progress', async () => {
    const real = (await post(file, '?dryRun=true', undefined, { 'content-length': String(file.length) })).body
      .import;
    const res = await app.gql(
      `query($id: ID!) { import(id: $id) { id kind mode dryRun status encoding separator linesRead linesValid created
         updated unchanged rejected errorCount progress startedBy finishedAt
         errors(first: 2, offset: 1) { line column value code message } }
       imports(first: 100) { totalCount nodes { id dryRun } } }`,
      { id: real.id },
      { token: admin },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.import).toMatchObject({
      id: real.id,
      kind: 'FAMILIES',
      dryRun: true,
      status: 'REJECTED',
      encoding: 'windows-1252',
      linesRead: 556,
      rejected: 10,
      progress: 1,
    });
    expect(res.data.import.errors).toEqual([
      {
        line: 104,
        column: 'date_naissance',
        value: '31/02/2019',
        code: 'BAD_DATE',
        message: '« 31/02/2019 » n’est pas une date valide : attendu JJ/MM/AAAA (par exemple 04/09/2019).',
      },
      expect.objectContaining({ line: 175, code: 'BAD_NUMBER' }),
    ]);
    expect(res.data.imports.nodes.map((n: any) => n.id)).toContain(real.id);
    const forbidden = await app.gql(
      `{ imports(first: 5) { totalCount } }`,
      {},
      { token: await token(SLUG, Role.AGENT) },
    );
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
  it('matches the lines of a family merged into another to the kept family, changing nothing', async () => {
    const id = async (ref: string) =>
      (
        await owner.query(`select id from families where tenant_id = $1 and external_ref = $2`, [
          tenantId,
          ref,
        ])
      ).rows[0].id as string;
    const [kept, merged] = [await id('F006158'), await id('F006186')];
    const res = await app.gql(
      `mutation($i: MergeFamiliesInput!) { mergeFamilies(input: $i) { userErrors { code message } } }`,
      {
        i: {
          keepFamilyId: toGlobalId('Family', kept),
          mergeFamilyId: toGlobalId('Family', merged),
          idempotencyKey: 'import-merge',
        },
      },
      { token: admin },
    );
    expect(res.data.mergeFamilies.userErrors).toEqual([]);
    // The old software still exports the merged household under its own reference.
    const lines = iconv.decode(file, 'windows-1252').split(/\r?\n/);
    const csv = [lines[0], ...lines.filter((line) => line.startsWith('F006186;'))].join('\n') + '\n';
    const again = (await post(csv)).body.import;
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3, rejected: 0 });
    expect(
      (
        await owner.query(
          `select distinct family_id from children where tenant_id = $1 and external_ref in ('E001944', 'E001947', 'E001950')`,
          [tenantId],
        )
      ).rows,
    ).toEqual([{ family_id: kept }]);
    expect((await owner.query(`select name from families where id = $1`, [kept])).rows[0].name).toBe(
      'Famille Benali',
    );
  });
});
