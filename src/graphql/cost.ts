import {
  getNamedType,
  isLeafType,
  isListType,
  isNonNullType,
  type DocumentNode,
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
 * - a plain list of objects multiplies by its field's declared `complexity` estimate
 *   (`@Field({ complexity })`: the expected length, e.g. a family's children) or 10.
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

const structuralEstimator: ComplexityEstimator = ({ type, field, childComplexity }) => {
  const named = getNamedType(field.type);
  if (isLeafType(named)) return 0;
  const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
  // A connection's nodes and edges are paid for by the connection's `first`.
  if (isListType(unwrapped) && !type.name.endsWith('Connection')) {
    const length =
      typeof field.extensions?.listLength === 'number' ? field.extensions.listLength : DEFAULT_LIST_LENGTH;
    return length * (1 + childComplexity);
  }
  return 1 + childComplexity;
};

/** The cost of an operation with its variables (coerced, defaults applied). */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
): number {
  return getComplexity({
    schema,
    query: document,
    operationName,
    variables,
    estimators: [fieldExtensionsEstimator(), connectionEstimator, structuralEstimator],
  });
}

/** Declares a list field's expected length for the cost estimate (e.g. a family's children: 3). */
export const ListLength = (length: number) => Extensions({ listLength: length });
