import type { TenantContext } from '../auth/context';
import { ApiKey } from '../auth/api-key.entity';
import { isScope, newKeyMaterial } from '../auth/api-keys.service';
import { audit } from '../audit/audit.service';
import { idempotent } from '../idempotency/idempotency.service';
import { allOf, msg } from '../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../shared/user-errors';
import { Scope } from '../auth/viewer';

/** The tenant's API keys (those granted this tenant), newest first; revoked ones on request. */
export async function listApiKeys(ctx: TenantContext, includeRevoked: boolean): Promise<ApiKey[]> {
  const rows = await ctx.em.execute<{ id: string }[]>(
    `select id from api_keys where ? = any(tenant_ids) ${includeRevoked ? '' : 'and revoked_at is null'}
     order by created_at desc, id desc limit 500`,
    [ctx.tenant.id],
    'all',
    ctx.em.getLoggerContext(),
  );
  if (rows.length === 0) return [];
  const keys = await ctx.em.find(ApiKey, { id: { $in: rows.map((r) => r.id) } });
  const byId = new Map(keys.map((k) => [k.id, k]));
  return rows.map((r) => byId.get(r.id)!);
}

/**
 * Creates an API key for this tenant only (tenant admins), with the scopes given, and hands its
 * plaintext to `reveal` — once: only its SHA-256 is stored, and an idempotent replay returns the
 * key without it (revoke it and create another if the plaintext was lost). Refuses an unknown or
 * repeated scope, or none.
 */
export async function createTenantApiKey(
  ctx: TenantContext,
  input: { name: string; scopes: string[]; idempotencyKey: string },
  reveal: (plaintext: string) => void,
): Promise<Outcome<{ apiKeyId: string }>> {
  const { idempotencyKey, ...rest } = input;
  return idempotent(ctx, 'createApiKey', idempotencyKey, rest, async () => {
    const name = input.name.trim();
    if (!name) return refuse(UserErrorCode.INVALID, msg('apiKey.nameRequired', { max: 100 }), ['name']);
    if (input.scopes.length === 0)
      return refuse(UserErrorCode.INVALID, msg('apiKey.scopeRequired'), ['scopes']);
    for (const [index, scope] of input.scopes.entries()) {
      const field = ['scopes', String(index)];
      if (!isScope(scope)) {
        const scopes = allOf(Object.values(Scope));
        return refuse(UserErrorCode.INVALID, msg('apiKey.unknownScope', { scope, scopes }), field);
      }
      if (input.scopes.indexOf(scope) !== index) {
        return refuse(UserErrorCode.INVALID, msg('apiKey.scopeTwice', { scope }), field);
      }
    }
    const { prefix, secretHash, plaintext } = newKeyMaterial();
    const [row] = await ctx.em.execute<{ id: string }[]>(
      `select guichet_create_api_key(?, ?, ?, ?::text[]) as id`,
      [name, prefix, secretHash, `{${input.scopes.join(',')}}`],
      'all',
      ctx.em.getLoggerContext(),
    );
    audit(ctx, {
      action: 'API_KEY_CREATED',
      subjectId: row.id,
      details: { name, prefix, scopes: input.scopes },
    });
    await ctx.em.flush();
    reveal(plaintext);
    return done({ apiKeyId: row.id });
  });
}

/**
 * Revokes a key for this tenant (tenant admins): a key of this tenant alone stops working at
 * once; a vendor's key shared with other tenants loses this tenant only. Revoking again is a
 * no-op. NOT_FOUND for a key this tenant was never granted.
 */
export async function revokeTenantApiKey(
  ctx: TenantContext,
  input: { apiKeyId: string },
): Promise<Outcome<{ apiKeyId: string }>> {
  const [row] = await ctx.em.execute<{ found: boolean }[]>(
    `select guichet_revoke_api_key(?) as found`,
    [input.apiKeyId],
    'all',
    ctx.em.getLoggerContext(),
  );
  if (!row.found) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'ApiKey' }), ['apiKeyId']);
  audit(ctx, { action: 'API_KEY_REVOKED', subjectId: input.apiKeyId });
  await ctx.em.flush();
  return done({ apiKeyId: input.apiKeyId });
}
