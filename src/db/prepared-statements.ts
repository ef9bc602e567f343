import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/** How many statements one connection keeps prepared (PostgreSQL keeps them per session). */
const MAX_PER_CONNECTION = 1000;
/** Longer statement texts (generated lists) are not worth keeping. */
const MAX_TEXT_LENGTH = 8000;

interface QueryConfig {
  text?: string;
  values?: unknown[];
  name?: string;
}

interface PgConnection {
  query(config: unknown, ...rest: unknown[]): unknown;
}

/** What a prepared statement's parameters may be: no Date, no object (their text is the caller's). */
export type PreparedParam = string | number | boolean | null;

/**
 * Runs `sql` (`?` placeholders) in `em`'s transaction (or on a pool connection outside one) as a
 * prepared statement of its connection, and returns its rows. MikroORM's `execute` writes the
 * parameters into the text (PostgreSQL then parses and plans every execution anew): the request
 * path's hottest statements — the batch loaders, a booking's reads, the idempotency claim — go
 * through here instead. A column added to a table by a migration while connections hold a
 * `select *` prepared makes PostgreSQL refuse it (cached plan must not change result type):
 * migrations run before the API's pool opens. Logged like MikroORM's statements (request id, text with placeholders).
 */
export async function executePrepared<Row>(
  em: EntityManager,
  sql: string,
  params: readonly PreparedParam[],
): Promise<Row[]> {
  const transaction = em.getTransactionContext<TransactionContext>();
  const started = performance.now();
  let rows: Row[];
  if (transaction) {
    // In a transaction, straight to its connection (what knex's transaction client hands every
    // query of it): knex's runner, its connection checks and its promise chain cost more CPU per
    // statement than the statement's own parsing of rows.
    const connection = await transaction.client.acquireConnection();
    const text = positional(sql, transaction.client);
    rows = (await connection.query({ text, values: params as PreparedParam[] })).rows as Row[];
  } else {
    const query = em
      .getConnection()
      .getKnex()
      .raw(sql, params as PreparedParam[]);
    rows = ((await query) as unknown as { rows: Row[] }).rows;
  }
  em.config.getLogger().logQuery({
    query: sql,
    took: Math.round(performance.now() - started),
    level: 'info',
    ...em.getLoggerContext(),
  });
  return rows;
}

/**
 * Runs `sql` as `executePrepared` does when every parameter can be sent as is, else through
 * MikroORM's `execute` (Dates and objects in the text, as MikroORM writes them).
 */
export function executeRows<Row>(em: EntityManager, sql: string, params: readonly unknown[]): Promise<Row[]> {
  return params.every(isPreparedParam)
    ? executePrepared<Row>(em, sql, params)
    : em.execute<Row[]>(sql, params as unknown[], 'all', em.getLoggerContext());
}

const isPreparedParam = (value: unknown): value is PreparedParam =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** What executePrepared uses of knex's transaction (`em.getTransactionContext()`). */
interface TransactionContext {
  client: {
    acquireConnection(): Promise<{ query(config: QueryConfig): Promise<{ rows: unknown[] }> }>;
    positionBindings(sql: string): string;
  };
}

/** `?` placeholders as PostgreSQL's `$1…` (knex's own conversion, remembered per text). */
const positionalTexts = new Map<string, string>();
function positional(sql: string, client: TransactionContext['client']): string {
  let text = positionalTexts.get(sql);
  if (text === undefined) {
    if (positionalTexts.size >= 10 * MAX_PER_CONNECTION) positionalTexts.clear();
    text = client.positionBindings(sql);
    positionalTexts.set(sql, text);
  }
  return text;
}

/**
 * Makes every parameterised statement of `connection` a named prepared statement (the name is a
 * hash of its text), so PostgreSQL parses it once per connection and keeps its plan (custom plans
 * for the first executions, then the generic plan when it is as good) instead of parsing and
 * planning it on every execution. The rush's profile (pg_stat_statements) showed about 2 ms of
 * PostgreSQL's CPU per booking in planning alone, on a machine where PostgreSQL and the API share
 * two cores. Statements without parameters (BEGIN, COMMIT, the COMMIT's tail) go unnamed; a
 * connection stops naming new statements after MAX_PER_CONNECTION.
 *
 * Installed by the pool on each connection it creates (knex's `afterCreate`); the statements with
 * parameters are those of `executePrepared` (MikroORM's own are sent with their values inlined).
 */
export function prepareStatementsOn(connection: PgConnection): void {
  const query = connection.query;
  const names = new Set<string>();
  connection.query = function (this: unknown, config: unknown, ...rest: unknown[]) {
    if (isNameable(config)) {
      const name = nameOf(config.text);
      if (names.has(name) || names.size < MAX_PER_CONNECTION) {
        names.add(name);
        config = { ...config, name };
      }
    }
    return query.call(this, config, ...rest);
  };
}

/**
 * Names for prepared statements: `prefix` and a hash of the text, remembered per text for every
 * connection (bounded: emptied when it holds `max`). `hex` for names SQL's `PREPARE` takes unquoted.
 */
export function statementNames(
  prefix: string,
  encoding: 'base64url' | 'hex',
  max: number,
): (text: string) => string {
  const namesByText = new Map<string, string>();
  return (text) => {
    let name = namesByText.get(text);
    if (name === undefined) {
      if (namesByText.size >= max) namesByText.clear();
      name = `${prefix}${createHash('sha1').update(text).digest(encoding)}`;
      namesByText.set(text, name);
    }
    return name;
  };
}

/** pg's protocol-level names: `g` and a hash. */
const nameOf = statementNames('g', 'base64url', 10 * MAX_PER_CONNECTION);

function isNameable(config: unknown): config is QueryConfig & { text: string } {
  if (typeof config !== 'object' || config === null) return false;
  const { text, values, name } = config as QueryConfig;
  return (
    name === undefined &&
    typeof text === 'string' &&
    text.length <= MAX_TEXT_LENGTH &&
    Array.isArray(values) &&
    values.length > 0
  );
}
