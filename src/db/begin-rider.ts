import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  batchFailed,
  batchSucceeded,
  preparedBatch,
  type PreparedBatch,
  type SqlStatement,
} from './sql-prepared';

/**
 * A statement sent in the same round trip as a transaction's BEGIN (`BEGIN; <statement>`, one
 * simple-protocol query): every unit of work begins by scoping itself to its tenant, and that
 * statement needs nothing the BEGIN returns. One round trip fewer per unit (two per mutation) —
 * on a 2-core machine, each round trip costs the API a system call that wakes PostgreSQL.
 *
 * knex sends BEGIN itself, on the connection it acquires for the transaction; the statement waits
 * for it in an AsyncLocalStorage set around `em.begin()`, and the connection's `query` (wrapped
 * once, when the pool creates it: `rideOnBegin`) appends it to the BEGIN it sends.
 */
interface Rider {
  em: EntityManager;
  statement: SqlStatement;
  sent: boolean;
  rows?: Record<string, unknown>[];
  error?: Error;
}

const riders = new AsyncLocalStorage<Rider>();

/**
 * Begins `tx`'s transaction and runs `sql` (`?` placeholders, values written in as literals by
 * knex's escaping — only for statements the code writes; prepared once per connection, see
 * src/db/sql-prepared.ts) in the BEGIN's round trip; returns its rows. Runs it as a second
 * statement when the connection was not set up for it.
 */
export async function beginWith<Row>(
  tx: EntityManager,
  options: { readOnly: boolean },
  sql: string,
  params: unknown[],
): Promise<Row[]> {
  const rider: Rider = { em: tx, statement: { sql, params }, sent: false };
  await riders.run(rider, () => tx.begin(options));
  // knex resolves `begin` even when BEGIN's query failed (it only ends the transaction).
  if (rider.error) throw rider.error;
  if (!rider.sent) return tx.execute<Row[]>(sql, params, 'all', tx.getLoggerContext());
  tx.config.getLogger().logQuery({ query: sql, level: 'info', ...tx.getLoggerContext() });
  return (rider.rows ?? []) as Row[];
}

type Callback = (error: Error | null, result: unknown) => void;

interface PgConnection {
  query(config: unknown, callback?: unknown): unknown;
}

/** Wraps a new pool connection's `query` so that a pending rider goes with its BEGIN. */
export function rideOnBegin(connection: PgConnection): void {
  const query = connection.query;
  connection.query = function (this: unknown, config: unknown, callback?: unknown) {
    const rider = riders.getStore();
    const beginText = (config as { text?: unknown } | null)?.text;
    if (
      !rider ||
      rider.sent ||
      typeof callback !== 'function' ||
      typeof beginText !== 'string' ||
      !/^BEGIN\b/i.test(beginText)
    ) {
      return query.call(this, config, callback);
    }
    // Prepared once per connection, then EXECUTEd (src/db/sql-prepared.ts). A value knex cannot
    // write as a literal: the statement goes after the BEGIN instead (beginWith).
    let batch: PreparedBatch;
    try {
      batch = preparedBatch(rider.em, this as object, [rider.statement]);
    } catch {
      return query.call(this, config, callback);
    }
    rider.sent = true;
    const done = callback as Callback;
    const text = `${beginText.replace(/;?\s*$/, ';')}\n${batch.texts.join(';\n')}`;
    return query.call(this, { text }, ((error, results) => {
      if (error) {
        rider.error = error;
        // BEGIN ran and the statement failed: the transaction is aborted. End it before knex
        // hands the connection back to the pool, and learn which PREPARE ran.
        query.call(this, 'ROLLBACK', () => {
          void batchFailed(
            this as object,
            (sql) =>
              new Promise((resolve, reject) =>
                query.call(this, sql, ((failed, result) =>
                  failed
                    ? reject(failed)
                    : resolve((result as { rows: { name: string }[] }).rows)) as Callback),
              ),
          ).then(() => done(error, undefined));
        });
        return;
      }
      batchSucceeded(this as object, batch);
      const all = results as { rows: Record<string, unknown>[] }[];
      rider.rows = all[all.length - 1].rows;
      done(null, all[0]);
    }) as Callback);
  };
}
