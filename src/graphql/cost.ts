import {
  getNamedType,
  isLeafType,
  isListType,
  isNonNullType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { Extensions } from 'type-graphql';
import { DEFAULT_PAGE_SIZE } from '../shared/pagination';

/**
 * Query cost, on graphql-query-complexity's principle, with the variables and the default page
 * size read as the execution will read them:
 * - a connection costs `first` (default 20) times what one of its nodes costs, so
 *   `families(first: $n) { nodes { name } }` costs n — 100 times more for 100 than for 1;
 * - any other object costs 1 plus its selection; a scalar costs nothing;
 * - a plain list of objects multiplies by its field's declared expected length (`@ListLength`:
 *   a number, e.g. a family's children, or a function of the field's arguments) or 10.
 * Shopify reports the same figures in `extensions.cost`; so does Guichet on every response.
 */
export const MAX_QUERY_COST = 25_000;
export const DEFAULT_LIST_LENGTH = 10;

const connectionEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const type = getNamedType(field.type);
  if (!type.name.endsWith('Connection')) return undefined;
  const first = typeof args.first === 'number' && args.first > 0 ? args.first : DEFAULT_PAGE_SIZE;
  return first * Math.max(1, childComplexity);
};

/** A list's expected length: a number, or computed from the field's arguments (a date range…). */
export type ListLengthEstimate = number | ((args: Record<string, unknown>) => number);

const structuralEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const named = getNamedType(field.type);
  if (isLeafType(named)) return 0;
  const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
  // A connection's nodes and edges are paid for by the connection's `first`.
  if (isListType(unwrapped) && !type.name.endsWith('Connection')) {
    const declared = field.extensions?.listLength as ListLengthEstimate | undefined;
    const length =
      typeof declared === 'function'
        ? declared(args)
        : typeof declared === 'number'
          ? declared
          : DEFAULT_LIST_LENGTH;
    return length * (1 + childComplexity);
  }
  return 1 + childComplexity;
};

/** Costs already computed, per parsed document (Apollo's document store keeps one per query text). */
const costs = new WeakMap<DocumentNode, Map<string, number>>();
/** Per document: the variables its cost depends on (see `costVariables`). */
const costVariableNames = new WeakMap<DocumentNode, string[]>();
/** Variables longer than this (as JSON) are not worth a cache entry; a document keeps at most 64. */
const MAX_KEY_LENGTH = 1024;
const MAX_PER_DOCUMENT = 64;

/** Whether a field's cost reads its arguments (the estimators above, and field `complexity` functions). */
function argumentsCount(field: GraphQLField<unknown, unknown>): boolean {
  if (typeof field.extensions?.complexity === 'function') return true;
  if (getNamedType(field.type).name.endsWith('Connection')) return true;
  const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
  return isListType(unwrapped) && typeof field.extensions?.listLength === 'function';
}

/** The names of the variables used anywhere inside `nodes`. */
function variablesIn(nodes: readonly ASTNode[], into: Set<string>): void {
  for (const node of nodes) visit(node, { Variable: (variable) => void into.add(variable.name.value) });
}

/**
 * The variables an operation's cost depends on: those in the arguments of fields whose cost reads
 * their arguments (`first`, list lengths), and in directives (`@include`, `@skip`). A booking's
 * `input` (its child, sessions and idempotency key: new for every request) is not one of them,
 * so every booking of the same document shares one cost entry.
 */
function costVariables(schema: GraphQLSchema, document: DocumentNode): string[] {
  let names = costVariableNames.get(document);
  if (!names) {
    const found = new Set<string>();
    const typeInfo = new TypeInfo(schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const field = typeInfo.getFieldDef();
          // Unknown to the schema: counted (validation refuses it anyway).
          if (node.arguments?.length && (!field || argumentsCount(field))) variablesIn(node.arguments, found);
        },
        Directive(node) {
          if (node.arguments?.length) variablesIn(node.arguments, found);
        },
      }),
    );
    names = [...found].sort();
    costVariableNames.set(document, names);
  }
  return names;
}

/**
 * The cost of an operation with its variables (coerced, defaults applied). A pure function of
 * the document and the variables it reads (`costVariables`): remembered per document (graphql-
 * query-complexity walks the whole document each time, ≈ 2 % of the API's CPU on the nested read,
 * ≈ 5 % of a booking's).
 */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
): number {
  const read = costVariables(schema, document).map((name) => variables[name]);
  const key = `${operationName ?? ''}\u0000${JSON.stringify(read)}`;
  const known = costs.get(document)?.get(key);
  if (known !== undefined) return known;
  const cost = getComplexity({
    schema,
    query: document,
    operationName,
    variables,
    estimators: [fieldExtensionsEstimator(), connectionEstimator, structuralEstimator],
  });
  if (key.length <= MAX_KEY_LENGTH) {
    let forDocument = costs.get(document);
    if (!forDocument) costs.set(document, (forDocument = new Map()));
    if (forDocument.size >= MAX_PER_DOCUMENT) forDocument.clear();
    forDocument.set(key, cost);
  }
  return cost;
}

/**
 * Declares a list field's expected length for the cost estimate (e.g. a family's children: 3), or
 * how to estimate it from the field's arguments (e.g. the days of a range times the schools).
 */
export const ListLength = (length: ListLengthEstimate) => Extensions({ listLength: length });
