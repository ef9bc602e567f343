import type { Domain } from '../../graphql/domain';
import { BillingRunResolver } from './billing-run.resolver';

/** Billing runs: month end, catch-up on resumption, suspension. */
export const billingRunsDomain: Domain = { name: 'billing-runs', resolvers: [BillingRunResolver] };
