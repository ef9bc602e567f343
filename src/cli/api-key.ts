import 'reflect-metadata';
import { createApiKey, isScope } from '../auth/api-keys.service';
import { Tenant } from '../tenants/tenant.entity';
import { cliOptions, fail } from './args';
import { withOwnerDatabase } from './with-database';
import { Scope } from '../auth/viewer';

const USAGE = 'npm run -s api-key -- --name NAME --tenants SLUG[,SLUG…] --scopes SCOPE[,SCOPE…]';

/** Issues a vendor API key; the key is printed once, alone on the last line, and stored hashed. */
async function run(): Promise<void> {
  const options = cliOptions(
    { name: { type: 'string' }, tenants: { type: 'string' }, scopes: { type: 'string' } },
    USAGE,
  );
  if (!options.name || !options.tenants || !options.scopes)
    fail(`--name, --tenants and --scopes are required.\nUsage: ${USAGE}`);
  const scopes = options.scopes.split(',').map((s) => s.trim());
  const unknown = scopes.filter((s) => !isScope(s));
  if (unknown.length) fail(`Unknown scope ${unknown.join(', ')}. Scopes: ${Object.values(Scope).join(', ')}`);
  const slugs = options.tenants.split(',').map((s) => s.trim());

  const plaintext = await withOwnerDatabase(async (orm) => {
    const em = orm.em.fork();
    const tenants = await em.find(Tenant, { slug: { $in: slugs } });
    const missing = slugs.filter((slug) => !tenants.some((t) => t.slug === slug));
    if (missing.length) fail(`Unknown tenant ${missing.join(', ')}.`);
    const { apiKey, plaintext } = await createApiKey(em, {
      name: options.name!,
      tenantIds: tenants.map((t) => t.id),
      scopes: scopes.filter(isScope),
    });
    console.error(
      `API key "${apiKey.name}" (gk_${apiKey.prefix}_…) for ${slugs.join(', ')}: ${scopes.join(', ')}`,
    );
    return plaintext;
  });
  console.log(plaintext);
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
