/**
 * How payments on an invoice are split over what the invoice billed, for a childcare
 * certificate. An allocation pays the invoice as a whole, not one of its lines: it is shared pro
 * rata over the invoice's contents **net of its credit notes**, each share rounded down to the
 * cent, and a subject never gets more, over all its invoice's payments, than the invoice still
 * bills it. So a certificate never certifies more than was paid nor more than was billed net;
 * an invoice paid in full by one payment certifies exactly its childcare; and the part of a
 * payment that a later credit note turned into credit (spent on other invoices, or refunded)
 * is not counted twice.
 */

/** One invoice: its total and contents net of credit notes, and every payment allocated to it. */
export interface PaidInvoice {
  /** Total minus its credit notes, minor units. */
  netTotal: number;
  /** What it bills each subject (a child's childcare) net of credit notes, minor units. */
  netContents: Map<string, number>;
  /** The payments allocated to it, in the order they were paid (oldest first). */
  payments: { amount: number; year: number; key: string }[];
}

/** Each payment's share per subject: `shares.get(paymentKey).get(subject)`. */
export function splitInvoice(invoice: PaidInvoice): Map<string, Map<string, number>> {
  const shares = new Map<string, Map<string, number>>();
  const given = new Map<string, number>();
  for (const payment of invoice.payments) {
    const mine = new Map<string, number>();
    for (const [subject, content] of invoice.netContents) {
      if (content <= 0 || invoice.netTotal <= 0) continue;
      // Integer arithmetic: minor units stay exact (amount × content < 2^53 for any invoice).
      const share = Math.floor((payment.amount * content) / invoice.netTotal);
      const left = content - (given.get(subject) ?? 0);
      const kept = Math.max(0, Math.min(share, left));
      if (kept > 0) {
        mine.set(subject, kept);
        given.set(subject, (given.get(subject) ?? 0) + kept);
      }
    }
    shares.set(payment.key, mine);
  }
  return shares;
}

/** Each subject's certified amount in `year`, over the invoices paid. */
export function certify(invoices: PaidInvoice[], year: number): Map<string, number> {
  const totals = new Map<string, number>();
  for (const invoice of invoices) {
    const shares = splitInvoice(invoice);
    for (const payment of invoice.payments) {
      if (payment.year !== year) continue;
      for (const [subject, share] of shares.get(payment.key)!) {
        totals.set(subject, (totals.get(subject) ?? 0) + share);
      }
    }
  }
  return totals;
}
