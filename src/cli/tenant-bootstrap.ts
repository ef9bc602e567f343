import 'reflect-metadata';
import { bootstrapTenant, type BootstrapFile } from '../administration/bootstrap/bootstrap';
import { readBootstrapFile } from '../administration/bootstrap/read-file';
import { fail, runCommand } from './args';
import { withOwnerDatabase } from './with-database';

// `npm run tenant:bootstrap -- FILE`: the file may be given alone, as the usage writes it.
const first = process.argv[2];
if (first && !first.startsWith('-')) process.argv.splice(2, 0, '--file');

/** `npm run -s tenant:bootstrap -- FILE`: sets a tenant up from a declarative YAML or JSON file. */
runCommand(
  {
    name: 'tenant:bootstrap',
    usage: 'npm run -s tenant:bootstrap -- FILE.yaml|FILE.json',
    help: `
Sets a tenant up from a declarative YAML or JSON file (docs/administration.md, "From an empty
tenant"; examples: seeds/bootstrap/uzes.json, seeds/bootstrap/quebec.yaml, the demo tenant Québec's
catalogue, which the demo seed runs through this same code): the tenant (created when its slug is new), its
configuration, facilities with their services and price grids, closure periods, sessions to
generate and families with their children. Every step goes through the same services as the
API's mutations (checks, audit as "system:bootstrap", idempotency), each in its own transaction;
what already exists (a facility or service of that name, a family of that file number or name,
a session) is left as it is, so running it again creates nothing twice. Prints a JSON report.

  FILE, --file FILE    the file: YAML (.yaml, .yml) or JSON
  -h, --help           this help

Needs the database: DATABASE_URL, the embedded server of npm start, or one started for it.`,
    options: { file: { type: 'string' } },
  },
  async (options) => {
    if (!options.file)
      fail('give the file to read, e.g. npm run -s tenant:bootstrap -- seeds/bootstrap/uzes.json');
    let file: BootstrapFile;
    try {
      file = await readBootstrapFile(options.file);
    } catch (error) {
      fail(`cannot read ${options.file}: ${(error as Error).message}`);
    }
    if (!file.tenant?.slug) fail(`${options.file} has no "tenant" with a "slug".`);
    const report = await withOwnerDatabase((orm) => bootstrapTenant(orm.em.fork(), file));
    console.log(JSON.stringify(report));
  },
);
