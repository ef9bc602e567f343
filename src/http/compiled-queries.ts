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
 * mutation and its phase). A document graphql-jit cannot compile runs through `execute`.
 */
const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();

/**
 * Executes the operation `operationName` of the document `build` returns (built from the
 * request's `source` document the first time `variant` is seen) against `schema`, compiled.
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
    const built = build();
    const result = compileQuery(schema, built, operationName, { disablingCapturingStackErrors: true });
    query = isCompiledQuery(result) ? result : null;
    variants.set(variant, query);
    if (!query) return execute({ schema, document: built, operationName, contextValue, variableValues });
  }
  if (!query) return execute({ schema, document: build(), operationName, contextValue, variableValues });
  return query.query(undefined, contextValue, variableValues);
}
