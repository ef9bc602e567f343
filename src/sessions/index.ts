import type { Domain } from '../graphql/domain';
import { SessionAdminResolver } from './session-admin.resolver';
import { SessionResolver } from './session.resolver';
import { createSessionLoaders } from './sessions.loaders';

/** Sessions: the bookable occurrences of services, with their booking windows. */
export const sessionsDomain: Domain = {
  name: 'sessions',
  resolvers: [SessionResolver, SessionAdminResolver],
  loaders: createSessionLoaders,
};
