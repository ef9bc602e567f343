import type { GraphQLContext, Loaders } from './context';

/**
 * What a domain gives the assembly (src/http/domains.ts): its resolver classes and its per-unit
 * loader factory. A new domain is one more entry in that list.
 */
export interface Domain {
  name: string;
  // type-graphql resolver classes
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: Function[];
  loaders?: (ctx: GraphQLContext) => Partial<Loaders>;
}
