import type { EntityManager } from '@mikro-orm/postgresql';
import { batchFailed, batchSucceeded, preparedBatch, type PreparedBatch } from './sql-prepared';

/**
 * Statements a unit of work sends in the same round trip as its COMMIT.
 *
 * Why: a booking takes its place on the session's row (a row lock held until COMMIT) as late as
 * it can, but the writes every mutation ends with — its events in the outbox, its idempotency
 * key's outcome — came after, each one a round trip to PostgreSQL while the row stayed locked.
 * Under a registration rush every other booking of that session waits on the lock, so the rush
 * ran at one booking per (3 round trips + COMMIT). Sent with COMMIT as one simple-protocol query
 * (`…; …; COMMIT;`), they hold the lock for one round trip; they are still in the transaction:
 * they commit with it or not at all.
 *
 * Each text is prepared once per connection with SQL's own `PREPARE` and run as `EXECUTE`
 * (src/db/sql-prepared.ts): the simple protocol has no parameters, and PostgreSQL planned them on
 * every COMMIT.
 */
interface Deferred {
  sql: string;
  params: unknown[];
  /** Given the statement's rows once the COMMIT succeeded. */
  onRows?: (rows: Record<string, unknown>[]) => void;
}

interface Tail {
  statements: Deferred[];
  /** The unit's attempt (1 first; a retry after a serialization failure or deadlock: 2…). */
  attempt: number;
  /** Whether the attempt took a shortcut that is only right when it commits (`attemptOptimistically`). */
  optimistic: boolean;
}

const tails = new WeakMap<EntityManager, Tail>();

/**
 * Lets `executeAtCommit` defer statements of `em` (a unit's transaction) until its COMMIT. The
 * unit runner reads `optimistic` after a failed attempt (see `attemptOptimistically`).
 */
export function openCommitTail(em: EntityManager, attempt = 1): Readonly<{ optimistic: boolean }> {
  const tail: Tail = { statements: [], attempt, optimistic: false };
  tails.set(em, tail);
  return tail;
}

/**
 * Whether `em`'s attempt may take a shortcut that is right only if the attempt commits — the
 * idempotency key claimed with the COMMIT instead of before the work
 * (src/idempotency/idempotency.service.ts). True on a unit's first attempt, which it then marks:
 * the unit runner runs a marked attempt that failed, for whatever reason, again, and the next
 * attempt takes no shortcut. False outside a unit and on a retry.
 */
export function attemptOptimistically(em: EntityManager): boolean {
  const tail = tails.get(em);
  if (tail?.attempt !== 1) return false;
  tail.optimistic = true;
  return true;
}

/**
 * Whether `em` is a unit's first attempt, whose statements sent with COMMIT may fail on purpose
 * (serialization_failure) to have the unit run again: a retry must not count on it again.
 */
export function isFirstAttemptOfUnit(em: EntityManager): boolean {
  return tails.get(em)?.attempt === 1;
}

/**
 * Runs `sql` (with `?` placeholders) in `em`'s transaction, at its COMMIT when the transaction is a
 * unit's (`openCommitTail`), else now. For writes whose result nobody reads before the commit;
 * `onRows` gets the statement's rows once it ran (after the COMMIT, for a unit's).
 */
export async function executeAtCommit(
  em: EntityManager,
  sql: string,
  params: unknown[],
  onRows?: (rows: Record<string, unknown>[]) => void,
  /** `first`: before the statements deferred so far (they run in the order deferred otherwise). */
  options: { first?: boolean } = {},
): Promise<void> {
  const tail = tails.get(em);
  if (!tail) {
    const rows = await em.execute<Record<string, unknown>[]>(sql, params, 'all', em.getLoggerContext());
    onRows?.(rows);
    return;
  }
  if (options.first) tail.statements.unshift({ sql, params, onRows });
  else tail.statements.push({ sql, params, onRows });
}

interface PgConnection {
  query(sql: string): Promise<{ rows: { name: string }[] }>;
}

interface KnexTxClient {
  query(connection: unknown, obj: unknown): Promise<unknown>;
}

/** Hands each deferred statement that asked for them its rows (pg answers a batch with a list). */
function deliverRows(statements: Deferred[], response: unknown, firstRun: number): void {
  if (!Array.isArray(response)) return;
  statements.forEach((statement, i) => {
    const result = response[firstRun + i] as { rows?: Record<string, unknown>[] } | undefined;
    if (statement.onRows && result?.rows) statement.onRows(result.rows);
  });
}

/**
 * Commits `em`'s transaction, sending its deferred statements in the COMMIT's round trip. If one
 * of them fails, the transaction is rolled back (nothing of it is committed) and the error thrown.
 */
export async function commitWithTail(em: EntityManager): Promise<void> {
  const tail = tails.get(em);
  tails.delete(em);
  if (!tail || tail.statements.length === 0) {
    await em.commit();
    return;
  }
  // knex sends COMMIT through the transaction's own client object (one per transaction): the
  // statements ride on that one query.
  const client = (em.getTransactionContext() as { client: KnexTxClient }).client;
  const query = client.query;
  client.query = async function (this: unknown, connection: unknown, obj: unknown) {
    if (obj !== 'COMMIT;') return query.call(this, connection, obj);
    client.query = query;
    const pg = connection as PgConnection & object;
    let batch: PreparedBatch;
    let result: unknown;
    try {
      batch = preparedBatch(em, pg, tail.statements);
      result = await query.call(this, connection, `${batch.texts.join(';\n')};\nCOMMIT;`);
    } catch (error) {
      // The failed statement left the transaction aborted and COMMIT unsent: end it here, on the
      // connection itself (knex already counts the transaction as finished), so the connection
      // goes back to the pool clean — and learn which of the batch's PREPAREs ran.
      await pg.query('ROLLBACK').catch(() => undefined);
      await batchFailed(pg, async (sql) => (await pg.query(sql)).rows);
      throw error;
    }
    batchSucceeded(pg, batch);
    // Committed: a failure to hand the rows over is no failure of the unit (its payload then
    // reads them from the database).
    try {
      deliverRows(tail.statements, (result as { response?: unknown } | undefined)?.response, batch.firstRun);
    } catch (error) {
      em.config.getLogger().error('query', `rows of a committed batch not delivered: ${String(error)}`);
    }
    return result;
  };
  const logger = em.config.getLogger();
  for (const { sql, params } of tail.statements) {
    logger.logQuery({
      query: em
        .getKnex()
        .raw(sql, params as never[])
        .toQuery(),
      level: 'info',
      ...em.getLoggerContext(),
    });
  }
  try {
    await em.commit();
  } finally {
    client.query = query;
  }
}
