import { executeRows } from '../db/prepared-statements';
import type { EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { lightMap } from './light-entities';
import { BadInputError } from './errors';
import { openCursor, sealCursor } from './ids';
import { msg } from './i18n';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** One page of a keyset-paginated list (cursor pagination, Relay semantics, forward only). */
export interface Page<T> {
  items: T[];
  cursorOf(item: T): string;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
  /** How many rows the whole list holds: counted on first call only (most queries never ask). */
  totalCount: () => Promise<number>;
}

/** A thunk run once, on its first call. */
function once<T>(run: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= run());
}

/** A SQL condition and its parameters (`?` placeholders), e.g. `t.family_id = ?`. */
export interface Condition {
  sql: string;
  params: unknown[];
}

export const sql = (text: string, ...params: unknown[]): Condition => ({ sql: text, params });

/**
 * A list of rows of one table, in a total order. The order is one direction over columns of the
 * table (aliased `t`) and ends with `id`, which is unique: rows that share every other sort value
 * (one billing run's invoices share their issue instant) still have one place each.
 */
export interface ListSpec<T extends object> extends ListShape {
  entity: EntityName<T>;
}

/** What the SQL of a list needs (its entity aside). */
export interface ListShape {
  table: string;
  /** The tenant: every list is scoped to it (row-level security holds it too). */
  tenantId: string;
  /** Sort columns of `t`, the last one `id`. */
  orderBy: string[];
  direction: 'asc' | 'desc';
  /** Conditions ANDed together, after `t.tenant_id = <tenantId>`. */
  where: Condition[];
  /** Extra joins the conditions need, e.g. `join sessions s on …`. */
  joins?: string;
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new BadInputError(msg('input.pageSize', { max: MAX_PAGE_SIZE }), ['first']);
  }
  return first;
}

const badCursor = () => new BadInputError(msg('input.badCursor'), ['after']);

/**
 * Cursors hold the row's sort values exactly as PostgreSQL stores them (their text form: a
 * timestamptz keeps its microseconds, no lossy Date round trip), sealed with the list they belong
 * to, so a client can neither read nor forge one, nor use one list's cursor on another.
 */
function listKey(spec: ListShape, scope = ''): string {
  return `${spec.table}:${spec.orderBy.join(',')}:${spec.direction}:${scope}`;
}

function unseal(after: string, key: string, width: number): string[] {
  const opened = openCursor(after);
  if (!opened || !opened.startsWith(`${key}|`)) throw badCursor();
  let values: unknown;
  try {
    values = JSON.parse(opened.slice(key.length + 1));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(values) || values.length !== width || !values.every((v) => typeof v === 'string')) {
    throw badCursor();
  }
  return values as string[];
}

const sortColumns = (spec: ListShape) => spec.orderBy.map((c) => `t.${c}`);
const orderSql = (spec: ListShape) =>
  sortColumns(spec)
    .map((c) => `${c} ${spec.direction}`)
    .join(', ');
const cursorSelect = (spec: ListShape) =>
  `json_build_array(${sortColumns(spec)
    .map((c) => `${c}::text`)
    .join(', ')})::text as "__cursor"`;

function whereSql(spec: ListShape, extra: Condition[]): Condition {
  const all = [sql('t.tenant_id = ?', spec.tenantId), ...spec.where, ...extra];
  return {
    sql: `where ${all.map((c) => `(${c.sql})`).join(' and ')}`,
    params: all.flatMap((c) => c.params),
  };
}

/** `(t.a, t.b, t.id) > (?, ?, ?)`: rows strictly after the cursor in the list's order. */
function afterCondition(spec: ListShape, values: string[]): Condition {
  const columns = sortColumns(spec);
  // The values are sent untyped: PostgreSQL reads each as its column's own type (a timestamptz
  // with its microseconds), so the comparison is exact.
  return {
    sql: `(${columns.join(', ')}) ${spec.direction === 'asc' ? '>' : '<'} (${columns.map(() => '?').join(', ')})`,
    params: values,
  };
}

type Row = Record<string, unknown> & { __cursor: string };

/** The rows as light entities, each with its cursor's values (the mapper reads the entity's columns only). */
function toEntities<T extends object>(em: EntityManager, spec: ListSpec<T>, rows: Row[]) {
  return rows.map((row) => ({ entity: lightMap<T>(em, spec.entity, row), cursor: row.__cursor }));
}

