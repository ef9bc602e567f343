import { Migration } from '@mikro-orm/migrations';

/** An origin as browsers send it: scheme, lowercase host (or [IPv6]), optional port; no path. */
const ORIGIN = String.raw`https?://([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(:[0-9]{1,5})?`;

/**
 * Browser front ends and towns' identity providers (docs/auth.md):
 * - `config_allowed_origins`: the origins whose pages may call the API (CORS), checked here to be
 *   origins as browsers send them (a path, a trailing slash or `*` would never match one);
 * - `config_identity_provider`: the town's OpenID provider (issuer, JWKS URI, audience, claim
 *   mapping), whose tokens act in the tenant; found by the token's `iss`, hence the index.
 * The demo tenants' origins (http://localhost:3000) are set by the demo seed, not here.
 */
export class Migration20261201120000BrowserAccess extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table tenants
      add column config_allowed_origins text[] not null default '{}'
        constraint tenants_allowed_origins_check check (
          cardinality(config_allowed_origins) <= 50
          and array_position(config_allowed_origins, null) is null
          and (cardinality(config_allowed_origins) = 0
               or array_to_string(config_allowed_origins, ' ') ~ '^${ORIGIN}( ${ORIGIN})*$')),
      add column config_identity_provider jsonb null
        constraint tenants_identity_provider_check check (
          config_identity_provider is null or (
            jsonb_typeof(config_identity_provider) = 'object'
            and jsonb_typeof(config_identity_provider->'issuer') = 'string'
            and jsonb_typeof(config_identity_provider->'jwksUri') = 'string'
            and jsonb_typeof(config_identity_provider->'audience') in ('string', 'array')));`);
    this.addSql(`create index tenants_identity_provider_issuer on tenants
      ((config_identity_provider->>'issuer')) where config_identity_provider is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index tenants_identity_provider_issuer;`);
    this.addSql(
      `alter table tenants drop column config_allowed_origins, drop column config_identity_provider;`,
    );
  }
}
