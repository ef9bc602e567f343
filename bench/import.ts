import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import iconv from 'iconv-lite';
import { Client } from 'pg';
import { seedTenant } from '../seeds/DatabaseSeeder';
import { demoTenants } from '../seeds/demo-tenants';
import { loadConfig } from '../src/config';
import { appUrlFor, migrate } from '../src/db/database';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { initOrm } from '../src/db/orm';
import { ImportKind, ImportMode, type Import } from '../src/imports/import.entity';
import { runImport } from '../src/imports/import.service';
import { createLogger } from '../src/shared/logger';

/**
 * A whole town's legacy export imported at once: ROWS family lines (one per child, about 2.5
 * children per family), written as old software writes them (Windows-1252, `;`, JJ/MM/AAAA,
 * decimal commas), imported into a Béziers seeded on its own embedded PostgreSQL through the API's
 * role, ALL_OR_NOTHING, timed, with the process's peak RSS sampled every 100 ms. Then the same
 * file again (everything unchanged), timed too. Prints one JSON line.
 * Usage: npm run bench:import [-- ROWS]
 */
const ROWS = Number(process.argv[2] ?? 100_000);
const NOW = new Date('2026-11-30T08:00:00Z');
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

const LAST = [
  'Martin',
  'Fabre',
  'Rouvière',
  'Bénézech',
  'Azaïs',
  'Pagès',
  'Séguier',
  'Hébrard',
  'Vaissière',
  'Granier',
];
const FIRST = ['Héloïse', 'Loïc', 'Maëlys', 'Jérôme', 'Anaïs', 'Raphaël', 'Inès', 'François', 'Léa', 'Noé'];
const HEADER =
  'ref_famille;nom_famille;resp1_nom;resp1_prenom;resp1_email;resp1_tel;resp2_nom;resp2_prenom;resp2_email;resp2_tel;adresse;code_postal;ville;quotient;ref_enfant;enfant_nom;enfant_prenom;date_naissance;ecole;classe;regime';

/** Writes the file line by line (never whole in memory); returns the families it holds. */
async function writeLegacyFile(file: string, rows: number, schools: string[]): Promise<number> {
  const out = fs.createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(iconv.encode(text, 'windows-1252'))) await once(out, 'drain');
  };
  await write(`${HEADER}\r\n`);
  let written = 0;
  let family = 0;
  while (written < rows) {
    family++;
    const last = LAST[family % LAST.length];
    const first = FIRST[(family * 7) % FIRST.length];
    const quotient = `${200 + (family % 1700)},${String(family % 100).padStart(2, '0')}`;
    const familyColumns = [
      `B${String(family).padStart(7, '0')}`,
      `Famille ${last}`,
      last,
      first,
      `parent${family}@example.fr`,
      `06 ${String(family % 100).padStart(2, '0')} 12 34 56`,
      last,
      FIRST[(family * 3) % FIRST.length],
      '',
      '',
      `${1 + (family % 140)} avenue Jean Jaurès`,
      '34500',
      'Béziers',
      quotient,
    ];
    const children = Math.min(1 + (family % 4), rows - written);
    for (let k = 0; k < children; k++) {
      written++;
      const year = 2015 + ((family + k) % 9);
      const line = [
        ...familyColumns,
        `C${String(written).padStart(8, '0')}`,
        last,
        FIRST[(family + k) % FIRST.length],
        `${String(1 + ((family + k) % 28)).padStart(2, '0')}/${String(1 + (k % 12)).padStart(2, '0')}/${year}`,
        schools[(family + k) % schools.length],
        'CE1',
        k % 5 === 0 ? 'Sans porc' : 'Standard',
      ];
      await write(`${line.join(';')}\r\n`);
    }
  }
  out.end();
  await once(out, 'finish');
  return family;
}

async function main(): Promise<void> {
  const config = { ...loadConfig(), env: 'test' as const };
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-import-'));
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'pg'),
    port: 56000 + (process.pid % 1000),
    logger,
    persistent: false,
  });
  let failed = false;
  try {
    await migrate(pg.ownerUrl, config, logger);
    const ownerOrm = await initOrm({ clientUrl: pg.ownerUrl, logger, poolMax: 2 });
    const beziers = demoTenants().find((t) => t.slug === 'beziers')!;
    const tenant = await seedTenant(ownerOrm.em.fork(), { ...beziers, families: 10 }, NOW, 1);
    await ownerOrm.close(true);

    const owner = new Client({ connectionString: pg.ownerUrl });
    owner.on('error', () => undefined); // the server stops under it at the end
    await owner.connect();
    const schools = (
      await owner.query(
        `select name from facilities where tenant_id = $1 and kind = 'SCHOOL' order by name`,
        [tenant.id],
      )
    ).rows.map((r: { name: string }) => r.name);
    const file = path.join(dataDir, 'familles.csv');
    const families = await writeLegacyFile(file, ROWS, schools);
    const bytes = fs.statSync(file).size;

    const orm = await initOrm({ clientUrl: appUrlFor(config, pg.ownerUrl), logger, poolMax: 2 });
    const run = async (): Promise<{ row: Import; seconds: number; peakRss: number }> => {
      let peakRss = process.memoryUsage().rss;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 100);
      const started = performance.now();
      try {
        const row = await runImport(
          orm,
          {
            tenantId: tenant.id,
            startedBy: 'bench',
            kind: ImportKind.FAMILIES,
            mode: ImportMode.ALL_OR_NOTHING,
            dryRun: false,
            fileName: 'familles.csv',
            bytesTotal: bytes,
            today: '2026-11-30',
            now: () => new Date(),
          },
          fs.createReadStream(file, { highWaterMark: 256 * 1024 }),
        );
        return { row, seconds: (performance.now() - started) / 1000, peakRss };
      } finally {
        clearInterval(sampler);
      }
    };
    const rssBefore = process.memoryUsage().rss;
    const first = await run();
    const second = await run();
    await orm.close(true);

    // The embedded owner is a superuser, which bypasses row-level security: filter on the tenant.
    const {
      rows: [check],
    } = await owner.query(
      `select (select count(*)::int from families where tenant_id = $1 and external_ref like 'B%') as families,
              (select count(*)::int from children where tenant_id = $1 and external_ref like 'C%') as children`,
      [tenant.id],
    );
    await owner.end();
    const round = (s: number) => Math.round(s * 100) / 100;
    failed =
      first.row.created !== ROWS ||
      check.children !== ROWS ||
      check.families !== families ||
      second.row.unchanged !== ROWS;
    console.log(
      JSON.stringify({
        bench: 'import',
        rows: first.row.linesRead,
        seconds: round(first.seconds),
        rowsPerSecond: Math.round(first.row.linesRead / first.seconds),
        status: first.row.status,
        created: first.row.created,
        families: check.families,
        children: check.children,
        fileMb: round(bytes / 2 ** 20),
        peakRssMb: mb(Math.max(first.peakRss, second.peakRss)),
        rssBeforeMb: mb(rssBefore),
        reimportSeconds: round(second.seconds),
        reimportUnchanged: second.row.unchanged,
        machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      }),
    );
  } finally {
    await pg.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
