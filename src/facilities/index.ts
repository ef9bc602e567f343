import type { Domain } from '../graphql/domain';
import { createFacilityLoaders } from './facilities.loaders';
import { FacilityResolver, ServiceResolver } from './facility.resolver';

/** Facilities (schools, crèches, leisure centres), their services and price grids. */
export const facilitiesDomain: Domain = {
  name: 'facilities',
  resolvers: [FacilityResolver, ServiceResolver],
  loaders: createFacilityLoaders,
};
