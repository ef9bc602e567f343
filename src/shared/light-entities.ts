import type { EntityMetadata, EntityName, EntityProperty } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { executeRows } from '../db/prepared-statements';

/**
 * Light, read-only entities for the read path. MikroORM's hydration (entity factory, identity map,
 * reference propagation, change-set snapshots) was most of the CPU of a nested read — on requests
 * that write nothing. A light entity is an instance of the entity's class (so `instanceof` and the
 * GraphQL Node type resolution hold) with its columns as plain own properties, many-to-one
 * references as `{ id }`, embeddables as plain instances and dates converted as MikroORM would.
 * It is not managed: never pass one to a write (services load what they change with the
 * EntityManager). Built from MikroORM's own metadata, so it follows the entities' mappings.
 */
type Row = Record<string, unknown>;
type Mapper = (row: Row) => object;

const mappers = new WeakMap<EntityMetadata, Mapper>();
const prototypes = new WeakMap<object, object>();
const lightPrototypes = new WeakSet<object>();

/** Whether `entity` is a light entity (made by `lightMap` or `lightFind`): not managed, not flushed. */
export function isLight(entity: object): boolean {
  return lightPrototypes.has(Object.getPrototypeOf(entity) as object);
}

/**
 * A prototype below the entity's own whose persisted properties are plain data properties: the
 * entity prototype's accessors (MikroORM's change tracking) are shadowed, not triggered.
 */
function lightPrototype(cls: { prototype: object }, names: string[]): object {
  let proto = prototypes.get(cls.prototype);
  if (!proto) {
    proto = Object.create(cls.prototype) as object;
    for (const name of names) {
      Object.defineProperty(proto, name, {
        value: undefined,
        writable: true,
        enumerable: false,
        configurable: true,
      });
    }
    prototypes.set(cls.prototype, proto);
    lightPrototypes.add(proto);
  }
  return proto;
}

/** How a column's value becomes the property's, as MikroORM converts it; null: as it is. */
function convert(em: EntityManager, prop: EntityProperty): ((value: unknown) => unknown) | null {
  const platform = em.getPlatform();
  if (prop.customType) {
    const type = prop.customType;
    return (value) => (value == null ? value : type.convertToJSValue(value, platform));
  }
  if (prop.runtimeType === 'Date') return (value) => (value == null ? value : new Date(value as string));
  if (prop.runtimeType === 'number') {
    return (value) => (typeof value === 'string' ? Number(value) : value);
  }
  return null;
}

/**
 * The entity's mapper, generated as one straight-line function (a property per statement, in the
 * same order for every row: one hidden class per entity, no closure per column) — per row, this
 * was 5 % of the nested read's CPU as a loop over closures.
 */
function compile(em: EntityManager, meta: EntityMetadata): Mapper {
  const names: string[] = [];
  const helpers: unknown[] = [];
  const lines: string[] = [];
  const helper = (fn: unknown) => `h[${helpers.push(fn) - 1}]`;
  const key = (name: string) => JSON.stringify(name);
  for (const prop of meta.props) {
    if (prop.embedded || prop.persist === false || prop.formula) continue;
    names.push(prop.name);
    if (prop.kind === 'scalar') {
      const to = convert(em, prop);
      const value = `r[${key(prop.fieldNames[0])}]`;
      lines.push(`t[${key(prop.name)}] = ${to ? `${helper(to)}(${value})` : value};`);
    } else if (prop.kind === 'm:1' || (prop.kind === '1:1' && prop.owner)) {
      lines.push(`v = r[${key(prop.fieldNames[0])}]; t[${key(prop.name)}] = v == null ? null : { id: v };`);
    } else if (prop.kind === 'embedded') {
      lines.push(`${helper(embeddedStep(em, meta, prop))}(r, t);`);
    }
  }
  const proto = lightPrototype(meta.class, names);
  const body = `return function map(r) { const t = Object.create(p); let v; ${lines.join(' ')} return t; };`;
  return new Function('p', 'h', body)(proto, helpers) as Mapper;
}

/** An embeddable: inline (prefixed columns, e.g. `booking_*`) or as JSON (`guardians`). */
function embeddedStep(
  em: EntityManager,
  meta: EntityMetadata,
  prop: EntityProperty,
): (row: Row, target: Record<string, unknown>) => void {
  const children = meta.props.filter((p) => p.embedded?.[0] === prop.name);
  const cls = prop.embeddable as unknown as { prototype: object };
  const proto = lightPrototype(
    cls,
    children.map((c) => c.embedded![1]),
  );
  const identity = (value: unknown) => value;
  const fields = children.map((c) => ({
    key: c.embedded![1],
    column: c.fieldNames[0],
    to: convert(em, c) ?? identity,
  }));
  if (prop.object) {
    // Stored as JSON: each key is the child's field name.
    const one = (value: Record<string, unknown>) => {
      const item = Object.create(proto) as Record<string, unknown>;
      for (const f of fields) item[f.key] = f.to(value[f.column] ?? value[f.key]);
      return item;
    };
    const column = prop.fieldNames[0];
    return (row, target) => {
      let value = row[column] as unknown;
      if (typeof value === 'string') value = JSON.parse(value);
      target[prop.name] =
        value == null ? value : Array.isArray(value) ? value.map(one) : one(value as Record<string, unknown>);
    };
  }
  return (row, target) => {
    const item = Object.create(proto) as Record<string, unknown>;
    for (const f of fields) item[f.key] = f.to(row[f.column]);
    target[prop.name] = item;
  };
}

/** Maps one row (column names, as PostgreSQL returns them) to a light entity. */
export function lightMap<T extends object>(em: EntityManager, entity: EntityName<T>, row: Row): T {
  const meta = em.getMetadata().get(typeof entity === 'string' ? entity : (entity as { name: string }).name);
  let mapper = mappers.get(meta);
  if (!mapper) {
    mapper = compile(em, meta);
    mappers.set(meta, mapper);
  }
  return mapper(row) as T;
}

/**
 * Light entities of a tenant's table whose `column` is one of `values` (ids, parent ids), in one
 * statement, ordered as given: the batch loaders' query.
 */
export async function lightFind<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  spec: {
    tenantId: string;
    column: string;
    values: readonly string[];
    orderBy?: string;
    /** A further condition on `t`, with its parameters. */
    where?: string;
    params?: unknown[];
  },
): Promise<T[]> {
  if (spec.values.length === 0) return [];
  const meta = em.getMetadata().get(typeof entity === 'string' ? entity : (entity as { name: string }).name);
  const sql = `select * from ${meta.tableName} t
     where t.tenant_id = ? and t.${spec.column} = any(array(select value::uuid from json_array_elements_text(?::json)))
     ${spec.where ? `and (${spec.where})` : ''}
     ${spec.orderBy ? `order by ${spec.orderBy}` : ''}`;
  const params = [spec.tenantId, JSON.stringify(spec.values), ...(spec.params ?? [])];
  // The batch loaders' statement, prepared once per connection (src/db/prepared-statements.ts).
  const rows = await executeRows<Row>(em, sql, params);
  return rows.map((row) => lightMap<T>(em, entity, row));
}
