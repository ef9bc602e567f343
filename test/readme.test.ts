import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { appUrlFor } from '../src/db/database';
import { rawClient, startTestApp, type TestApp } from './support/app';

/**
 * The README's shell examples run as written, the way a newcomer runs them after `npm start`:
 * every ```sh block, in bash (stopping at the first failing command), against a started server
 * on a demo database of its own — made by `npm run db:reset -- --yes`, so on today's demo — and
 * then all of them again, to prove that they survive a second run (fresh idempotency keys, IDs
 * and amounts read from the answers, dates from today). A block preceded by
 * `<!-- readme-test: skip (why) -->` is left out (installing, another server, an API not merged yet).
 * The guides of docs/ with shell examples run the same way, each as one script (a reader follows a
 * guide from top to bottom in one terminal).
 */
const ROOT = path.resolve(__dirname, '..');

export interface ShellBlock {
  /** The section it belongs to. */
  heading: string;
  /** Line of its opening fence, from 1. */
  line: number;
  code: string;
  /** Why it is left out, when it is. */
  skip: string | null;
}

/** The ```sh blocks of a Markdown text, each with its section and skip marker. */
export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  let heading = '(top)';
  let skip: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const marker = /^<!--\s*readme-test:\s*skip\s*(.*?)\s*-->$/.exec(line.trim());
    if (marker) {
      skip = marker[1] || 'skipped';
    } else if (/^#{1,6} /.test(line)) {
      heading = line.replace(/^#+ /, '');
      skip = null;
    } else if (/^```(sh|bash)\s*$/.test(line)) {
      const start = i;
      const code: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) code.push(lines[i]);
      blocks.push({ heading, line: start + 1, code: code.join('\n'), skip });
      skip = null;
    } else if (line.trim() !== '') {
      // A marker applies to the block right after it (blank lines allowed between).
      skip = null;
    }
  }
  return blocks;
}

/** What each story shows when it worked (besides exiting 0 without GraphQL errors), by section and block. */
const SHOWS: Record<string, RegExp[]> = {
  'Try it #1': [/"slug":"nimes"/, /"roles": \[\s*"AGENT"\s*\]/, /"name": "Famille /, /"totalCount": \d+/],
  'Try it #2': [/"totalCount": \d+/, /"unitPrice": \{\s*"formatted": "[\d,]+\s€"/],
  'Booking #1': [/"status":"OPEN"/, /\["BOOKED","BOOKED"\]/],
  'Waitlists: the Béziers centre aéré #1': [
    /"status":"WAITING"/,
    /"status":"WAITING","togetherWith":\[\{"id":"[^"]+"\}\]/,
    /"placesLeft":0,"waitlist":\{"count":\d+,"promoted":[1-9]/,
  ],
  'Childcare places: the Québec story #1': [
    /"placementApplicationsOpen":false/,
    /\[\{"code":"CLOSED","reason":"WINDOW_CLOSED"\}\]/,
    /"placement":\{"urgent":true/,
    /"ranksIntact":true/,
    /"status":"DRAFT","stable":true/,
    /"status":"CONFIRMED","offers":\["OFFERED"\]/,
    /^\{"placement":\{"startDate":"\d{4}-\d\d-\d\d","ageGroup":"[A-Z]+"/m,
  ],
  'The roll call #1': [/"channel": "WALK_IN"/, /"reason": "WALK_IN"/, /"walkIns":\d+/],
  'Migrating from the old software #1': [/FIELD_COUNT/, /BAD_DATE/, /"dryRun":true/, /"unchanged":546/],
  'A day without the network #1': [
    /^%PDF-$/m,
    /every school: [1-9]\d* pages/,
    /"kind":"ATTENDANCE","status":"COMPLETED/,
  ],
  'Billing: the Saint-Nazaire catch-up, end to end #1': [
    /"kind": "CATCH_UP"/,
    /"paymentPlan": \{/,
    /"status":"PAID"/,
    /^%PDF-$/m,
    /"billingSuspendedSince":"\d{4}-\d\d-\d\d"/,
  ],
  'A new school year #1': [
    /"created":\d+,"skipped":\d+/,
    /"quotientHistory":\[\{"quotient":640/,
    /"FAMILY_QUOTIENT_SET"/,
  ],
  // Run again, the draft is empty (everything up to yesterday is billed): still a draft, still promoted once.
  "Saint-Nazaire's catch-up, reviewed before it goes out #1": [
    /"kind":"CATCH_UP","status":"DRAFT"/,
    /^invoices before: (\d+), after the draft: \1$/m,
    /"status":"COMPLETED"/,
    /n’est plus un brouillon \(COMPLETED\)/,
  ],
};

/** The guides of docs/ with shell examples, and what each shows when it worked. */
const DOC_FILES = fs
  .readdirSync(path.join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => `docs/${f}`);
const DOC_SHOWS: Record<string, RegExp[]> = {
  'docs/caterers.md': [/"nationalCode":"\d{7}[A-Z]"/, /"mealCounts":\[/],
  'docs/administration.md': [
    /"created":/,
    /"auditEvents":/,
    /"quotientHistory":/,
    /"tenantCreated":/,
    /\{"family":\{"id":"Family_[^"]+","name":"Famille Fabre"\}/,
    /"diet":"ALLERGY_PLAN"/,
  ],
};
const DOC_STORIES = DOC_FILES.map((file) => {
  const runnable = shellBlocks(fs.readFileSync(path.join(ROOT, file), 'utf8')).filter((b) => !b.skip);
  return { file, code: runnable.map((b) => b.code).join('\n'), shows: DOC_SHOWS[file] ?? [] };
}).filter((doc) => doc.code.trim() !== '');

/** Runs a command without blocking this process (the server under test answers from it). */
function runAsync(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number },
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const missingTools = ['bash', 'curl', 'jq'].filter(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
);
if (missingTools.length) {
  console.warn(`test/readme.test.ts skipped: the README's examples need ${missingTools.join(', ')}.`);
}

(missingTools.length ? describe.skip : describe)("the README's shell examples", () => {
  const blocks = shellBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
  const runnable = blocks.filter((b) => !b.skip);
  const database = `readme_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-readme-'));
  let url: string;
  let app: TestApp;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    expect(build.status).toBe(0);
    const owner = await rawClient('owner');
    try {
      await owner.query(`create database ${database}`);
    } finally {
      await owner.end();
    }
    const parsed = new URL(process.env.GUICHET_TEST_OWNER_URL!);
    parsed.pathname = `/${database}`;
    url = parsed.toString();
    // The demo as `npm run db:reset` makes it (DATABASE_URL: --yes).
    const reset = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'src', 'cli', 'reset.js'), '--yes'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), DATABASE_URL: url },
    });
    expect({ code: reset.status, stderr: reset.stderr }).toEqual({ code: 0, stderr: '' });
    expect(reset.stdout).toMatch(/The demo database is fresh \(four demo tenants around today\)/);
    app = await startTestApp({ clientUrl: appUrlFor(loadConfig(), url) });
  }, 120000);

  afterAll(async () => {
    await app?.close();
    const owner = await rawClient('owner');
    try {
      await owner.query(`drop database if exists ${database} with (force)`);
    } finally {
      await owner.end();
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('has stories to run, and says why it leaves the others out', () => {
    expect(runnable.map((b) => b.heading)).toEqual([
      'Try it',
      'Try it',
      'Booking',
      'Waitlists: the Béziers centre aéré',
      'Childcare places: the Québec story',
      'The roll call',
      'Migrating from the old software',
      'A day without the network',
      'A day without the network',
      'Billing: the Saint-Nazaire catch-up, end to end',
      'A new school year',
      "Saint-Nazaire's catch-up, reviewed before it goes out",
    ]);
    expect(blocks.filter((b) => b.skip).map((b) => [b.heading, b.skip])).toEqual([
      ['Guichet', '(installs, starts the server, runs the tests)'],
      ['Using your own PostgreSQL', '(needs your PostgreSQL server)'],
    ]);
  });

  /**
   * Runs one story in bash against the started server (the commands reach the same database), and
   * fails with its output unless it exits 0, without GraphQL errors, showing each of `shows`.
   */
  const runStory = async (label: string, code: string, shows: RegExp[]) => {
    const result = await runAsync('bash', ['-e', '-c', code], {
      cwd: ROOT,
      timeoutMs: 110000,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: os.homedir(),
        TMPDIR: tmp,
        GUICHET_URL: app.url,
        DATABASE_URL: url,
      },
    });
    const report = `${label}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
    if (result.status !== 0 || /"errors"\s*:/.test(result.stdout)) throw new Error(report);
    expect(result.stderr).not.toMatch(/jq: error|npm error|curl: \(\d+\)|command not found/);
    for (const shown of shows) {
      if (!shown.test(result.stdout)) throw new Error(`expected ${shown} in ${report}`);
    }
  };

  describe.each([1, 2])('run %i', (run) => {
    it.each(runnable.map((b) => [`${b.heading} (README.md:${b.line})`, b] as const))(
      '%s exits 0 without GraphQL errors',
      async (_name, block) => {
        const nth = runnable.filter((b) => b.heading === block.heading).indexOf(block) + 1;
        await runStory(
          `run ${run}, README.md:${block.line}`,
          block.code,
          SHOWS[`${block.heading} #${nth}`] ?? [],
        );
      },
      120000,
    );

    // A guide in docs/ is read from top to bottom in one terminal: its blocks run as one script.
    it.each(DOC_STORIES.map((doc) => [doc.file, doc] as const))(
      'docs: %s exits 0 without GraphQL errors',
      async (_name, doc) => {
        await runStory(`run ${run}, ${doc.file}`, doc.code, doc.shows);
      },
      120000,
    );
  });

  it('runs every guide of docs/ that has shell examples, and says why it leaves blocks out', () => {
    expect(DOC_STORIES.map((d) => d.file)).toEqual(['docs/administration.md', 'docs/caterers.md']);
    const skipped = DOC_FILES.flatMap((file) =>
      shellBlocks(fs.readFileSync(path.join(ROOT, file), 'utf8'))
        .filter((b) => b.skip)
        .map((b) => [file, b.skip]),
    );
    expect(skipped).toEqual([
      ['docs/administration.md', "(cancels a booked demo session: the README's booking stories need them)"],
      ['docs/auth.md', '(needs a town identity provider)'],
      ['docs/auth.md', '(signs tokens for placeholders: a family ID of your own)'],
      ['docs/benchmarks.md', '(needs PostgreSQL 15 from Debian)'],
      ['docs/benchmarks.md', '(needs the 20,000-family seed)'],
      ['docs/drills.md', '(each drill starts its own PostgreSQL and Guichet for a minute or more)'],
      ['docs/drills.md', '(two terminals: a server that keeps running, then the drill against it)'],
      ['docs/performance.md', '(a benchmark of several minutes)'],
    ]);
  });
});
