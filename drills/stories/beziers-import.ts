import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import type { Queryable } from '../invariants';
import type { Timeline } from '../support/timeline';
import { ROOT, type World } from '../support/world';

const EXPORT = 'seeds/legacy/beziers-familles.csv';

interface ImportError {
  line: number;
  column: string | null;
  value: string;
  code: string;
}

/** POST /imports/families as a town's back office sends it; the report (the `import` object). */
async function send(world: World, token: string, query: string, body: Buffer): Promise<any> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${world.base}/imports/families?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body,
    }).catch((error: Error) => error);
    // A real operator re-sends the file when the API is not there (the import is idempotent).
    if (res instanceof Error || res.status === 503) {
      if (attempt > 60) throw res instanceof Error ? res : new Error('503 for a minute');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    const answer = (await res.json()) as any;
    if (!answer.import) throw new Error(`HTTP ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`);
    return answer.import;
  }
}

/**
 * What a town's agent does with the report, line by line, in the old software's export: the
 * misplaced separator put back inside the quoted address, the impossible date and the empty one
 * looked up, the quotient typed again, the school renamed to one the town has, the e-mail fixed,
 * the family that reused another's reference given its own, the children listed twice removed.
 */
export function correctExport(text: string, errors: ImportError[], knownSchool: string): string {
  const lines = text.split(/\r?\n/);
  const header = (parse(lines[0], { delimiter: ';' }) as string[][])[0];
  const col = (name: string) => header.indexOf(name);
  const dropped = new Set<number>();
  for (const e of errors) {
    const index = e.line - 1;
    let fields = (parse(lines[index], { delimiter: ';', relax_quotes: true }) as string[][])[0];
    switch (e.code) {
      case 'FIELD_COUNT': {
        // The separator typed for a comma inside the address (the family's other lines have it right).
        const at = col('adresse');
        const extra = fields.length - header.length;
        fields = [
          ...fields.slice(0, at),
          fields.slice(at, at + extra + 1).join(','),
          ...fields.slice(at + extra + 1),
        ];
        break;
      }
      case 'BAD_DATE':
      case 'MISSING_FIELD':
        if (e.column === 'date_naissance')
          fields[col('date_naissance')] = e.value ? '28/02/2019' : '15/06/2019';
        else throw new Error(`no correction for ${e.code} in ${e.column}`);
        break;
      case 'BAD_NUMBER':
        fields[col(e.column!)] = e.value.replace(/O/g, '0').replace(/\s/g, '');
        break;
      case 'UNKNOWN_SCHOOL':
        fields[col('ecole')] = knownSchool;
        break;
      case 'BAD_EMAIL':
        fields[col(e.column!)] = e.value.replace(/\.(gmail|orange|sfr|free)\./, '@$1.');
        break;
      case 'DUPLICATE_EXTERNAL_REF':
        fields[col('ref_famille')] = `${e.value}-B`;
        break;
      case 'DUPLICATE_IN_FILE':
        dropped.add(index);
        continue;
      default:
        throw new Error(`no correction for ${e.code}`);
    }
    lines[index] = stringify([fields], { delimiter: ';', record_delimiter: '' });
  }
  return lines.filter((_, i) => !dropped.has(i)).join('\r\n');
}

/** No family nor child of the export imported twice: one row per reference, one child per person. */
export async function importedOnce(db: Queryable, tenant: string, familyRefs: number): Promise<string[]> {
  const found: string[] = [];
  const { rows } = await db.query(
    `select (select count(*)::int from families where tenant_id = $1 and external_ref like 'F00%') as families,
            (select count(*)::int from (
               select 1 from children where tenant_id = $1 and external_ref like 'E00%'
               group by family_id, lower(first_name), lower(last_name), birth_date having count(*) > 1) d) as twins`,
    [tenant],
  );
  if (rows[0].families !== familyRefs)
    found.push(`${rows[0].families} families from the export for ${familyRefs} references in the file`);
  if (rows[0].twins) found.push(`${rows[0].twins} children imported twice under different references`);
  return found;
}

/**
 * Béziers' broken migration: the old software's export (Windows-1252, `;`, broken on purpose)
 * checked in a dry run that names every bad line and writes nothing; corrected line by line from
 * the report; imported whole; imported again, changing nothing.
 */
export async function beziersImport(world: World, t: Timeline, tenant: string, admin: string): Promise<void> {
  const original = fs.readFileSync(path.join(ROOT, EXPORT));
  const families = async () =>
    (await world.owner.query(`select count(*)::int as n from families where tenant_id = $1`, [tenant]))
      .rows[0].n;
  const dry = await t.step(
    'the legacy export checked in a dry run: every bad line named, nothing written',
    async () => {
      const before = await families();
      const report = await send(world, admin, 'dryRun=true', original);
      if (report.status !== 'REJECTED' || !report.errors.length)
        throw new Error(JSON.stringify(report).slice(0, 300));
      if ((await families()) !== before) throw new Error('the dry run wrote families');
      return report;
    },
    (r) =>
      `${r.linesRead} lines, ${r.errorCount} errors: ${[...new Set(r.errors.map((e: any) => e.code))].join(', ')}`,
  );
  if (!dry) return;
  const corrected = await t.step(
    'the file corrected from the report, then imported whole (ALL_OR_NOTHING)',
    async () => {
      const school = (
        await world.owner.query(
          `select name from facilities where tenant_id = $1 and kind = 'SCHOOL' order by name limit 1`,
          [tenant],
        )
      ).rows[0].name as string;
      const text = correctExport(iconv.decode(original, 'windows-1252'), dry.errors, school);
      const file = iconv.encode(text, 'windows-1252');
      const report = await send(world, admin, 'mode=ALL_OR_NOTHING', file);
      if (report.status !== 'COMPLETED' || report.rejected)
        throw new Error(JSON.stringify(report.errors).slice(0, 400));
      const rows = parse(text, { delimiter: ';', columns: true, relax_quotes: true }) as Record<
        string,
        string
      >[];
      const refs = new Set(rows.map((r) => r.ref_famille)).size;
      return { report, file, refs };
    },
    (c) => `${c.report.created} created, ${c.report.updated} updated`,
  );
  if (!corrected) return;
  await t.step(
    'the same file again changes nothing',
    async () => {
      const report = await send(world, admin, 'mode=ALL_OR_NOTHING', corrected.file);
      if (report.created || report.updated || report.unchanged !== report.linesValid)
        throw new Error(JSON.stringify(report).slice(0, 300));
      return report;
    },
    (r) => `${r.unchanged} lines unchanged`,
  );
  await t.invariant('no family imported twice', importedOnce(world.owner, tenant, corrected.refs));
}
