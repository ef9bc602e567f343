import { createHash } from 'node:crypto';
import { requireTenant, type ServiceContext } from '../shared/service-context';
import { BadInputError } from '../shared/errors';
import { userError, UserErrorCode, type UserErrorData } from '../shared/user-errors';

/** What `idempotent` returns when the key was already used with other input. */
export const CONFLICT: unique symbol = Symbol('idempotency conflict');

/** The user error a mutation returns when its key was used with other input. */
export const idempotencyConflict = (): UserErrorData =>
  userError(
    UserErrorCode.IDEMPOTENCY_CONFLICT,
    'This idempotency key was already used with a different request.',
    ['idempotencyKey'],
  );

/**
 * Stripe's rules for writes a client may retry: the first request with a key does the work and
 * stores its result; the same key again replays that result; the same key with other input is
 * refused (CONFLICT, which the caller answers with `idempotencyConflict()`). Keys are scoped to the tenant and the caller, and kept (at least 24 h; today: forever).
 *
 * The key row is inserted first, in the request's transaction: a concurrent request with the
 * same key waits on PostgreSQL's unique index until the first commits, then replays its result
 * (or, if the first rolled back, does the work itself). So a retry storm books once.
 */
export async function idempotent<T>(
  ctx: ServiceContext,
  operation: string,
  key: string,
  input: unknown,
  work: () => Promise<T>,
): Promise<T | typeof CONFLICT> {
  const tenant = requireTenant(ctx);
  if (!key || key.length > 255)
    throw new BadInputError('"idempotencyKey" must be 1 to 255 characters.', ['idempotencyKey']);
  const subject = ctx.viewer.subject ?? 'anonymous';
  const requestHash = createHash('sha256')
    .update(JSON.stringify([operation, input]))
    .digest('hex');
  const inserted = await ctx.em.execute<{ key: string }[]>(
    `insert into idempotency_keys (tenant_id, subject, key, operation, request_hash)
     values (?, ?, ?, ?, ?) on conflict do nothing returning key`,
    [tenant.id, subject, key, operation, requestHash],
    'all',
    ctx.em.getLoggerContext(),
  );
  if (inserted.length === 0) {
    const [stored] = await ctx.em.execute<{ operation: string; request_hash: string; response: T }[]>(
      `select operation, request_hash, response from idempotency_keys where tenant_id = ? and subject = ? and key = ?`,
      [tenant.id, subject, key],
      'all',
      ctx.em.getLoggerContext(),
    );
    if (stored.operation !== operation || stored.request_hash !== requestHash) return CONFLICT;
    return stored.response;
  }
  const result = await work();
  await ctx.em.execute(
    `update idempotency_keys set response = ? where tenant_id = ? and subject = ? and key = ?`,
    [JSON.stringify(result), tenant.id, subject, key],
    'run',
    ctx.em.getLoggerContext(),
  );
  return result;
}
