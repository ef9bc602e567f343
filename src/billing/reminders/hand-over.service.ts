import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { notify, NotificationKind } from '../../notifications/notifications.service';
import { addDays, todayIn } from '../../shared/dates';
import { amount, day, msg } from '../../shared/i18n';
import { lockAccount } from '../ledger';
import { formatNumber, takeNumbers } from '../numbering';
import { stepDue } from './policy.service';
import { TreasuryBatch, TreasuryHandOver } from './reminder.entity';
import { lockCollection, overdueDebts } from './reminders.service';

/** Collection batches' series: TP2026-000001 (titres transmis au Trésor public). */
export const TREASURY_SERIES = 'TP';

/**
 * Hands over to the public treasury, in one numbered collection batch, every debt past its last
 * reminder and the tenant's hand-over delay (and at least the gap between the two after that last
 * letter): overdue invoices, and for a late instalment every invoice of its plan the régie still
 * collects. Each invoice goes over once, with what it still owed. Nothing eligible: no batch and
 * no number taken (null). Gapless: the number is taken in this transaction, after everything that
 * could refuse.
 */
export async function handOverToTreasury(ctx: TenantContext): Promise<{ batchId: string } | null> {
  const { tenant } = ctx;
  const levels = tenant.config.reminderLevels ?? [];
  if (levels.length === 0) return null;
  await lockCollection(ctx);
  const today = todayIn(tenant.timeZone, ctx.now());
  const steps = [...levels.map((l) => l.days), tenant.config.handOverDays];
  // A debt reminded at more levels than the tenant now has counts as past the last one.
  const ready = (await overdueDebts(ctx, today)).filter(
    (d) =>
      d.level >= levels.length &&
      stepDue(d.dueDate, steps, { level: levels.length, sentOn: d.sentOn }, today, addDays),
  );
  if (ready.length === 0) return null;
  const families = [...new Set(ready.map((d) => d.familyId))].sort();
  // Each family's account locked (in one order): no payment lands on an invoice while it goes over.
  for (const familyId of families) await lockAccount(ctx, familyId);
  const invoiceIds = ready.filter((d) => d.kind === 'INVOICE').map((d) => d.id);
  const planIds = ready.filter((d) => d.kind === 'INSTALMENT').map((d) => d.planId!);
  const rows = await ctx.em.execute<{ id: string; family_id: string; due: string; number: string }[]>(
    `select i.id, i.family_id, i.number,
            i.total - coalesce((select sum(a.amount) from allocations a where a.tenant_id = i.tenant_id and a.invoice_id = i.id), 0) as due
     from invoices i
     where i.tenant_id = ? and i.kind <> 'CREDIT_NOTE'
       and (i.id = any(array(select value::uuid from json_array_elements_text(?::json)))
            or i.id in (select pi.invoice_id from payment_plan_invoices pi where pi.tenant_id = i.tenant_id
                        and pi.plan_id = any(array(select value::uuid from json_array_elements_text(?::json)))))
       and not exists (select 1 from treasury_handovers h where h.tenant_id = i.tenant_id and h.invoice_id = i.id)
     order by i.family_id, i.due_date, i.series, i.year, i.sequence`,
    [tenant.id, JSON.stringify(invoiceIds), JSON.stringify(planIds)],
  );
  const owing = rows.map((r) => ({ ...r, due: Number(r.due) })).filter((r) => r.due > 0);
  if (owing.length === 0) return null;
  const block = await takeNumbers(ctx, TREASURY_SERIES, today, 1);
  const total = owing.reduce((sum, r) => sum + r.due, 0);
  const batch = ctx.em.create(TreasuryBatch, {
    tenantId: tenant.id,
    year: block.year,
    sequence: block.first,
    number: formatNumber(TREASURY_SERIES, block.year, block.first),
    handedOverOn: today,
    invoices: owing.length,
    total,
    currency: tenant.currency,
    createdBy: ctx.viewer.subject ?? 'system',
    createdAt: ctx.now(),
  });
  await ctx.em.flush();
  owing.forEach((r, i) =>
    ctx.em.create(TreasuryHandOver, {
      tenantId: tenant.id,
      invoiceId: r.id,
      batchId: batch.id,
      familyId: r.family_id,
      position: i + 1,
      amount: r.due,
    }),
  );
  for (const familyId of families) {
    const mine = owing.filter((r) => r.family_id === familyId);
    if (mine.length === 0) continue;
    notify(ctx, {
      familyId,
      kind: NotificationKind.HANDED_OVER_TO_TREASURY,
      message: msg('treasury.handedOverNotice', {
        count: mine.length,
        total: amount(
          mine.reduce((sum, r) => sum + r.due, 0),
          tenant.currency,
        ),
        batch: batch.number,
        date: day(today),
      }),
      data: { treasuryBatchId: batch.id, invoices: mine.map((r) => r.number) },
    });
  }
  audit(ctx, {
    action: 'HANDED_OVER_TO_TREASURY',
    subjectId: batch.id,
    details: { number: batch.number, invoices: owing.map((r) => r.number), total },
  });
  await ctx.em.flush();
  return { batchId: batch.id };
}
