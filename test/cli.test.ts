import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { rawClient } from './support/app';

/**
 * The command-line tools as a newcomer meets them: `--help` answers (exit 0), a mistake is one
 * clear line (exit 2, no stack trace), a token is signed without rebuilding anything, and
 * `db:reset` never destroys a DATABASE_URL database without `--yes`. The built commands (`npm
 * test` builds first) run as child processes, without a database unless one is named.
 */
const ROOT = path.resolve(__dirname, '..');
const EMPTY_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-cli-'));

function run(command: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'dist', 'src', 'cli', `${command}.js`), ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      // No database unless a test names one: an empty data folder, nothing running on it.
      env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), GUICHET_DATA_DIR: EMPTY_DATA_DIR, ...env },
      timeout: 60000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

/** One line on stderr, naming the command, without a stack trace. */
function expectOneLine(stderr: string, command: string, pattern: RegExp) {
  expect(stderr.split('\n')).toHaveLength(1);
  expect(stderr).toMatch(new RegExp(`^${command}: `));
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

afterAll(() => fs.rmSync(EMPTY_DATA_DIR, { recursive: true, force: true }));

describe('command-line tools', () => {
  beforeAll(() => {
    // Under `npx jest` alone, build what changed (npm test has built everything).
    const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    expect(build.status).toBe(0);
  });

  it.each(['token', 'api-key', 'seed', 'migrate', 'reset', 'print-schema', 'tenant-bootstrap'])(
    '%s --help prints its usage on stdout and exits 0',
    (command) => {
      const { code, stdout, stderr } = run(command, ['--help']);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(/^Usage: npm run /);
    },
  );

  it('npm run -s token -- --help, through npm, exits 0', () => {
    const result = spawnSync('npm', ['run', '-s', 'token', '--', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/--expires TIME/);
  });

  it.each([
    [['--tenant', 'nimes', '--role', 'AGENT', '--expires', 'nonsense'], /--expires must be a duration/],
    [['--tenant', 'nimes', '--role', 'AGENT', '--expires', '90d'], /up to 31 days/],
    [['--tenant', 'nimes', '--role', 'CHEF'], /unknown role CHEF: use PARENT, AGENT, TENANT_ADMIN/],
    [['--role', 'AGENT'], /--tenant is required/],
    [['--tenant', 'nimes'], /--role is required/],
    [['--tenant', 'nimes', '--role', 'AGENT', '--tennant', 'x'], /Unknown option '--tennant'/],
    [['--tenant', 'nimes', '--role', 'PARENT', '--family', '42'], /--family must be a family ID/],
  ])('token %j: one line, exit 2', (args, message) => {
    const { code, stdout, stderr } = run('token', args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expectOneLine(stderr, 'token', message);
  });

  it('signs a token at once, without a database when none runs', () => {
    const { code, stdout } = run('token', ['--tenant', 'nimes', '--role', 'AGENT', '--expires', '30m']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').at(-1)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('refuses a tenant the database does not know (DATABASE_URL)', () => {
    const env = { DATABASE_URL: process.env.GUICHET_TEST_OWNER_URL! };
    const agent = run('token', ['--tenant', 'lyon', '--role', 'AGENT'], env);
    expect(agent.code).toBe(2);
    expectOneLine(agent.stderr, 'token', /unknown tenant "lyon"/);
    const parent = run('token', ['--tenant', 'lyon', '--role', 'PARENT'], env);
    expect(parent.code).toBe(2);
    expectOneLine(parent.stderr, 'token', /unknown tenant "lyon"/);
  });

  it.each([
    [
      'api-key',
      ['--name', 'Menus', '--tenants', 'nimes', '--scopes', 'meals:eat'],
      /unknown scope meals:eat/,
    ],
    ['api-key', ['--tenants', 'nimes', '--scopes', 'meals:read'], /--name is required/],
    ['api-key', ['--name', 'Menus', '--scopes', 'meals:read'], /--tenants is required/],
    ['seed', ['--scale', 'lots'], /--scale must be a whole number/],
    ['seed', ['--tenant', 'nimes'], /--tenant goes with --scale/],
    ['migrate', ['--force'], /Unknown option '--force'/],
  ])('%s %j: one line, exit 2', (command, args, message) => {
    const { code, stderr } = run(command, args);
    expect(code).toBe(2);
    expectOneLine(
      stderr,
      command === 'seed' ? 'db:seed' : command === 'migrate' ? 'db:migrate' : command,
      message,
    );
  });

  it('api-key refuses an unknown tenant and writes no key', async () => {
    const owner = await rawClient('owner');
    try {
      // Its own name only: other suites create keys meanwhile.
      const lost = () => owner.query(`select count(*)::int as n from api_keys where name = 'Lost'`);
      const before = (await lost()).rows[0].n;
      const { code, stderr } = run(
        'api-key',
        ['--name', 'Lost', '--tenants', 'nimes,lyon', '--scopes', 'meals:read'],
        {
          DATABASE_URL: process.env.GUICHET_TEST_OWNER_URL!,
        },
      );
      expect(code).toBe(2);
      expectOneLine(stderr, 'api-key', /unknown tenant "lyon"/);
      expect((await lost()).rows[0].n).toBe(before);
    } finally {
      await owner.end();
    }
  });

  it('db:reset leaves a DATABASE_URL database alone without --yes, and always in production', async () => {
    const env = { DATABASE_URL: process.env.GUICHET_TEST_OWNER_URL! };
    const unconfirmed = run('reset', [], env);
    expect(unconfirmed.code).toBe(2);
    expectOneLine(
      unconfirmed.stderr,
      'db:reset',
      /this would drop every table of database .* Run it with --yes/,
    );
    const production = run('reset', ['--yes'], { ...env, NODE_ENV: 'production' });
    expect(production.code).toBe(2);
    expectOneLine(production.stderr, 'db:reset', /refused in production/);
    const owner = await rawClient('owner');
    try {
      const { rows } = await owner.query(
        "select count(*)::int as n from tenants where slug in ('nimes', 'quebec')",
      );
      expect(rows[0].n).toBe(2);
    } finally {
      await owner.end();
    }
  });

  it('knows when the build is up to date, so that commands skip it', () => {
    const check = (stamp?: string) =>
      spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--check'], {
        cwd: ROOT,
        env: { ...process.env, ...(stamp ? { GUICHET_BUILD_STAMP: stamp } : {}) },
      }).status;
    // Just built (beforeAll): up to date.
    expect(check()).toBe(0);
    // A stamp older than the sources: stale, `--if-stale` would compile.
    const old = path.join(EMPTY_DATA_DIR, 'old-stamp');
    fs.writeFileSync(old, '');
    fs.utimesSync(old, new Date('2020-01-01'), new Date('2020-01-01'));
    expect(check(old)).toBe(1);
    expect(check(path.join(EMPTY_DATA_DIR, 'no-stamp'))).toBe(1);
  });
  it('tenant:bootstrap reads YAML as well as JSON: a town set up, then nothing twice; a broken file is one line', async () => {
    const example = JSON.parse(fs.readFileSync(path.join(ROOT, 'seeds', 'bootstrap', 'uzes.json'), 'utf8'));
    const file = path.join(EMPTY_DATA_DIR, 'town.yaml');
    fs.writeFileSync(file, stringify({ ...example, tenant: { ...example.tenant, slug: 'test-cli-yaml' } }));
    const env = { DATABASE_URL: process.env.GUICHET_TEST_OWNER_URL! };
    const first = run('tenant-bootstrap', [file], env);
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(first.stdout)).toMatchObject({
      tenantCreated: true,
      facilities: { created: 3 },
      services: { created: 3 },
      priceGrids: 3,
      families: { created: 2 },
    });
    const second = run('tenant-bootstrap', [file], env);
    expect(JSON.parse(second.stdout)).toMatchObject({
      tenantCreated: false,
      facilities: { created: 0, existing: 3 },
      sessions: { created: 0 },
      families: { created: 0, existing: 2 },
    });

    const broken = path.join(EMPTY_DATA_DIR, 'broken.yml');
    fs.writeFileSync(broken, 'tenant:\n  slug: test-cli-broken\n  name: [Ville\n');
    const refused = run('tenant-bootstrap', [broken], env);
    expect(refused.code).toBe(2);
    expectOneLine(refused.stderr, 'tenant:bootstrap', /cannot read .*broken\.yml: .*line \d+/);
    const owner = await rawClient('owner');
    try {
      const tenants = await owner.query(
        `select count(*)::int as n from tenants where slug = 'test-cli-broken'`,
      );
      expect(tenants.rows[0].n).toBe(0);
    } finally {
      await owner.end();
    }
  });
});
