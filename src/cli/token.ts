import 'reflect-metadata';
import { Client } from 'pg';
import { signToken } from '../auth/jwt';
import { Role } from '../auth/viewer';
import { loadConfig } from '../config';
import { runningOwnerUrl } from '../db/running';
import { fromGlobalId, toGlobalId } from '../shared/ids';
import { fail, runCommand } from './args';

/** Tokens last at most what the API accepts (`maxTokenAge`). */
const MAX_EXPIRY_SECONDS = 31 * 24 * 3600;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * `npm run -s token`: prints a development token, alone on the last line. A parent token names a
 * family: its ID as the API returned it, or the tenant's first demo family (this needs the
 * database: DATABASE_URL or the embedded server of `npm start`, else one is started for it).
 */
runCommand(
  {
    name: 'token',
    usage:
      'npm run -s token -- --tenant SLUG --role PARENT|AGENT|TENANT_ADMIN [--family FAMILY_ID] [--name NAME] [--expires 12h]',
    help: `
Prints a bearer token for the API, signed with JWT_SECRET (the development secret when unset),
alone on the last line: TOKEN=$(npm run -s token -- --tenant nimes --role AGENT | tail -1)

  --tenant SLUG     the tenant (nimes, beziers, saint-nazaire, quebec in the demo)
  --role ROLES      PARENT, AGENT or TENANT_ADMIN; several separated by commas
  --family ID       a parent's family, as the API returned its ID; without it, the tenant's
                    first demo family (printed on stderr)
  --name NAME       the person's name in the token
  --expires TIME    how long it is valid: 30m, 12h, 7d… (default 12h, at most 31d)
  -h, --help        this help

The tenant is checked against the database when one runs (npm start, or DATABASE_URL).`,
    options: {
      tenant: { type: 'string' },
      role: { type: 'string' },
      family: { type: 'string' },
      name: { type: 'string' },
      expires: { type: 'string' },
    },
  },
  async (options) => {
    if (!options.tenant) fail('--tenant is required.');
    if (!options.role) fail('--role is required (PARENT, AGENT or TENANT_ADMIN).');
    const tenant = options.tenant;
    const roles = options.role.split(',').map((r) => r.trim().toUpperCase());
    const invalid = roles.filter((r) => !(Object.values(Role) as string[]).includes(r));
    if (invalid.length) fail(`unknown role ${invalid.join(', ')}: use ${Object.values(Role).join(', ')}.`);
    const expires = options.expires ?? '12h';
    const duration = /^(\d{1,7})([smhd])$/.exec(expires);
    if (!duration || Number(duration[1]) * UNIT_SECONDS[duration[2]] > MAX_EXPIRY_SECONDS) {
      fail(`--expires must be a duration up to 31 days, such as 30m, 12h or 7d (not "${expires}").`);
    }
    if (Number(duration[1]) === 0) fail('--expires must be longer than 0.');
    if (options.family && fromGlobalId(options.family)?.type !== 'Family') {
      fail(`--family must be a family ID as the API returns it (e.g. Family_…), not "${options.family}".`);
    }

    let family = options.family;
    if (roles.includes(Role.PARENT) && !family) {
      family = await firstFamily(tenant);
    } else {
      await checkTenant(tenant);
    }

    const config = loadConfig();
    if (config.jwtSecretIsDevelopmentDefault)
      console.error('Signed with the development secret (JWT_SECRET unset).');
    const token = await signToken(
      {
        sub: `dev:${tenant}:${roles.join('+').toLowerCase()}`,
        name: options.name ?? `Demo ${roles.join('/')} (${tenant})`,
        tenant,
        roles: roles as Role[],
        family,
      },
      config.jwtSecret,
      expires,
    );
    console.log(token);
  },
);

/**
 * The tenant's first family (by name), from the database (started for the command if need be).
 * The ORM is loaded only here: other tokens are signed in a fraction of a second.
 */
async function firstFamily(slug: string): Promise<string> {
  const [{ withOwnerDatabase }, { inTenantTransaction }, { Family }, { Tenant }] = await Promise.all([
    import('./with-database.js'),
    import('../db/tenant-scope.js'),
    import('../families/family.entity.js'),
    import('../tenants/tenant.entity.js'),
  ]);
  return withOwnerDatabase(
    async (orm) => {
      const em = orm.em.fork();
      const tenant = await em.findOne(Tenant, { slug }).catch((error: { code?: string }) => {
        // 42P01: no tenants table, the database was never migrated.
        if (error.code !== '42P01') throw error;
        throw new Error('the database is empty: start Guichet first (npm start), or npm run db:reset.');
      });
      if (!tenant) fail(`unknown tenant "${slug}".`);
      const first = await inTenantTransaction(em, tenant.id, (tx) =>
        tx.findOne(Family, {}, { orderBy: { name: 'asc', id: 'asc' } }),
      );
      if (!first) fail(`tenant "${slug}" has no family: give one with --family.`);
      console.error(`Family: ${first.name} (${toGlobalId('Family', first.id)})`);
      return toGlobalId('Family', first.id);
    },
    { migrate: false },
  );
}

/**
 * Refuses a tenant the running database does not know. With no database running the token is
 * signed unchecked (a token needs no database; the API refuses an unknown tenant).
 */
async function checkTenant(slug: string): Promise<void> {
  const url = runningOwnerUrl(loadConfig());
  if (!url) return;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rowCount } = await client.query('select 1 from tenants where slug = $1', [slug]);
    if (!rowCount) fail(`unknown tenant "${slug}".`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
