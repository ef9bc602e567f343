import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { notify, NotificationKind } from '../../notifications/notifications.service';
import { addDays, todayIn } from '../../shared/dates';
import { amount, day, msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { PaymentMethod } from '../../tenants/tenant.entity';
import { InvoiceKind } from '../invoices/invoice.entity';
import { allocatePayment, lockAccount, openInvoices, settleAccount } from '../ledger';
import { formatNumber, Series, takeNumbers } from '../numbering';
import { Payment, PaymentChannel } from '../payments/payment.entity';
import { parseReturnFile, type ReturnedDebit } from './returns';
import { Debit, DebitBatch, DebitBatchStatus, DebitStatus, Mandate, SequenceType } from './sepa.entity';

export interface ReturnsDone {
  batchId: string;
  rejected: number;
  collected: number;
}

/**
 * Imports the bank's return file for a batch (tenant admins; audited), all or nothing: a file
 * that is not a pain.002 status report, or names a debit of another batch, is refused whole.
 * Each rejected debit reopens its debt: its invoices stay due (they were never marked paid), the
 * debit keeps the bank's reason code, the family is notified, and the tenant's rejection fee (if
 * any) is invoiced — a FEE invoice numbered in the invoices' series. A rejected first debit sends
 * the mandate back to FRST. Every other debit is collected: a DIRECT_DEBIT payment allocated to
 * its invoices, oldest first, then its instalments' part to their plans' invoices, oldest due first
 * — as a counter payment of an instalment goes, so the plan's instalments fill in order (what they
 * no longer owe, if paid meanwhile, stays as credit). A rejected debit allocates nothing: its
 * instalments stay due (then overdue, followed by the reminders) and go into a later batch again.
 */
export const importDebitReturns = idempotentMutation(
  'importDebitReturns',
  async (ctx: TenantContext, input: { batchId: string; file: string }): Promise<Outcome<ReturnsDone>> => {
    const { tenant } = ctx;
    const batch = await ctx.em.findOne(DebitBatch, { id: input.batchId });
    if (!batch) return refuse(UserErrorCode.NOT_FOUND, msg('sepa.batchNotFound'), ['batchId']);
    await ctx.em.execute(`select 1 from sepa_debit_batches where tenant_id = ? and id = ? for update`, [
      tenant.id,
      batch.id,
    ]);
    await ctx.em.refresh(batch);
    if (batch.status === DebitBatchStatus.PREPARED) {
      return refuse(UserErrorCode.INVALID, msg('sepa.batchNotExported', { reference: batch.reference }), [
        'batchId',
      ]);
    }
    if (batch.status !== DebitBatchStatus.EXPORTED) {
      return refuse(UserErrorCode.INVALID, msg('sepa.batchSettled'), ['batchId']);
    }
    let returned: ReturnedDebit[];
    try {
      returned = parseReturnFile(input.file);
    } catch {
      return refuse(UserErrorCode.INVALID, msg('sepa.badReturnFile'), ['file']);
    }
    // A debit withdrawn before export was never sent: the bank cannot return it.
    const debits = await ctx.em.find(
      Debit,
      { batchId: batch.id, status: { $ne: DebitStatus.WITHDRAWN } },
      { orderBy: { endToEndId: 'asc' } },
    );
    const byEndToEnd = new Map(debits.map((d) => [d.endToEndId, d]));
    const reasons = new Map<string, string>();
    for (const r of returned) {
      if (!byEndToEnd.has(r.endToEndId)) {
        return refuse(UserErrorCode.INVALID, msg('sepa.unknownDebit', { id: r.endToEndId }), ['file']);
      }
      reasons.set(r.endToEndId, r.reasonCode);
    }
    const today = todayIn(tenant.timeZone, ctx.now());
    const now = ctx.now();
    let rejected = 0;
    for (const debit of debits) {
      await lockAccount(ctx, debit.familyId);
      const reason = reasons.get(debit.endToEndId);
      debit.returnedAt = now;
      if (reason) {
        rejected++;
        await reject(ctx, debit, reason, batch, today);
      } else {
        await collect(ctx, debit, batch);
      }
    }
    batch.status = DebitBatchStatus.SETTLED;
    batch.settledAt = now;
    audit(ctx, {
      action: 'DEBIT_RETURNS_IMPORTED',
      subjectId: batch.id,
      details: { reference: batch.reference, rejected, collected: debits.length - rejected },
    });
    await ctx.em.flush();
    return done({ batchId: batch.id, rejected, collected: debits.length - rejected });
  },
);

async function reject(ctx: TenantContext, debit: Debit, reason: string, batch: DebitBatch, today: string) {
  const { tenant } = ctx;
  debit.status = DebitStatus.REJECTED;
  debit.reasonCode = reason;
  if (debit.sequence === SequenceType.FRST) {
    // The bank never saw a first debit go through: the next one is a first debit again.
    const mandate = await ctx.em.findOneOrFail(Mandate, { id: debit.mandateId });
    if (mandate.sequence === SequenceType.RCUR) mandate.sequence = SequenceType.FRST;
  }
  notify(ctx, {
    familyId: debit.familyId,
    kind: NotificationKind.DIRECT_DEBIT_REJECTED,
    message: msg('sepa.debitRejected', {
      amount: amount(debit.amount, tenant.currency),
      date: day(batch.collectionDate),
      reason,
    }),
    data: { endToEndId: debit.endToEndId, reasonCode: reason },
  });
  const fee = tenant.config.sepaRejectionFee;
  if (fee > 0) {
    debit.feeInvoiceId = await issueFee(ctx, debit, fee, today);
    notify(ctx, {
      familyId: debit.familyId,
      kind: NotificationKind.DIRECT_DEBIT_REJECTED,
      message: msg('sepa.rejectionFee', { fee: amount(fee, tenant.currency) }),
      data: { endToEndId: debit.endToEndId, feeInvoiceId: debit.feeInvoiceId },
    });
  }
  audit(ctx, {
    action: 'DIRECT_DEBIT_REJECTED',
    familyId: debit.familyId,
    subjectId: debit.id,
    details: { endToEndId: debit.endToEndId, amount: debit.amount, reason, fee },
  });
}

/** The rejection fee, as an invoice of its own (one line), with the family's credit applied. */
async function issueFee(ctx: TenantContext, debit: Debit, fee: number, today: string): Promise<string> {
  const { tenant } = ctx;
  const block = await takeNumbers(ctx, Series.INVOICE, today, 1);
  const id = randomUUID();
  await ctx.em.execute(
    `insert into invoices (id, tenant_id, family_id, kind, series, year, sequence, number, period_from, period_to,
       issue_date, due_date, issued_at, total, currency, reason)
     values (?, ?, ?, ?::invoice_kind, ?, ?, ?, ?, ?::date, ?::date, ?::date, ?::date, now(), ?, ?, ?)`,
    [
      id,
      tenant.id,
      debit.familyId,
      InvoiceKind.FEE,
      block.series,
      block.year,
      block.first,
      formatNumber(block.series, block.year, block.first),
      today,
      today,
      today,
      addDays(today, tenant.config.invoiceDueDays),
      fee,
      tenant.currency,
      `Rejet du prélèvement ${debit.endToEndId} (${debit.reasonCode})`,
    ],
  );
  await ctx.em.execute(
    `insert into invoice_lines (id, tenant_id, invoice_id, position, month, label, quantity, unit_price, amount)
     values (?, ?, ?, 1, ?, ?, 1, ?, ?)`,
    [
      randomUUID(),
      tenant.id,
      id,
      today.slice(0, 7),
      `Frais de rejet de prélèvement — ${debit.endToEndId}`,
      fee,
      fee,
    ],
  );
  await settleAccount(ctx, debit.familyId);
  return id;
}

async function collect(ctx: TenantContext, debit: Debit, batch: DebitBatch) {
  const { tenant } = ctx;
  debit.status = DebitStatus.COLLECTED;
  const received = (amount: number, water: boolean) =>
    ctx.em.create(Payment, {
      tenantId: tenant.id,
      familyId: debit.familyId,
      amount,
      currency: tenant.currency,
      method: PaymentMethod.DIRECT_DEBIT,
      channel: PaymentChannel.DIRECT_DEBIT_RUN,
      reference: debit.endToEndId,
      isDeposit: false,
      receivedOn: batch.collectionDate,
      recordedBy: ctx.viewer.subject ?? 'system',
      recordedAt: new Date(),
      // The month's water debit: earmarked for its year's regularisation, as collectWaterDebits records it.
      serviceId: water ? debit.waterServiceId : null,
      debitPeriod: water ? debit.waterPeriod : null,
    });
  const water = debit.waterAmount > 0 ? received(debit.waterAmount, true) : null;
  // Invoices and instalments: one payment, as before instalments rode in the debits.
  const forInvoices = debit.amount - debit.waterAmount;
  const payment = forInvoices > 0 ? received(forInvoices, false) : null;
  debit.paymentId = (payment ?? water)!.id;
  await ctx.em.flush();
  if (!payment) return;
  const open = new Map((await openInvoices(ctx, debit.familyId)).map((i) => [i.id, i.due]));
  const allocations: { invoiceId: string; amount: number }[] = [];
  const allocate = (invoiceIds: string[], budget: number) => {
    let left = budget;
    for (const invoiceId of invoiceIds) {
      const take = Math.min(left, open.get(invoiceId) ?? 0);
      if (take <= 0) continue;
      allocations.push({ invoiceId, amount: take });
      open.set(invoiceId, open.get(invoiceId)! - take);
      left -= take;
    }
    return budget - left;
  };
  const forInstalments = Math.min(debit.instalmentAmount, forInvoices);
  let left = forInvoices - allocate(debit.invoiceIds, forInvoices - forInstalments);
  if (forInstalments > 0) left -= allocate(await planInvoices(ctx, debit, [...open.keys()]), forInstalments);
  if (allocations.length) await allocatePayment(ctx, debit.familyId, payment.id, forInvoices, allocations);
  if (left > 0) await settleAccount(ctx, debit.familyId, { onlySource: { kind: 'PAYMENT', id: payment.id } });
}

/** The open invoices of the plans of a debit's instalments, in `openOrder` (oldest due first). */
async function planInvoices(ctx: TenantContext, debit: Debit, openOrder: string[]): Promise<string[]> {
  const rows = await ctx.em.execute<{ invoice_id: string }[]>(
    `select distinct pi.invoice_id from payment_plan_invoices pi
     join instalments n on n.tenant_id = pi.tenant_id and n.plan_id = pi.plan_id
     where pi.tenant_id = ? and n.id = any(array(select value::uuid from json_array_elements_text(?::json)))`,
    [ctx.tenant.id, JSON.stringify(debit.instalmentIds)],
  );
  const onPlans = new Set(rows.map((r) => r.invoice_id));
  return openOrder.filter((id) => onPlans.has(id));
}
