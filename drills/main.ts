import 'reflect-metadata';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { onInterrupt, failAndExit } from '../bench/support/processes';
import { retries } from './support/client';
import type { DrillResult } from './support/timeline';
import { attachWorld, runDirectory, startWorld, type World } from './support/world';
import { beziers } from './stories/beziers';
import { nimes } from './stories/nimes';
import { quebec } from './stories/quebec';
import { saintNazaire } from './stories/saint-nazaire';

export interface DrillOptions {
  chaos: boolean;
  scale: number;
}

export type Story = (world: World, options: DrillOptions) => Promise<DrillResult>;

const STORIES: Record<string, Story> = {
  nimes,
  beziers,
  'saint-nazaire': saintNazaire,
  quebec,
};

const USAGE = `Usage: npm run drill -- <${Object.keys(STORIES).join('|')}|all> [--chaos | --both] [--scale N] [--keep]

Each story starts its own Guichet (dist/src/main.js) on a fresh copy of the seeded demo database,
acts through the API only, prints a timeline on stderr and one JSON line on stdout:
{"story":…,"steps":n,"invariants":[…],"failures":[…]}. Exits 1 when any story has a failure.

  --chaos     PostgreSQL restarted during the rush, the API killed (SIGKILL) during billing,
              the webhook receiver answering 500 for a while
  --both      each story twice, without then with --chaos (what npm test runs)
  --scale N   the story's size (families, parents in the rush); default 1 (CI size)
  --keep      keep the run's folder (databases, API logs) to look into afterwards
  --url U     act on a Guichet already running at U instead (one story, no --chaos), started
              with GUICHET_CLOCK_FILE=F on a freshly seeded demo database; also needs
              --clock-file F, --database-url D (to read the invariants) and the server's
              JWT_SECRET in the environment (tokens are signed as npm run token signs them)`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      chaos: { type: 'boolean', default: false },
      both: { type: 'boolean', default: false },
      scale: { type: 'string', default: '1' },
      keep: { type: 'boolean', default: false },
      url: { type: 'string' },
      'clock-file': { type: 'string' },
      'database-url': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const which = positionals[0];
  const scale = Number(values.scale);
  if (values.help || !which || (which !== 'all' && !STORIES[which]) || !(scale > 0 && scale <= 100)) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  if (
    values.url &&
    (values.chaos || values.both || which === 'all' || !values['clock-file'] || !values['database-url'])
  ) {
    // Against a server it did not start there is no process to kill, and the stories share its clock.
    console.error('--url: one story, without --chaos, with --clock-file and --database-url (see --help).');
    process.exit(2);
  }
  const workDir = runDirectory();
  if (!values.keep) onInterrupt(async () => fs.rmSync(workDir, { recursive: true, force: true }));
  const names = which === 'all' ? Object.keys(STORIES) : [which];
  const runs = names.flatMap((name) =>
    values.both
      ? [
          { name, chaos: false },
          { name, chaos: true },
        ]
      : [{ name, chaos: values.chaos! }],
  );
  let failed = false;
  for (const { name, chaos } of runs) {
    retries.unavailable = 0;
    retries.refused = 0;
    retries.internal = 0;
    let world: World | undefined;
    let result: DrillResult;
    try {
      world = values.url
        ? await attachWorld(values.url, values['database-url']!, values['clock-file']!)
        : await startWorld(workDir, chaos ? `${name}-chaos` : name);
      result = await STORIES[name](world, { chaos, scale });
    } catch (error) {
      result = {
        story: name,
        chaos,
        scale,
        steps: 0,
        invariants: [],
        failures: [`drill could not run: ${error instanceof Error ? error.message : String(error)}`],
        seconds: 0,
      };
    } finally {
      await world?.close().catch(() => undefined);
    }
    result.retries = { ...retries };
    if (result.failures.length) failed = true;
    console.log(JSON.stringify(result));
  }
  if (values.keep) console.error(`Run folder kept: ${workDir}`);
  else fs.rmSync(workDir, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

main().catch(failAndExit);
