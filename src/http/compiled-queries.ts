import { execute, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/**
 * Operations compiled to JavaScript once (graphql-jit), then run for each request that sends the
 * same document: graphql-js's `execute` walks the document for every object of every list (field
 * collection, argument coercion, completion by type), which was 13 % of the API's CPU on the
 * nested read; a compiled query does that walk once.
 *
 * Keyed by the parsed document, which Apollo's document store keeps (and drops) per query text;
 * and under it by a name for the variant executed (the operation, or one root field of a
 * mutation and its phase). A document graphql-jit cannot compile runs through `execute`, as does
 * every document the first time it is run.
 */
const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null | number>>();

/**
 * Executes the operation `operationName` of the document `build` returns (built from the
 * request's `source` document) against `schema`: through graphql-js's `execute` the first time a
 * variant is seen (compiling costs more than executing once, and a one-off query should not pay
 * it), compiled from the second on.
 */
export function executeCompiled(
  schema: GraphQLSchema,
  source: DocumentNode,
  operationName: string | undefined,
  variant: string,
  build: () => DocumentNode,
  contextValue: unknown,
  variableValues: Record<string, unknown> | undefined,
): Promise<ExecutionResult> | ExecutionResult {
  let variants = compiled.get(source);
  if (!variants) compiled.set(source, (variants = new Map()));
  let query = variants.get(variant);
  if (query === undefined) {
    variants.set(variant, 1);
  } else if (typeof query === 'number') {
    const result = compileQuery(schema, build(), operationName, { disablingCapturingStackErrors: true });
    query = isCompiledQuery(result) ? result : null;
    variants.set(variant, query);
  }
  if (query && typeof query === 'object') return query.query(undefined, contextValue, variableValues);
  return execute({ schema, document: build(), operationName, contextValue, variableValues });
}
