import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { notify, NotificationKind } from '../../notifications/notifications.service';
import { addDays, todayIn } from '../../shared/dates';
import { amount, day, msg, render, tenantLanguage } from '../../shared/i18n';
import { InvoiceKind } from '../invoices/invoice.entity';
import { lockAccount } from '../ledger';
import { InstalmentStatus, instalmentStates } from '../payment-plans/payment-plans.service';
import { issueFeeInvoice } from './fees';
import { stepDue } from './policy.service';
import { Reminder, ReminderBatch, ReminderSource } from './reminder.entity';

/** A debt followed by reminders: an invoice off any plan, or one instalment of a plan. */
export interface Debt {
  kind: 'INVOICE' | 'INSTALMENT';
  id: string;
  familyId: string;
  dueDate: string;
  due: number;
  /** The last level sent (0: none) and when. */
  level: number;
  sentOn: string | null;
  /** For an invoice: its number and kind; for an instalment: its position and plan. */
  number?: string;
  invoiceKind?: InvoiceKind;
  position?: number;
  planId?: string;
}

/** Serialises reminder batches and hand-overs of a tenant (the job and an agent at once). */
export async function lockCollection(ctx: TenantContext): Promise<void> {
  await ctx.em.execute(`select pg_advisory_xact_lock(hashtextextended('guichet:collection:' || ?, 0))`, [
    ctx.tenant.id,
  ]);
}

/**
 * Overdue invoices off any plan (not handed over, not in a pending direct debit) and late
 * instalments, each with the last reminder level it got: three statements whatever their number.
 */
export async function overdueDebts(ctx: TenantContext, today: string): Promise<Debt[]> {
  const { tenant } = ctx;
  const invoices = await ctx.em.execute<
    {
      id: string;
      family_id: string;
      number: string;
      kind: InvoiceKind;
      due_date: string;
      due: string;
      level: number | null;
      sent_on: string | null;
    }[]
  >(
    `select i.id, i.family_id, i.number, i.kind, to_char(i.due_date, 'YYYY-MM-DD') as due_date, d.due,
            r.level, to_char(r.sent_on, 'YYYY-MM-DD') as sent_on
     from invoices i
     cross join lateral (select i.total - coalesce((select sum(a.amount) from allocations a
                                                   where a.tenant_id = i.tenant_id and a.invoice_id = i.id), 0) as due) d
     left join lateral (select x.level, x.sent_on from reminders x where x.tenant_id = i.tenant_id and x.invoice_id = i.id
                        order by x.level desc limit 1) r on true
     where i.tenant_id = ? and i.kind <> 'CREDIT_NOTE' and i.due_date < ?::date and d.due > 0
       and not exists (select 1 from treasury_handovers h where h.tenant_id = i.tenant_id and h.invoice_id = i.id)
       and not exists (select 1 from payment_plan_invoices pi where pi.tenant_id = i.tenant_id and pi.invoice_id = i.id)
       and not exists (select 1 from sepa_debits s where s.tenant_id = i.tenant_id and s.status = 'PENDING' and i.id = any (s.invoice_ids))
     order by i.family_id, i.due_date, i.number`,
    [tenant.id, today],
  );
  const debts: Debt[] = invoices.map((r) => ({
    kind: 'INVOICE',
    id: r.id,
    familyId: r.family_id,
    dueDate: r.due_date,
    due: Number(r.due),
    level: r.level ?? 0,
    sentOn: r.sent_on,
    number: r.number,
    invoiceKind: r.kind,
  }));
  // Plans with an instalment past due and an invoice the régie still collects.
  const plans = await ctx.em.execute<{ id: string; family_id: string }[]>(
    `select p.id, p.family_id from payment_plans p
     where p.tenant_id = ?
       and exists (select 1 from instalments n where n.tenant_id = p.tenant_id and n.plan_id = p.id and n.due_date < ?::date)
       and exists (select 1 from payment_plan_invoices pi where pi.tenant_id = p.tenant_id and pi.plan_id = p.id
                   and not exists (select 1 from treasury_handovers h where h.tenant_id = pi.tenant_id and h.invoice_id = pi.invoice_id))
     order by p.family_id, p.id`,
    [tenant.id, today],
  );
  if (plans.length === 0) return debts;
  const states = await instalmentStates(
    ctx,
    plans.map((p) => p.id),
  );
  // An instalment in a direct debit awaiting the bank's answer is not chased (as an invoice is not).
  const debited = new Set(
    (
      await ctx.em.execute<{ id: string }[]>(
        `select distinct unnest(instalment_ids) as id from sepa_debits
         where tenant_id = ? and status = 'PENDING' and cardinality(instalment_ids) > 0`,
        [tenant.id],
      )
    ).map((r) => r.id),
  );
  const late = plans.flatMap((p) =>
    (states.get(p.id) ?? [])
      .filter((s) => s.status === InstalmentStatus.OVERDUE && !debited.has(s.instalment.id))
      .map((s) => ({ plan: p, state: s })),
  );
  if (late.length === 0) return debts;
  const sent = await ctx.em.execute<{ instalment_id: string; level: number; sent_on: string }[]>(
    `select distinct on (instalment_id) instalment_id, level, to_char(sent_on, 'YYYY-MM-DD') as sent_on
     from reminders where tenant_id = ? and instalment_id = any(array(select value::uuid from json_array_elements_text(?::json)))
     order by instalment_id, level desc`,
    [tenant.id, JSON.stringify(late.map((l) => l.state.instalment.id))],
  );
  const last = new Map(sent.map((s) => [s.instalment_id, s]));
  for (const { plan, state } of late) {
    const previous = last.get(state.instalment.id);
    debts.push({
      kind: 'INSTALMENT',
      id: state.instalment.id,
      familyId: plan.family_id,
      dueDate: state.instalment.dueDate,
      due: state.instalment.amount - state.paid,
      level: previous?.level ?? 0,
      sentOn: previous?.sent_on ?? null,
      position: state.instalment.position,
      planId: plan.id,
    });
  }
  return debts;
}

