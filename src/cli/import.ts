import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENCODINGS, type Encoding } from '../imports/csv-source';
import { ImportKind, ImportMode, ImportStatus } from '../imports/import.entity';
import { IMPORTABLE_KINDS, runImport } from '../imports/import.service';
import { importReport } from '../imports/import-report';
import { todayIn } from '../shared/dates';
import { tenantLanguage } from '../shared/i18n';
import { Tenant } from '../tenants/tenant.entity';
import { fail, runCommand } from './args';
import { withOwnerDatabase } from './with-database';

const KINDS = IMPORTABLE_KINDS.map((k) => k.toLowerCase().replace('_', '-'));

/** `npm run import`: a legacy file imported by an operator, as POST /imports/<kind> does it. */
runCommand(
  {
    name: 'import',
    usage:
      'npm run -s import -- --tenant SLUG --kind families [--dry-run] [--valid-only] [--encoding utf-8|windows-1252] FILE.csv',
    help: `
Imports a legacy CSV file into a tenant, exactly as POST /imports/<kind> does (docs/imports.md),
and prints its report as JSON on stdout (messages in the tenant's language), a summary on stderr.
Exit code 0 when the file was (or, dry run, would be) imported, 1 when it was refused.

  --tenant SLUG        the tenant (beziers, nimes… in the demo)
  --kind KIND          what the file holds: ${KINDS.join(', ')}
  --dry-run            check and count everything, write nothing (the report is kept as an Import)
  --valid-only         write the valid lines and report the others (default: all or nothing)
  --encoding ENC       utf-8 or windows-1252 (also for ISO-8859-1); detected when omitted
  -h, --help           this help

Needs the database: DATABASE_URL, the embedded server of npm start, or one started for it.`,
    options: {
      tenant: { type: 'string' },
      kind: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'valid-only': { type: 'boolean' },
      encoding: { type: 'string' },
    },
    positionals: true,
  },
  async (options, files) => {
    if (!options.tenant) fail('--tenant is required.');
    if (!options.kind || !KINDS.includes(options.kind)) fail(`--kind must be one of ${KINDS.join(', ')}.`);
    if (files.length !== 1) fail('give exactly one file to import.');
    const file = files[0];
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) fail(`no file "${file}".`);
    const encoding = options.encoding?.toLowerCase();
    if (encoding && !(ENCODINGS as readonly string[]).includes(encoding)) {
      fail(`--encoding must be ${ENCODINGS.join(' or ')}.`);
    }
    const slug = options.tenant;
    await withOwnerDatabase(async (orm) => {
      const tenant = await orm.em.fork().findOne(Tenant, { slug });
      if (!tenant) fail(`unknown tenant "${slug}".`);
      const language = tenantLanguage(tenant);
      const row = await runImport(
        orm,
        {
          tenantId: tenant.id,
          startedBy: `cli:${os.userInfo().username}`,
          kind: options.kind!.toUpperCase().replace('-', '_') as ImportKind,
          mode: options['valid-only'] ? ImportMode.VALID_ONLY : ImportMode.ALL_OR_NOTHING,
          dryRun: options['dry-run'] ?? false,
          encoding: (encoding as Encoding | undefined) ?? null,
          fileName: path.basename(file),
          bytesTotal: fs.statSync(file).size,
          today: todayIn(language.timeZone, new Date()),
          now: () => new Date(),
        },
        fs.createReadStream(file),
      );
      console.log(JSON.stringify(importReport(row, language), null, 2));
      console.error(
        `${row.dryRun ? 'Dry run' : 'Import'} ${row.status}: ${row.linesRead} lines read, ${row.linesValid} valid, ` +
          `${row.created} created, ${row.updated} updated, ${row.unchanged} unchanged, ${row.rejected} rejected.`,
      );
      if (row.status === ImportStatus.REJECTED || row.status === ImportStatus.FAILED) process.exitCode = 1;
    });
  },
);
