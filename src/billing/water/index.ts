import type { Domain } from '../../graphql/domain';
import { WaterResolver } from './water.resolver';

/** Water (Saint-Nazaire): meter readings, monthly direct debits, the annual regularisation. */
export const waterDomain: Domain = { name: 'water', resolvers: [WaterResolver] };
