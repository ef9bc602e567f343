import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../auth/context';
import { addDays } from '../../shared/dates';
import { InvoiceKind } from '../invoices/invoice.entity';
import { settleAccount } from '../ledger';
import { formatNumber, Series, takeNumbers } from '../numbering';

/**
 * A fee as an invoice of its own (kind FEE, one line), numbered in the invoices' gapless series,
 * with the family's credit applied. Call with the family's account locked.
 */
export async function issueFeeInvoice(
  ctx: TenantContext,
  familyId: string,
  fee: number,
  label: string,
  today: string,
): Promise<{ id: string; number: string }> {
  const { tenant } = ctx;
  const block = await takeNumbers(ctx, Series.INVOICE, today, 1);
  const id = randomUUID();
  const number = formatNumber(block.series, block.year, block.first);
  await ctx.em.execute(
    `insert into invoices (id, tenant_id, family_id, kind, series, year, sequence, number, period_from, period_to,
       issue_date, due_date, issued_at, total, currency, reason)
     values (?, ?, ?, ?::invoice_kind, ?, ?, ?, ?, ?::date, ?::date, ?::date, ?::date, now(), ?, ?, ?)`,
    [
      id,
      tenant.id,
      familyId,
      InvoiceKind.FEE,
      block.series,
      block.year,
      block.first,
      number,
      today,
      today,
      today,
      addDays(today, tenant.config.invoiceDueDays),
      fee,
      tenant.currency,
      label,
    ],
  );
  await ctx.em.execute(
    `insert into invoice_lines (id, tenant_id, invoice_id, position, month, label, quantity, unit_price, amount)
     values (?, ?, ?, 1, ?, ?, 1, ?, ?)`,
    [randomUUID(), tenant.id, id, today.slice(0, 7), label, fee, fee],
  );
  await settleAccount(ctx, familyId);
  return { id, number };
}
