import type { Client } from 'pg';
import { fromGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * `import.finished` (webhooks, issue #16): every import that ends — dry run, refused file or
 * written — leaves one event in the outbox, written with its outcome, carrying the import's global
 * ID and its counts (no names, no file content); a dry run's are what the real run would do.
 */
describe('import.finished events', () => {
  const SLUG = 'test-import-events';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let admin: string;
  const HEADER =
    'ref_famille;nom_famille;resp1_nom;resp1_prenom;resp1_email;resp1_tel;resp2_nom;resp2_prenom;resp2_email;resp2_tel;adresse;code_postal;ville;quotient;ref_enfant;enfant_nom;enfant_prenom;date_naissance;ecole;classe;regime';
  const line = (n: number, birth = '04/09/2020') =>
    `F90${n};Famille Test${n};Test${n};Anne;anne.test${n}@example.fr;06 00 00 00 0${n};;;;;1 rue Haute;34500;Béziers;650;E90${n};Test${n};Léo;${birth};;;Standard`;

  const post = async (body: string, query: string) => {
    const response = await fetch(`${app.url}/imports/families?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' },
      body,
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as any).import;
  };
  const events = async () =>
    (
      await owner.query(
        `select aggregate_id, payload from webhook_events where tenant_id = $1 and type = 'import.finished' order by seq`,
        [tenantId],
      )
    ).rows;

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'beziers',
      { slug: SLUG, families: 5, seed: 1616 },
      new Date('2026-11-30T08:00:00Z'),
      1,
    );
    owner = await rawClient('owner');
    app = await startTestApp();
    admin = await token(SLUG, Role.TENANT_ADMIN);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('one event per finished import, with its outcome and counts, dry runs and refusals included', async () => {
    expect(await events()).toEqual([]);
    const good = [HEADER, line(1), line(2)].join('\n');
    const dry = await post(good, 'dryRun=true');
    const refused = await post([HEADER, line(3), line(4, '31/02/2019')].join('\n'), '');
    const written = await post(good, '');
    const again = await post(good, '');
    const found = await events();
    expect(found.map((e) => e.aggregate_id)).toEqual([dry.id, refused.id, written.id, again.id]);
    expect(found.map((e) => e.payload)).toEqual([
      {
        kind: 'FAMILIES',
        mode: 'ALL_OR_NOTHING',
        dryRun: true,
        status: 'COMPLETED',
        linesRead: 2,
        created: 2,
        updated: 0,
        unchanged: 0,
        rejected: 0,
      },
      {
        kind: 'FAMILIES',
        mode: 'ALL_OR_NOTHING',
        dryRun: false,
        status: 'REJECTED',
        linesRead: 2,
        created: 0,
        updated: 0,
        unchanged: 0,
        rejected: 1,
      },
      {
        kind: 'FAMILIES',
        mode: 'ALL_OR_NOTHING',
        dryRun: false,
        status: 'COMPLETED',
        linesRead: 2,
        created: 2,
        updated: 0,
        unchanged: 0,
        rejected: 0,
      },
      {
        kind: 'FAMILIES',
        mode: 'ALL_OR_NOTHING',
        dryRun: false,
        status: 'COMPLETED',
        linesRead: 2,
        created: 0,
        updated: 0,
        unchanged: 2,
        rejected: 0,
      },
    ]);
    expect(fromGlobalId(written.id)?.type).toBe('Import');
  });
});
