import {
  defaultFieldResolver,
  defaultTypeResolver,
  getNamedType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  lexicographicSortSchema,
  printSchema,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { buildSchema, getMetadataStorage, type NonEmptyArray } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { installIdDecoding } from '../graphql/inputs';
import { nodeTypeNameOf } from '../graphql/node';
import { toGlobalId } from '../shared/ids';
import { installDirectResolvers } from './direct-resolvers';
import { DOMAINS } from './domains';

/** The API's schema: every domain's resolvers, IDs encoded and decoded at the edge. */
export async function createSchema(): Promise<GraphQLSchema> {
  const resolvers = DOMAINS.flatMap((domain) => domain.resolvers) as unknown as NonEmptyArray<
    (...args: never[]) => unknown
  >;
  usePlainPropertyFields();
  const schema = await buildSchema({ resolvers, validate: false });
  // First: the wrappers installed below wrap the direct calls.
  installDirectResolvers(schema);
  installGlobalIdResolvers(schema);
  installIdDecoding(schema);
  installMutationPhases(schema);
  installLazyFields(schema);
  installTypeResolvers(schema);
  schema.getQueryType()!.description = 'Entry points for reading Guichet.';
  schema.getMutationType()!.description =
    "Writes. Each mutation field is its own transaction: what it reports is committed, what fails wrote nothing. Expected refusals come back in each payload's userErrors.";
  return schema;
}

/**
 * Fields that read a property of their object (every field without a @FieldResolver) resolve with
 * GraphQL's own default resolver: the API uses no type-graphql middleware or auth checker (access
 * is checked once per operation by the guard), so type-graphql's per-field wrapper would only add
 * cost — measurable on lists of hundreds of objects. A property holding a function is called, as
 * GraphQL does (connections' lazy counts, payloads' `afterCommit`).
 */
function usePlainPropertyFields(): void {
  for (const type of getMetadataStorage().objectTypes) type.simpleResolvers ??= true;
}

/**
 * Every type implementing Node exposes `id` as an opaque global ID built from its row's UUID.
 * Done once here, rather than by a field resolver in every domain.
 */
function installGlobalIdResolvers(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === 'Node')) continue;
    const field = (type as GraphQLObjectType).getFields().id;
    const typeName = type.name;
    field.resolve = (source: { id: string }) => toGlobalId(typeName, source.id);
  }
}

/**
 * A mutation field runs in two phases (src/http/executor.ts): the write, whose root resolver's
 * payload is recorded, then — after the commit — the payload phase, which reads the recorded
 * payload instead of running the mutation again.
 */
function installMutationPhases(schema: GraphQLSchema): void {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve!;
    field.resolve = async (source, args, context: GraphQLContext, info) => {
      const phase = context.mutation;
      const key = String(info.path.key);
      if (phase?.replay) return phase.outcomes.get(key);
      const payload = await resolve(source, args, context, info);
      phase?.outcomes.set(key, payload);
      return payload;
    };
  }
}

/**
 * The fields whose objects may hold a function instead of a value — every field of a mutation's
 * payload (`afterCommit`) and a connection's `totalCount` (counted only when selected) — resolve
 * with GraphQL's default resolver, which calls it. Stated on the schema because compiled queries
 * (src/http/compiled-queries.ts) read a field without a resolver as a plain property.
 */
function installLazyFields(schema: GraphQLSchema): void {
  const payloads = new Set(
    Object.values(schema.getMutationType()?.getFields() ?? {}).map((field) => getNamedType(field.type)),
  );
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.resolve) continue;
      if (payloads.has(type) || field.name === 'totalCount') field.resolve = defaultFieldResolver;
    }
  }
}

/**
 * Abstract types resolve synchronously, as compiled queries (src/http/compiled-queries.ts) need:
 * type-graphql wraps a declared `resolveType` in an async function, so `Node`'s own
 * (`nodeTypeNameOf`, a type name) is installed again as it is; an interface or union without one
 * resolves as graphql-js does by default (`__typename`, else each possible type's `isTypeOf`).
 */
function installTypeResolvers(schema: GraphQLSchema): void {
  (schema.getType('Node') as GraphQLInterfaceType).resolveType = (value) => nodeTypeNameOf(value as object);
  for (const type of Object.values(schema.getTypeMap())) {
    if ((isInterfaceType(type) || isUnionType(type)) && !type.resolveType)
      type.resolveType = defaultTypeResolver;
  }
}

/** The SDL committed in schema/schema.graphql: sorted, so that diffs show real changes only. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
