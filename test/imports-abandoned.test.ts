import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import { failAbandonedImports } from '../src/imports/abandoned';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

const ROOT = path.resolve(__dirname, '..');

/**
 * An operator's `npm run import` killed in the middle of a large file (kill -9, the machine
 * restarted): its transaction dies with its connection, so nothing was written, but its `Import`
 * row said RUNNING for ever. It is marked FAILED once no process holds the tenant's import lock —
 * never while the import is alive.
 */
describe('an import left RUNNING by a killed process', () => {
  const SLUG = 'test-import-killed';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let file: string;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    expect(build.status).toBe(0);
    tenantId = await seedTestTenant('beziers', { slug: SLUG, families: 10, seed: 77 }, new Date(), 1);
    owner = await rawClient('owner');
    app = await startTestApp();
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-killed-')), 'export.csv');
    const lines = ['ref_famille;resp1_nom;resp1_prenom;ref_enfant;enfant_nom;enfant_prenom;date_naissance'];
    for (let i = 0; i < 60_000; i++) lines.push(`KF${i};Dupont${i};Marie;KC${i};Dupont${i};Léo;12/03/2017`);
    fs.writeFileSync(file, lines.join('\n'));
  });
  afterAll(async () => {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    await owner.end();
    await app.close();
  });

  const importRow = async () =>
    (
      await owner.query(
        `select id, status, lines_read from imports where tenant_id = $1 order by started_at desc`,
        [tenantId],
      )
    ).rows[0] as { id: string; status: string; lines_read: number } | undefined;
  const until = async (check: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 60_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('stays RUNNING while alive, is marked FAILED after the kill, and nothing of it was written', async () => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'dist', 'src', 'cli', 'import.js'), '--tenant', SLUG, '--kind', 'families', file],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: os.homedir(),
          DATABASE_URL: process.env.GUICHET_TEST_OWNER_URL!,
        },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Its first batch written (progress is committed per batch): it is well under way.
    await until(async () => ((await importRow())?.lines_read ?? 0) >= 2000, 'the first batch');

    const later = new Date(Date.now() + 3600_000);
    // Alive: it holds its tenant's lock, so even an hour later it is left alone.
    expect(await failAbandonedImports(app.orm, later)).toBe(0);
    expect((await importRow())?.status).toBe('RUNNING');

    child.kill('SIGKILL');
    await exited;
    const locked = async () =>
      (
        await owner.query(
          `select count(*)::int as n from pg_locks where locktype = 'advisory' and granted
             and objid = hashtext('guichet:import:' || $1::text)::oid`,
          [tenantId],
        )
      ).rows[0].n > 0;
    await until(async () => !(await locked()), 'PostgreSQL to end the killed connection');
    const row = (await importRow())!;
    expect(row.status).toBe('RUNNING');

    // Just started: the grace period still covers it; past it, it is FAILED.
    expect(await failAbandonedImports(app.orm, new Date())).toBe(0);
    expect(await failAbandonedImports(app.orm, later)).toBe(1);
    const admin = await token(SLUG, Role.TENANT_ADMIN);
    const read = await app.gql(
      `query($id: ID!) { import(id: $id) { status created finishedAt } }`,
      { id: toGlobalId('Import', row.id) },
      { token: admin },
    );
    expect(read.data.import).toMatchObject({ status: 'FAILED', created: 0 });
    expect(read.data.import.finishedAt).not.toBeNull();
    const written = await owner.query(
      `select count(*)::int as n from families where tenant_id = $1 and external_ref like 'KF%'`,
      [tenantId],
    );
    expect(written.rows[0].n).toBe(0);
    // Done once: nothing left to mark.
    expect(await failAbandonedImports(app.orm, later)).toBe(0);
  });
});
