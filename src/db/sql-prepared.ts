import type { EntityManager } from '@mikro-orm/postgresql';
import { statementNames } from './prepared-statements';

/**
 * SQL-level prepared statements (`PREPARE name AS …` once per connection, then `EXECUTE
 * name(literals…)`) for the statements that ride in a simple-protocol batch with BEGIN or COMMIT
 * (src/db/begin-rider.ts, src/db/commit-tail.ts). The simple protocol has no parameters, so without
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
