import type { Domain } from '../../graphql/domain';
import { DebitBatchResolver, FamilyMandatesResolver } from './sepa.resolver';

/** SEPA direct debits: creditor details, mandates, debit batches (pain.008), the bank's returns. */
export const sepaDomain: Domain = { name: 'sepa', resolvers: [DebitBatchResolver, FamilyMandatesResolver] };
