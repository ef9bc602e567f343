import DataLoader from 'dataloader';
import type { TenantContext } from '../../auth/context';
import { lightFind } from '../../shared/light-entities';
import { byId, groupBy } from '../../shared/loaders';
import { PaymentPlan } from './payment-plan.entity';
import { instalmentStates, plansOfFamilies, type InstalmentState } from './payment-plans.service';

/** Per-unit batch loaders of payment plans and their instalments. */
export function createPaymentPlanLoaders(ctx: TenantContext) {
  return {
    planById: new DataLoader<string, PaymentPlan | null>(async (ids) =>
      byId(
        ids,
        await lightFind<PaymentPlan>(ctx.em, PaymentPlan, {
          tenantId: ctx.tenant.id,
          column: 'id',
          values: ids,
        }),
      ),
    ),
    plansByFamilyId: new DataLoader<string, PaymentPlan[]>(async (familyIds) =>
      groupBy(familyIds, await plansOfFamilies(ctx, familyIds), (plan) => plan.familyId),
    ),
    instalmentsByPlanId: new DataLoader<string, InstalmentState[]>(async (planIds) => {
      const states = await instalmentStates(ctx, planIds);
      return planIds.map((id) => states.get(id) ?? []);
    }),
  };
}

declare module '../../graphql/context' {
  interface Loaders extends ReturnType<typeof createPaymentPlanLoaders> {}
}
