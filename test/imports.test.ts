import fs from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';
import iconv from 'iconv-lite';
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

  const post = async (body: Buffer | string, query = '', as?: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${app.url}/imports/families${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${as ?? admin}`, 'content-type': 'text/csv', ...headers },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const count = async (sql: string) =>
    Number((await owner.query(sql.replace(/\$tenant/g, `'${tenantId}'`))).rows[0].n);
  const legacyFamilies = () => count(`select count(*) as n from families where tenant_id = $tenant and external_ref like 'F%'`);
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
    const stored = await owner.query(`select dry_run, status, error_count from imports where tenant_id = $1`, [tenantId]);
    expect(stored.rows).toEqual([{ dry_run: true, status: 'REJECTED', error_count: expected.errorCount }]);
  });
});
