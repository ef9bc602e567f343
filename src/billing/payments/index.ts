import type { Domain } from '../../graphql/domain';
import { AllocationResolver, InvoiceAllocationsResolver, PaymentResolver } from './payment.resolver';
import { createPaymentLoaders } from './payments.loaders';

/** Payments, deposits and what they pay (allocations). */
export const paymentsDomain: Domain = {
  name: 'payments',
  resolvers: [PaymentResolver, AllocationResolver, InvoiceAllocationsResolver],
  loaders: createPaymentLoaders,
};
