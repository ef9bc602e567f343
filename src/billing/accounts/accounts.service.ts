import type { TenantContext } from '../../auth/context';
import { accountFigures, type AccountFigures } from '../ledger';
import { instalmentStates, InstalmentStatus, plansOfFamilies } from '../payment-plans/payment-plans.service';

export interface FamilyAccount extends AccountFigures {
  /** What the family owes (positive) or is owed (negative): invoiced − credited − paid. */
  balance: number;
  openInvoiceIds: string[];
}

/**
 * Families' accounts, derived from the ledger; overdue includes the late instalments of their
 * plans. Four statements for any number of families (figures, plans, instalments, what was paid
 * on them). The caller checked that the viewer may see each family's money.
 */
export async function familyAccounts(
  ctx: TenantContext,
  familyIds: readonly string[],
): Promise<Map<string, FamilyAccount>> {
  const [figures, plans] = await Promise.all([
    accountFigures(ctx, familyIds),
    plansOfFamilies(ctx, familyIds),
  ]);
  const states = plans.length
    ? await instalmentStates(
        ctx,
        plans.map((p) => p.id),
      )
    : new Map();
  const lateByFamily = new Map<string, number>();
  for (const plan of plans) {
    for (const state of states.get(plan.id) ?? []) {
      if (state.status !== InstalmentStatus.OVERDUE) continue;
      lateByFamily.set(
        plan.familyId,
        (lateByFamily.get(plan.familyId) ?? 0) + state.instalment.amount - state.paid,
      );
    }
  }
  const accounts = new Map<string, FamilyAccount>();
  for (const familyId of familyIds) {
    const f = figures.get(familyId)!;
    accounts.set(familyId, {
      ...f,
      overdue: f.overdue + (lateByFamily.get(familyId) ?? 0),
      balance: f.invoiced - f.credited - f.paid,
    });
  }
  return accounts;
}