function toPage<T extends object>(
  key: string,
  rows: { entity: T; cursor: string }[],
  first: number,
  hasPrevious: boolean,
  totalCount: () => Promise<number>,
): Page<T> {
  const page = rows.slice(0, first);
  // Sealed on demand: most queries select no cursor, or only the page's last.
  const raw = new Map(page.map((r) => [r.entity, r.cursor]));
  const sealed = new Map<T, string>();
  const cursorOf = (item: T) => {
    let cursor = sealed.get(item);
    if (cursor === undefined) {
      const values = raw.get(item);
      cursor = values === undefined ? '' : sealCursor(`${key}|${values}`);
      sealed.set(item, cursor);
    }
    return cursor;
  };
  return {
    items: page.map((r) => r.entity),
    cursorOf,
    hasNextPage: rows.length > first,
    hasPreviousPage: hasPrevious,
    get startCursor() {
      return page.length ? cursorOf(page[0].entity) : null;
    },
    get endCursor() {
      return page.length ? cursorOf(page[page.length - 1].entity) : null;
    },
    totalCount,
  };
}

/** One page of a list, and its total count: two statements. */
export async function paginate<T extends object>(
  em: EntityManager,
  spec: ListSpec<T>,
  args: PageArgs,
): Promise<Page<T>> {
  const first = pageSize(args.first);
  const key = listKey(spec);
  const after = args.after ? afterCondition(spec, unseal(args.after, key, spec.orderBy.length)) : null;
  const filter = whereSql(spec, []);
  const paged = whereSql(spec, after ? [after] : []);
  const joins = spec.joins ?? '';
  const rows = await executeRows<Row>(
    em,
    `select t.*, ${cursorSelect(spec)} from ${spec.table} t ${joins} ${paged.sql}
     order by ${orderSql(spec)} limit ?`,
    [...paged.params, first + 1],
  );
  const totalCount = once(async () => {
    const [count] = await executeRows<{ count: string }>(
      em,
      `select count(*) as count from ${spec.table} t ${joins} ${filter.sql}`,
      filter.params,
    );
    return Number(count.count);
  });
  return toPage(key, toEntities(em, spec, rows), first, Boolean(after), totalCount);
}

/**
 * The same page of one list for many parents (a family's invoices for 50 families): two
 * statements whatever the number of parents — the rows ranked per parent by a window function,
 * and the counts grouped by parent. Each parent's cursors are its own.
 */
export async function paginateMany<T extends object>(
  em: EntityManager,
  spec: ListSpec<T>,
  parentColumn: string,
  parentIds: readonly string[],
  args: PageArgs,
): Promise<Page<T>[]> {
  const first = pageSize(args.first);
  const parents = sql(
    `t.${parentColumn} = any(array(select value::uuid from json_array_elements_text(?::json)))`,
    JSON.stringify(parentIds),
  );
  // A cursor names its parent: `after` from one family's list is refused on another's.
  const afterByParent = new Map<string, Condition>();
  if (args.after) {
    const opened = openCursor(args.after);
    const parent = opened?.split('|')[0].split(':').pop();
    if (!parent || !parentIds.includes(parent)) throw badCursor();
    afterByParent.set(
      parent,
      afterCondition(spec, unseal(args.after, listKey(spec, parent), spec.orderBy.length)),
    );
  }
  const after = [...afterByParent.entries()].map(([parent, condition]) =>
    sql(`t.${parentColumn} <> ? or (${condition.sql})`, parent, ...condition.params),
  );
  const filter = whereSql(spec, [parents]);
  const paged = whereSql(spec, [parents, ...after]);
  const joins = spec.joins ?? '';
  const rows = await executeRows<Row & { __parent: string; __rank: string }>(
    em,
    `select * from (
       select t.*, t.${parentColumn}::text as "__parent", ${cursorSelect(spec)},
              row_number() over (partition by t.${parentColumn} order by ${orderSql(spec)}) as "__rank"
       from ${spec.table} t ${joins} ${paged.sql}
     ) ranked where "__rank" <= ? order by "__parent", "__rank"`,
    [...paged.params, first + 1],
  );
  // Every parent's count in one statement, on the first page asked for its count.
  const counts = once(async () => {
    const grouped = await executeRows<{ parent: string; count: string }>(
      em,
      `select t.${parentColumn}::text as parent, count(*) as count from ${spec.table} t ${joins} ${filter.sql}
       group by t.${parentColumn}`,
      filter.params,
    );
    return new Map(grouped.map((c) => [c.parent, Number(c.count)]));
  });
  const rowsOf = new Map<string, Row[]>();
  for (const row of rows) {
    const list = rowsOf.get(row.__parent);
    if (list) list.push(row);
    else rowsOf.set(row.__parent, [row]);
  }
  return parentIds.map((parent) =>
    toPage(
      listKey(spec, parent),
      toEntities(em, spec, rowsOf.get(parent) ?? []),
      first,
      afterByParent.has(parent),
      async () => (await counts()).get(parent) ?? 0,
    ),
  );
}
