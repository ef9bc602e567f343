import type { Domain } from '../graphql/domain';
import { OperatingModeResolver } from './operating-mode.resolver';

/** Outage modes of the tenant or of one service (WALK_IN, COUNTER_ONLY, READ_ONLY). */
export const operatingModesDomain: Domain = { name: 'operating-modes', resolvers: [OperatingModeResolver] };
