import type { Domain } from '../graphql/domain';
import { ClosurePeriodResolver } from './calendars/closures.resolver';

/** Administration of a tenant through the API: calendars, and (in their sub-folders) the rest. */
export const administrationDomain: Domain = {
  name: 'administration',
  resolvers: [ClosurePeriodResolver],
};
