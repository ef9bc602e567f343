import type { GraphQLContext, Loaders } from '../graphql/context';
import { DOMAINS } from './domains';

/** Every domain's per-unit DataLoaders, fresh for each unit of work. */
export function createLoaders(ctx: GraphQLContext): Loaders {
  return Object.assign({}, ...DOMAINS.map((domain) => domain.loaders?.(ctx) ?? {})) as Loaders;
}
