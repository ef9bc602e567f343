import DataLoader from 'dataloader';
import type { GraphQLContext } from '../../graphql/context';
import { accountFigures } from '../ledger';
import type { InstalmentState } from '../payment-plans/payment-plans.service';
import { familyAccount, type FamilyAccount } from './accounts.service';

/**
 * Families' accounts in a few statements whatever their number: the ledger figures in one, and
 * the plans and instalments through their own loaders (shared with `Family.paymentPlans`).
 */
export interface AccountLoaders {
  accountByFamilyId: DataLoader<string, FamilyAccount>;
}

export function createAccountLoaders(ctx: GraphQLContext): AccountLoaders {
  return {
    accountByFamilyId: new DataLoader<string, FamilyAccount>(async (familyIds) => {
      // The plans' batch, then the figures: one statement at a time on the unit's connection.
      const plans = await ctx.loaders.plansByFamilyId.loadMany(familyIds);
      const figures = await accountFigures(ctx, familyIds);
      return Promise.all(
        familyIds.map(async (familyId, i) => {
          const familyPlans = plans[i] instanceof Error ? [] : (plans[i] as { id: string }[]);
          const states = await ctx.loaders.instalmentsByPlanId.loadMany(familyPlans.map((p) => p.id));
          const instalments = states.flatMap((s) => (s instanceof Error ? [] : (s as InstalmentState[])));
          return familyAccount(figures.get(familyId)!, instalments);
        }),
      );
    }),
  };
}

declare module '../../graphql/context' {
  interface Loaders extends AccountLoaders {}
}
