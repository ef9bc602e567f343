import type { Domain } from '../../graphql/domain';
import { FamilyAccountResolver } from './account.resolver';
import { createAccountLoaders } from './accounts.loaders';

/** A family's account, derived from the ledger. */
export const accountsDomain: Domain = {
  name: 'accounts',
  resolvers: [FamilyAccountResolver],
  loaders: createAccountLoaders,
};
