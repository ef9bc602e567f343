import type { GraphQLContext, Loaders } from '../graphql/context';
import { DOMAINS } from './domains';

/**
 * Every domain's per-unit DataLoaders, made on first use: a unit gets an object whose properties
 * (one per loader, on a prototype built once) create their domain's loaders the first time one of
 * them is read. A nested read uses three domains of twenty; creating all 47 loaders for every unit
 * was a fixed cost of each request. A domain whose factory cannot run on a stub context (it reads
 * the context when called) has its loaders made with the unit, as before.
 */
export function createLoaders(ctx: GraphQLContext): Loaders {
  lazyLoaders ??= lazyLoadersClass();
  return new lazyLoaders(ctx) as unknown as Loaders;
}

type LoaderSet = Record<string, unknown>;
let lazyLoaders: (new (ctx: GraphQLContext) => object) | undefined;

function lazyLoadersClass(): new (ctx: GraphQLContext) => object {
  // Each factory called once on a context with nothing in it, for its loaders' names.
  const stub = new Proxy({}, { get: () => undefined }) as GraphQLContext;
  const eager: number[] = [];
  class LazyLoaders {
    readonly made: (LoaderSet | undefined)[] = [];
    constructor(readonly ctx: GraphQLContext) {
      for (const i of eager) Object.assign(this, DOMAINS[i].loaders!(ctx));
    }
  }
  DOMAINS.forEach((domain, i) => {
    if (!domain.loaders) return;
    let names: string[];
    try {
      names = Object.keys(domain.loaders(stub));
    } catch {
      eager.push(i);
      return;
    }
    for (const name of names) {
      Object.defineProperty(LazyLoaders.prototype, name, {
        configurable: true,
        get(this: LazyLoaders) {
          // The domain's factory as it is now (a test may replace it).
          const set = (this.made[i] ??= DOMAINS[i].loaders!(this.ctx) as LoaderSet);
          return set[name];
        },
      });
    }
  });
  return LazyLoaders;
}
