import type { AuthChecker } from 'type-graphql';
import { UnauthenticatedError } from '../shared/errors';
import type { GraphQLContext } from './context';

/**
 * `@Authorized()` means "a caller acting inside a tenant"; `@Authorized('AGENT', 'families:read')`
 * also requires one of the listed roles or API-key scopes. Finer rules live in the services.
 */
export const authChecker: AuthChecker<GraphQLContext> = ({ context }, required) => {
  const { viewer, tenant } = context;
  if (viewer.kind === 'ANONYMOUS' || !tenant) throw new UnauthenticatedError();
  if (required.length === 0) return true;
  return required.some(
    (r) => (viewer.roles as string[]).includes(r) || (viewer.scopes as string[]).includes(r),
  );
};
