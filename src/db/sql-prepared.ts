import type { EntityManager } from '@mikro-orm/postgresql';
import { executePrepared, statementNames, type PreparedParam } from './prepared-statements';

/**
 * SQL-level prepared statements (`PREPARE name AS …` once per connection, then `EXECUTE
 * name(literals…)`) for the statements that ride in a simple-protocol batch with BEGIN or COMMIT
 * (src/db/begin-rider.ts, src/db/commit-tail.ts), or with each other (`executeTogether`). The simple protocol has no parameters, so without
 * this PostgreSQL parses and plans them on every unit (by pg_stat_statements: ≈ 0.15 ms for the
 * scope, ≈ 0.6 ms for a booking's COMMIT statements). The values are written as literals by knex's
 * escaping: only for statements the code writes, never for SQL from a client.
 *
 * A `PREPARE` is not undone by ROLLBACK: a batch puts its PREPAREs before anything that may fail,
 * the names are counted as prepared once the batch succeeded, and after a failed batch the
 * connection's list is read back from `pg_prepared_statements` (`batchFailed`).
 */
export interface SqlStatement {
  sql: string;
  params: readonly unknown[];
}

/** How many statement texts one connection keeps prepared this way (code-written: few). */
const MAX_PER_CONNECTION = 200;
/** The SQL-level prepared statements of each connection (by name). */
const preparedOn = new WeakMap<object, Set<string>>();
/** Connections whose list could not be read back after a failure: their statements go inline. */
const unknownOn = new WeakSet<object>();
/** `sql_` and a hash: never one of pg's protocol-level names. */
const nameOf = statementNames('sql_', 'hex', 10 * MAX_PER_CONNECTION);

/** A batch's statements for `connection`, as texts: the PREPAREs it lacks first, then one per statement. */
export interface PreparedBatch {
  texts: string[];
  /** The names this batch prepares: known once it succeeded (`batchSucceeded`). */
  preparing: string[];
  /** The index, in the batch's results, of the first statement's (after the PREPAREs). */
  firstRun: number;
}

export function preparedBatch(
  em: EntityManager,
  connection: object,
  statements: SqlStatement[],
): PreparedBatch {
  let prepared = preparedOn.get(connection);
  if (!prepared) preparedOn.set(connection, (prepared = new Set()));
  const knex = em.getKnex();
  const client = knex.client as { positionBindings(sql: string): string };
  const prepares: string[] = [];
  const runs: string[] = [];
  const preparing: string[] = [];
  for (const { sql, params } of statements) {
    const name = nameOf(sql);
    const known = prepared.has(name) || preparing.includes(name);
    if (
      params.length === 0 ||
      unknownOn.has(connection) ||
      (!known && prepared.size + preparing.length >= MAX_PER_CONNECTION)
    ) {
      runs.push(knex.raw(sql, params as never[]).toQuery());
      continue;
    }
    if (!known) {
      prepares.push(`PREPARE ${name} AS ${client.positionBindings(sql)}`);
      preparing.push(name);
    }
    runs.push(`EXECUTE ${name}(${knex.raw(params.map(() => '?').join(', '), params as never[]).toQuery()})`);
  }
  return { texts: [...prepares, ...runs], preparing, firstRun: prepares.length };
}

/** The batch ran: its PREPAREs exist on the connection. */
export function batchSucceeded(connection: object, batch: PreparedBatch): void {
  const prepared = preparedOn.get(connection);
  for (const name of batch.preparing) prepared?.add(name);
}

/**
 * The batch failed (its transaction ended by the caller): which of its PREPAREs ran is read back
 * from the connection; when that cannot be read, its statements go inline from now on.
 */
export async function batchFailed(connection: object, read: (sql: string) => Promise<{ name: string }[]>) {
  await read('select name from pg_prepared_statements where from_sql')
    .then((rows) => preparedOn.set(connection, new Set(rows.map((row) => row.name))))
    .catch(() => unknownOn.add(connection));
}

type Rows = Record<string, unknown>[];

interface TextConnection {
  query(text: string): Promise<{ rows: Rows } | { rows: Rows }[]>;
}

const isPreparedParam = (value: unknown): value is PreparedParam =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

/**
 * Runs `statements` (`?` placeholders; values written in as literals, so only statements the code
 * writes) in `em`'s transaction in one round trip — one simple-protocol query of `EXECUTE`s — and
 * returns each one's rows, in order. For reads that do not depend on each other (a booking's child
 * and its sessions): on a 2-core machine each round trip costs the API a system call that wakes
 * PostgreSQL. The statements the connection has not prepared yet are prepared in a round trip of
 * their own first (once per connection), so a batch that fails leaves the connection's list known;
 * a failed `PREPARE` (a mistake in the code) sends that connection's statements inline from then
 * on. The first failing statement's error is thrown (the transaction is then aborted, as after any
 * failed statement). Outside a transaction, or with a value that is no literal (a Date), the
 * statements run one after the other (`executePrepared`).
 */
export async function executeTogether(em: EntityManager, statements: SqlStatement[]): Promise<Rows[]> {
  const transaction = em.getTransactionContext<{
    client: { acquireConnection(): Promise<TextConnection> };
  }>();
  if (!transaction || !statements.every((s) => s.params.every(isPreparedParam))) {
    const all: Rows[] = [];
    for (const { sql, params } of statements) {
      all.push(await executePrepared<Record<string, unknown>>(em, sql, params as PreparedParam[]));
    }
    return all;
  }
  const connection = await transaction.client.acquireConnection();
  const started = performance.now();
  let batch = preparedBatch(em, connection, statements);
  if (batch.preparing.length) {
    try {
      await connection.query(batch.texts.slice(0, batch.firstRun).join(';\n'));
    } catch (error) {
      unknownOn.add(connection);
      throw error;
    }
    batchSucceeded(connection, batch);
    batch = { texts: batch.texts.slice(batch.firstRun), preparing: [], firstRun: 0 };
  }
  const result = await connection.query(batch.texts.join(';\n'));
  const results = Array.isArray(result) ? result : [result];
  const took = Math.round(performance.now() - started);
  const logger = em.config.getLogger();
  for (const { sql } of statements)
    logger.logQuery({ query: sql, took, level: 'info', ...em.getLoggerContext() });
  return results.map((r) => r.rows);
}
