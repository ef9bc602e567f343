import type { Domain } from '../graphql/domain';
import { createFamilyLoaders } from './families.loaders';
import { ChildResolver, FamilyResolver, ViewerFamilyResolver } from './family.resolver';

/** Households and their children. */
export const familiesDomain: Domain = {
  name: 'families',
  resolvers: [FamilyResolver, ChildResolver, ViewerFamilyResolver],
  loaders: createFamilyLoaders,
};
