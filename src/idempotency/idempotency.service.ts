import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { TenantContext } from '../auth/context';
import { principalOf } from '../auth/viewer';
import { attemptOptimistically, executeAtCommit } from '../db/commit-tail';
import { executePrepared } from '../db/prepared-statements';
import { BadInputError } from '../shared/errors';
import { refuse, UserErrorCode, type Outcome } from '../shared/user-errors';
import { msg } from '../shared/i18n';

/** Keys are kept at least this long (Stripe keeps 24 h); the purge job removes older ones. */
export const IDEMPOTENCY_RETENTION_HOURS = 48;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The key and its outcome in one statement, or (the key exists) serialization_failure: the unit's
 * optimistic attempt ends there and runs again (`guichet_require_new_key`, a migration).
 */
const CLAIM_WITH_OUTCOME = `with claimed as (
       insert into idempotency_keys (tenant_id, subject, key, operation, request_hash, response)
       values (?, ?, ?, ?, ?, ?) on conflict do nothing returning key)
     select guichet_require_new_key((select count(*) from claimed))`;

/**
 * Stripe's rules for writes a client may retry: the first request with a key does the work and
 * stores its outcome; the same key again replays that outcome; the same key with other input is
 * refused (IDEMPOTENCY_CONFLICT). Keys are scoped to the tenant and the acting principal
 * (`principalOf`: kind, subject and family), so a replay never shows another caller's result.
 *
 * The key row is inserted first, in the caller's transaction, and its outcome written in that
 * same transaction: the key exists if and only if the work committed. A concurrent request with
 * the same key waits on PostgreSQL's unique index until the first commits, then replays its
 * outcome — or, if the first rolled back, does the work itself. A retry after any failure redoes
 * the work.
 *
 * A unit's first attempt claims the key optimistically (`attemptOptimistically`): the work first,
 * then the key and its outcome inserted in one statement sent first with the COMMIT
 * (`CLAIM_WITH_OUTCOME`) — one round trip and one statement fewer for every new key, the common
 * case. When the key is already there (a replay, or a concurrent request with the key committed
 * first: the insert waits for it on the unique index), that statement aborts the transaction, and
 * so does any failure of the work; the unit runner then runs the attempt again the way above,
 * which replays the stored outcome, refuses the conflict, or redoes the work. Nothing of an
 * optimistic attempt that did not commit is seen.
 */
export async function idempotent<T>(
  ctx: TenantContext,
  operation: string,
  key: string,
  input: unknown,
  work: () => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new BadInputError(msg('idempotency.keyLength', { max: MAX_IDEMPOTENCY_KEY_LENGTH }), [
      'idempotencyKey',
    ]);
  }
  const principal = sha256(principalOf(ctx.viewer));
  const requestHash = sha256(JSON.stringify([operation, input]));
  if (attemptOptimistically(ctx.em)) {
    const outcome = await work();
    // First in the COMMIT's batch: before a booking takes its place (src/db/commit-tail.ts).
    await executeAtCommit(
      ctx.em,
      CLAIM_WITH_OUTCOME,
      [ctx.tenant.id, principal, key, operation, requestHash, JSON.stringify(outcome)],
      undefined,
      { first: true },
    );
    return outcome;
  }
  const inserted = await executePrepared<{ key: string }>(
    ctx.em,
    `insert into idempotency_keys (tenant_id, subject, key, operation, request_hash)
     values (?, ?, ?, ?, ?) on conflict do nothing returning key`,
    [ctx.tenant.id, principal, key, operation, requestHash],
  );
  if (inserted.length === 0) {
    const [stored] = await ctx.em.execute<
      { operation: string; request_hash: string; response: Outcome<T> | null }[]
    >(
      `select operation, request_hash, response from idempotency_keys
       where tenant_id = ? and subject = ? and key = ?`,
      [ctx.tenant.id, principal, key],
      'all',
      ctx.em.getLoggerContext(),
    );
    if (!stored || stored.operation !== operation || stored.request_hash !== requestHash) {
      return refuse(UserErrorCode.IDEMPOTENCY_CONFLICT, msg('idempotency.conflict'), ['idempotencyKey']);
    }
    // Null only in a row left by an older version that stored keys before their outcome: do the work.
    if (stored.response) return stored.response;
  }
  const outcome = await work();
  // Sent with the COMMIT (src/db/commit-tail.ts): a booking's session row is not held for it.
  await executeAtCommit(
    ctx.em,
    `update idempotency_keys set response = ? where tenant_id = ? and subject = ? and key = ?`,
    [JSON.stringify(outcome), ctx.tenant.id, principal, key],
  );
  return outcome;
}

/**
 * The one way to write a retryable mutation's service: `work` gets the input without its
 * `idempotencyKey`, and the returned function runs it under the key (see `idempotent`).
 */
export function idempotentMutation<I extends object, T>(
  operation: string,
  work: (ctx: TenantContext, input: I) => Promise<Outcome<T>>,
): (ctx: TenantContext, input: I & { idempotencyKey: string }) => Promise<Outcome<T>> {
  return (ctx, { idempotencyKey, ...rest }) => {
    const input = rest as unknown as I;
    return idempotent(ctx, operation, idempotencyKey, input, () => work(ctx, input));
  };
}

/**
 * Deletes the tenant's keys older than the retention (the hourly purge job, one tenant-scoped
 * transaction per tenant). Returns how many were deleted.
 */
export async function purgeIdempotencyKeys(
  em: EntityManager,
  tenantId: string,
  retentionHours = IDEMPOTENCY_RETENTION_HOURS,
): Promise<number> {
  const deleted = await em.execute<{ key: string }[]>(
    `delete from idempotency_keys where tenant_id = ? and created_at < now() - make_interval(hours => ?)
     returning key`,
    [tenantId, retentionHours],
    'all',
    em.getLoggerContext(),
  );
  return deleted.length;
}
