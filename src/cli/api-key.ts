import 'reflect-metadata';
import { createApiKey, isScope } from '../auth/api-keys.service';
import { Scope } from '../auth/viewer';
import { Tenant } from '../tenants/tenant.entity';
import { fail, runCommand } from './args';
import { withOwnerDatabase } from './with-database';

/** `npm run -s api-key`: issues a vendor API key, printed once, alone on the last line, and stored hashed. */
runCommand(
  {
    name: 'api-key',
    usage: 'npm run -s api-key -- --name NAME --tenants SLUG[,SLUG…] --scopes SCOPE[,SCOPE…]',
    help: `
Issues an API key for a vendor's integration and prints it once, alone on the last line (only
its SHA-256 is stored): KEY=$(npm run -s api-key -- --name "Menus" --tenants nimes --scopes meals:read | tail -1)

  --name NAME          who uses it (shown in the audit trail)
  --tenants SLUGS      the tenants it may act for, separated by commas; a key for several picks
                       one per request with the X-Tenant header
  --scopes SCOPES      what it may do, separated by commas: ${Object.values(Scope).join(', ')}
  -h, --help           this help

Needs the database: DATABASE_URL, the embedded server of npm start, or one started for it.`,
    options: { name: { type: 'string' }, tenants: { type: 'string' }, scopes: { type: 'string' } },
  },
  async (options) => {
    if (!options.name?.trim()) fail('--name is required.');
    if (!options.tenants) fail('--tenants is required (e.g. --tenants nimes,beziers).');
    if (!options.scopes) fail(`--scopes is required: ${Object.values(Scope).join(', ')}.`);
    const scopes = options.scopes.split(',').map((s) => s.trim());
    const unknown = scopes.filter((s) => !isScope(s));
    if (unknown.length) fail(`unknown scope ${unknown.join(', ')}: use ${Object.values(Scope).join(', ')}.`);
    const slugs = options.tenants.split(',').map((s) => s.trim());
    const name = options.name;

    const plaintext = await withOwnerDatabase(async (orm) => {
      const em = orm.em.fork();
      const tenants = await em.find(Tenant, { slug: { $in: slugs } });
      const missing = slugs.filter((slug) => !tenants.some((t) => t.slug === slug));
      if (missing.length) fail(`unknown tenant ${missing.map((s) => `"${s}"`).join(', ')}.`);
      const { apiKey, plaintext } = await createApiKey(em, {
        name,
        tenantIds: tenants.map((t) => t.id),
        scopes: scopes.filter(isScope),
      });
      console.error(
        `API key "${apiKey.name}" (gk_${apiKey.prefix}_…) for ${slugs.join(', ')}: ${scopes.join(', ')}`,
      );
      return plaintext;
    });
    console.log(plaintext);
  },
);
