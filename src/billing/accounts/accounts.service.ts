import type { AccountFigures } from '../ledger';
import { InstalmentStatus, type InstalmentState } from '../payment-plans/payment-plans.service';

export interface FamilyAccount extends AccountFigures {
  /** What the family owes (positive) or is owed (negative): invoiced − credited − paid. */
  balance: number;
  openInvoiceIds: string[];
}

/**
 * A family's account from its ledger figures (src/billing/ledger.ts `accountFigures`) and the
 * states of its plans' instalments: overdue counts the late instalments too, and the balance is
 * invoiced − credited − paid.
 */
export function familyAccount(
  figures: AccountFigures & { openInvoiceIds: string[] },
  instalments: readonly InstalmentState[],
): FamilyAccount {
  const late = instalments
    .filter((state) => state.status === InstalmentStatus.OVERDUE)
    .reduce((sum, state) => sum + state.instalment.amount - state.paid, 0);
  return {
    ...figures,
    overdue: figures.overdue + late,
    balance: figures.invoiced - figures.credited - figures.paid,
  };
}
