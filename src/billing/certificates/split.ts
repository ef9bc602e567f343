/**
 * How a payment on an invoice is split over what the invoice billed, for a childcare
 * certificate. An allocation pays the invoice as a whole, not one of its lines: it is shared pro
 * rata over the invoice's contents, each share rounded down to the cent — a certificate never
 * certifies more than was paid, and an invoice paid in full by one payment certifies exactly its
 * childcare lines.
 */

/** One payment allocated to one invoice, and what that invoice billed per certified subject. */
export interface AllocatedPayment {
  /** Minor units allocated from the payment to the invoice (> 0). */
  amount: number;
  /** The invoice's total, minor units (> 0 whenever something was allocated to it). */
  invoiceTotal: number;
  /** What the invoice billed for each subject (a child's childcare), minor units; the rest of the total is other services. */
  contents: Map<string, number>;
}

/** Each subject's share of one allocation: ⌊amount × content ÷ total⌋. */
export function shareOf(payment: AllocatedPayment, subject: string): number {
  const content = payment.contents.get(subject) ?? 0;
  if (content <= 0 || payment.invoiceTotal <= 0) return 0;
  // Integer arithmetic: minor units stay exact (amount × content < 2^53 for any invoice).
  return Math.floor((payment.amount * content) / payment.invoiceTotal);
}

/** Each subject's certified amount over a year's allocations. */
export function certify(payments: AllocatedPayment[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const payment of payments) {
    for (const subject of payment.contents.keys()) {
      totals.set(subject, (totals.get(subject) ?? 0) + shareOf(payment, subject));
    }
  }
  return totals;
}