export interface RemindersDone {
  batchId: string | null;
  reminders: number;
  fees: number;
}

/**
 * One batch of reminders (the daily job, or an agent): each overdue debt whose next level is due
 * gets it — a notification in the family's log (its letter printable from the reminder) and, for
 * a level with a fee, a FEE invoice, once per debt (never on a fee invoice itself). A debt climbs
 * one level per batch at most. Safe to run again: a level is sent once per debt (unique index),
 * and a second batch the same day finds nothing more to send (no empty batch is written).
 */
export async function sendReminders(ctx: TenantContext, source: ReminderSource): Promise<RemindersDone> {
  const { tenant } = ctx;
  const levels = tenant.config.reminderLevels ?? [];
  if (levels.length === 0) return { batchId: null, reminders: 0, fees: 0 };
  await lockCollection(ctx);
  const today = todayIn(tenant.timeZone, ctx.now());
  const steps = levels.map((l) => l.days);
  const debts = (await overdueDebts(ctx, today)).filter(
    (d) => d.level < levels.length && stepDue(d.dueDate, steps, d, today, addDays),
  );
  if (debts.length === 0) return { batchId: null, reminders: 0, fees: 0 };
  const feesCharged = new Set(
    (
      await ctx.em.execute<{ debt: string }[]>(
        `select coalesce(invoice_id, instalment_id) as debt from reminders where tenant_id = ? and fee > 0`,
        [tenant.id],
      )
    ).map((r) => r.debt),
  );
  // Decided before anything is written: the batch is insert-only, written once with its counts.
  const planned = debts.map((debt) => {
    const level = debt.level + 1;
    const policy = levels[level - 1];
    const chargeFee = policy.fee > 0 && debt.invoiceKind !== InvoiceKind.FEE && !feesCharged.has(debt.id);
    return { debt, level, policy, chargeFee };
  });
  const batch = ctx.em.create(ReminderBatch, {
    tenantId: tenant.id,
    runOn: today,
    source,
    reminders: planned.length,
    fees: planned.filter((p) => p.chargeFee).length,
    requestedBy: ctx.viewer.subject ?? 'system',
    createdAt: ctx.now(),
  });
  await ctx.em.flush();
  const language = tenantLanguage(tenant);
  for (const { debt, level, policy, chargeFee } of planned) {
    const last = level === levels.length ? 'yes' : 'no';
    let fee: { id: string; number: string } | null = null;
    if (chargeFee) {
      await lockAccount(ctx, debt.familyId);
      const what = debt.number ?? `#${debt.position}`;
      fee = await issueFeeInvoice(
        ctx,
        debt.familyId,
        policy.fee,
        render(msg('reminders.feeInvoiceLabel', { level, number: what }), language),
        today,
      );
    }
    const reminder = ctx.em.create(Reminder, {
      tenantId: tenant.id,
      batchId: batch.id,
      familyId: debt.familyId,
      invoiceId: debt.kind === 'INVOICE' ? debt.id : null,
      instalmentId: debt.kind === 'INSTALMENT' ? debt.id : null,
      level,
      dueDate: debt.dueDate,
      amount: debt.due,
      fee: fee ? policy.fee : 0,
      feeInvoiceId: fee?.id ?? null,
      sentOn: today,
      createdAt: ctx.now(),
    });
    const common = {
      level,
      last,
      amount: amount(debt.due, tenant.currency),
      dueDate: day(debt.dueDate),
      fee: amount(fee ? policy.fee : 0, tenant.currency),
      hasFee: fee ? 'yes' : 'no',
    };
    notify(ctx, {
      familyId: debt.familyId,
      kind: NotificationKind.PAYMENT_REMINDER,
      message:
        debt.kind === 'INVOICE'
          ? msg('reminders.invoice', { ...common, number: debt.number! })
          : msg('reminders.instalment', { ...common, position: debt.position! }),
      data: { reminderId: reminder.id, level, feeInvoiceId: fee?.id ?? null },
    });
  }
  audit(ctx, {
    action: 'REMINDERS_SENT',
    subjectId: batch.id,
    details: { source, reminders: batch.reminders, fees: batch.fees, runOn: today },
  });
  await ctx.em.flush();
  return { batchId: batch.id, reminders: batch.reminders, fees: batch.fees };
}
