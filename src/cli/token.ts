import 'reflect-metadata';
import { signToken } from '../auth/jwt';
import { Role } from '../auth/viewer';
import { loadConfig } from '../config';
import { inTenantTransaction } from '../db/tenant-scope';
import { Family } from '../families/family.entity';
import { toGlobalId } from '../shared/ids';
import { Tenant } from '../tenants/tenant.entity';
import { cliOptions, fail } from './args';
import { withOwnerDatabase } from './with-database';

const USAGE =
  'npm run -s token -- --tenant SLUG --role PARENT|AGENT|TENANT_ADMIN [--family FAMILY_ID] [--name NAME] [--expires 12h]';

/**
 * Prints a development token, alone on the last line. A parent token names a family: give its
 * ID as the API returned it, or let the command pick the tenant's first demo family (this needs
 * the database: DATABASE_URL or the embedded server of `npm start`).
 */
async function run(): Promise<void> {
  const options = cliOptions(
    {
      tenant: { type: 'string' },
      role: { type: 'string' },
      family: { type: 'string' },
      name: { type: 'string' },
      expires: { type: 'string' },
    },
    USAGE,
  );
  if (!options.tenant || !options.role) fail(`--tenant and --role are required.\nUsage: ${USAGE}`);
  const roles = options.role.split(',').map((r) => r.trim().toUpperCase());
  const invalid = roles.filter((r) => !(Object.values(Role) as string[]).includes(r));
  if (invalid.length) fail(`Unknown role ${invalid.join(', ')}. Roles: ${Object.values(Role).join(', ')}`);

  let family = options.family;
  if (roles.includes(Role.PARENT) && !family) {
    family = await withOwnerDatabase(
      async (orm) => {
        const em = orm.em.fork();
        const tenant = await em.findOne(Tenant, { slug: options.tenant! });
        if (!tenant) fail(`Unknown tenant "${options.tenant}".`);
        const first = await inTenantTransaction(em, tenant.id, (tx) =>
          tx.findOne(Family, {}, { orderBy: { name: 'asc', id: 'asc' } }),
        );
        if (!first) fail(`Tenant "${options.tenant}" has no family.`);
        console.error(`Family: ${first.name} (${toGlobalId('Family', first.id)})`);
        return toGlobalId('Family', first.id);
      },
      { migrate: false },
    );
  }

  const config = loadConfig();
  if (config.jwtSecretIsDevelopmentDefault)
    console.error('Signed with the development secret (JWT_SECRET unset).');
  const token = await signToken(
    {
      sub: `dev:${options.tenant}:${roles.join('+').toLowerCase()}`,
      name: options.name ?? `Demo ${roles.join('/')} (${options.tenant})`,
      tenant: options.tenant,
      roles: roles as Role[],
      family,
    },
    config.jwtSecret,
    options.expires ?? '12h',
  );
  console.log(token);
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
