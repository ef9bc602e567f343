import type { Domain } from '../../graphql/domain';
import { DraftInvoiceResolver, DraftRunResolver } from './draft.resolver';
import { createDraftLoaders } from './drafts.loaders';

/** Draft billing runs: built for review, then promoted (numbered and issued) whole. */
export const billingDraftsDomain: Domain = {
  name: 'billing-drafts',
  resolvers: [DraftRunResolver, DraftInvoiceResolver],
  loaders: createDraftLoaders,
};
