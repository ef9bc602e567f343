import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { isObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

type Method = (...args: unknown[]) => unknown;

/**
 * The field resolvers that take only `@Root()` and `@Ctx()` (a family's children, a child's school,
 * a school's services…) called directly, without type-graphql's wrapper: the wrapper builds a
 * resolver-data object, looks the resolver instance up, runs the (empty) middleware chain and
 * sorts and maps the parameters' metadata on every call — for every object of every list, 3 % of a
 * nested read's CPU. The API uses no type-graphql middleware, auth checker or validation (access
 * is checked once per operation by the guard), so the direct call does exactly what the wrapper
 * did. A root that is not an instance of the declared class (type-graphql would convert it) goes
 * through the wrapper still.
 */
export function installDirectResolvers(schema: GraphQLSchema): void {
  const storage = getMetadataStorage();
  const typeNames = new Map<unknown, string>(storage.objectTypes.map((type) => [type.target, type.name]));
  const instances = new Map<unknown, object>();
  for (const meta of storage.fieldResolvers) {
    if (meta.kind !== 'external' || !meta.getObjectType || meta.middlewares?.length || meta.roles?.length)
      continue;
    const typeName = typeNames.get(meta.getObjectType());
    const type = typeName ? schema.getType(typeName) : undefined;
    const field = type && isObjectType(type) ? type.getFields()[meta.schemaName] : undefined;
    const wrapped = field?.resolve;
    const params = [...(meta.params ?? [])].sort((a, b) => a.index - b.index);
    const target = meta.target as (new () => object) & { length: number };
    const plain = params.every(
      (p) => (p.kind === 'root' || p.kind === 'context') && !('propertyName' in p && p.propertyName),
    );
    if (!field || !wrapped || !plain || target.length > 0 || params.length === 0 || params.length > 2)
      continue;
    let instance = instances.get(target);
    if (!instance) instances.set(target, (instance = new target()));
    const method = (instance as Record<string, Method>)[meta.methodName];
    if (typeof method !== 'function') continue;
    const rootParam = params.find((p) => p.kind === 'root') as { getType?: () => unknown } | undefined;
    const rootClass = rootParam?.getType?.();
    const rootIs =
      typeof rootClass === 'function'
        ? (root: unknown) => root instanceof (rootClass as new () => object)
        : () => true;
    const kinds = params.map((p) => p.kind).join(',');
    const self = instance;
    const direct: GraphQLFieldResolver<unknown, unknown> =
      kinds === 'root,context'
        ? (root, args, ctx, info) =>
            rootIs(root) ? method.call(self, root, ctx) : wrapped(root, args, ctx, info)
        : kinds === 'context,root'
          ? (root, args, ctx, info) =>
              rootIs(root) ? method.call(self, ctx, root) : wrapped(root, args, ctx, info)
          : kinds === 'root'
            ? (root, args, ctx, info) =>
                rootIs(root) ? method.call(self, root) : wrapped(root, args, ctx, info)
            : kinds === 'context'
              ? (_root, _args, ctx) => method.call(self, ctx)
              : wrapped;
    field.resolve = direct;
  }
}
