import type { Domain } from '../../graphql/domain';
import { FamilyPlansResolver, InvoicePlanResolver, PaymentPlanResolver } from './payment-plan.resolver';
import { createPaymentPlanLoaders } from './payment-plans.loaders';

/** Payment plans (échelonnement): open invoices spread over monthly instalments. */
export const paymentPlansDomain: Domain = {
  name: 'payment-plans',
  resolvers: [PaymentPlanResolver, InvoicePlanResolver, FamilyPlansResolver],
  loaders: createPaymentPlanLoaders,
};
