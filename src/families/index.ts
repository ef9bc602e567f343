import type { Domain } from '../graphql/domain';
import { FacilityChildrenResolver } from './facility-children.resolver';
import { createFamilyLoaders } from './families.loaders';
import { ChildResolver, FamilyResolver, ViewerFamilyResolver } from './family.resolver';

/** Households and their children. */
export const familiesDomain: Domain = {
  name: 'families',
  resolvers: [FamilyResolver, ChildResolver, ViewerFamilyResolver, FacilityChildrenResolver],
  loaders: createFamilyLoaders,
};
