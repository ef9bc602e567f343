import type { EntityManager } from '@mikro-orm/postgresql';

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
 * The values are written into the statements as literals by knex's own escaping (the simple
 * protocol has no parameters): only for statements the code writes, never for SQL from a client.
 */
interface Tail {
  statements: string[];
  /** The unit's attempt (1 first; a retry after a serialization failure or deadlock: 2…). */
  attempt: number;
}

const tails = new WeakMap<EntityManager, Tail>();

/** Lets `executeAtCommit` defer statements of `em` (a unit's transaction) until its COMMIT. */
export function openCommitTail(em: EntityManager, attempt = 1): void {
  tails.set(em, { statements: [], attempt });
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
 * unit's (`openCommitTail`), else now. For writes whose result nobody reads before the commit.
 */
export async function executeAtCommit(em: EntityManager, sql: string, params: unknown[]): Promise<void> {
  const tail = tails.get(em);
  if (!tail) {
    await em.execute(sql, params, 'run', em.getLoggerContext());
    return;
  }
  tail.statements.push(
    em
      .getKnex()
      .raw(sql, params as never[])
      .toQuery(),
  );
}

interface PgConnection {
  query(sql: string): Promise<unknown>;
}

interface KnexTxClient {
  query(connection: unknown, obj: unknown): Promise<unknown>;
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
  const batch = `${tail.statements.join(';\n')};\nCOMMIT;`;
  client.query = async function (this: unknown, connection: unknown, obj: unknown) {
    if (obj !== 'COMMIT;') return query.call(this, connection, obj);
    client.query = query;
    try {
      return await query.call(this, connection, batch);
    } catch (error) {
      // The failed statement left the transaction aborted and COMMIT unsent: end it here, on the
      // connection itself (knex already counts the transaction as finished), so the connection
      // goes back to the pool clean.
      await (connection as PgConnection).query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  };
  const logger = em.config.getLogger();
  for (const sql of tail.statements) logger.logQuery({ query: sql, level: 'info', ...em.getLoggerContext() });
  try {
    await em.commit();
  } finally {
    client.query = query;
  }
}
