import type { TenantContext } from '../../auth/context';
import { isStaff, Role } from '../../auth/viewer';
import { audit } from '../../audit/audit.service';
import { canSeeFamilyBilling } from '../../families/families.service';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { addMonths, todayIn } from '../../shared/dates';
import { splitEvenly } from '../../shared/money';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import type { Tenant } from '../../tenants/tenant.entity';
import { Invoice, InvoiceKind } from '../invoices/invoice.entity';
import type { Settlement } from '../invoices/invoices.service';
import { handedOverRefusal } from '../reminders/handed-over';
import { lockAccount, openInvoices } from '../ledger';
import { Instalment, PaymentPlan } from './payment-plan.entity';
import { amount, msg } from '../../shared/i18n';
import { forbidden } from '../../auth/requirement';

export enum InstalmentStatus {
  PAID = 'PAID',
  DUE = 'DUE',
  OVERDUE = 'OVERDUE',
}

/**
 * Monthly due dates in the tenant's calendar: the first on `first`, then the same day of each
 * following month, clamped to the month's end (31 January → 28 February → 31 March, no drift).
 */
export function monthlyDueDates(first: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addMonths(first, i));
}

/** The most instalments an amount allows within the tenant's limits (at least 1). */
export function maxInstalments(tenant: Tenant, amount: number): number {
  const byMinimum =
    tenant.config.instalmentMinAmount > 0 ? Math.floor(amount / tenant.config.instalmentMinAmount) : Infinity;
  return Math.max(1, Math.min(tenant.config.instalmentMaxCount, byMinimum));
}

/** The payment plan a family may still choose for an open invoice: up to this many instalments. */
export function planOffer(tenant: Tenant, invoice: Invoice, settlement: Settlement): number | null {
  const due = invoice.total - settlement.allocated;
  if (invoice.kind === InvoiceKind.CREDIT_NOTE || due <= 0 || settlement.planId || settlement.handedOver)
    return null;
  const max = maxInstalments(tenant, due);
  return max > 1 ? max : null;
}

export interface PlanInput {
  invoiceId?: string | null;
  familyId?: string | null;
  instalments: number;
}

/**
 * Spreads what is left to pay on one invoice, or on all of a family's open invoices, over monthly
 * instalments within the tenant's limits (max count, minimum instalment) — staff, or the family's
 * parent for their own invoices. The instalments sum to the amount exactly; the rounding cents go
 * to the first one. The first is due on the earliest invoice due date (or today, if that has
 * passed). Retry-safe with the idempotency key.
 */
export const createPaymentPlan = idempotentMutation(
  'createPaymentPlan',
  async (ctx: TenantContext, input: PlanInput): Promise<Outcome<{ planId: string }>> => {
    const { tenant } = ctx;
    if (Boolean(input.invoiceId) === Boolean(input.familyId)) {
      return refuse(UserErrorCode.INVALID, msg('plan.invoiceOrFamily'), ['invoiceId']);
    }
    const invoice = input.invoiceId ? await ctx.em.findOne(Invoice, { id: input.invoiceId }) : null;
    if (input.invoiceId && !invoice)
      return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Invoice' }), ['invoiceId']);
    const familyId = invoice ? invoice.family.id : input.familyId!;
    const field = [invoice ? 'invoiceId' : 'familyId'];
    if (!canSeeFamilyBilling(ctx, familyId))
      return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Family' }), field);
    if (!isStaff(ctx.viewer) && ctx.viewer.familyId !== familyId) {
      throw forbidden('access.paymentPlan', { roles: [Role.AGENT, Role.TENANT_ADMIN], parents: true });
    }
    await lockAccount(ctx, familyId);
    const planned = new Set(
      (
        await ctx.em.execute<{ invoice_id: string }[]>(
          `select invoice_id from payment_plan_invoices where tenant_id = ? and invoice_id in
               (select id from invoices where tenant_id = ? and family_id = ?)`,
          [tenant.id, tenant.id, familyId],
          'all',
          ctx.em.getLoggerContext(),
        )
      ).map((r) => r.invoice_id),
    );
    const open = (await openInvoices(ctx, familyId)).filter(
      (i) => !planned.has(i.id) && (!invoice || i.id === invoice.id),
    );
    if (open.length === 0) {
      // An invoice the treasury now collects is spread by the treasury, not by a plan here.
      const handedOver = invoice && (await handedOverRefusal(ctx, [invoice.id], field));
      if (handedOver) return { value: null, userErrors: [handedOver] };
      return refuse(
        UserErrorCode.INVALID,
        msg(invoice && planned.has(invoice.id) ? 'plan.alreadyPlanned' : 'plan.nothingDue'),
        field,
      );
    }
    const total = open.reduce((sum, i) => sum + i.due, 0);
    const limit = maxInstalments(tenant, total);
    if (!Number.isInteger(input.instalments) || input.instalments < 1 || input.instalments > limit) {
      return refuse(
        UserErrorCode.INVALID,
        msg('plan.instalments', {
          max: limit,
          maxCount: tenant.config.instalmentMaxCount,
          minAmount: amount(tenant.config.instalmentMinAmount, tenant.currency),
        }),
        ['instalments'],
      );
    }
    const invoices = await ctx.em.find(Invoice, { id: { $in: open.map((i) => i.id) } });
    const today = todayIn(tenant.timeZone, ctx.now());
    const earliestDue = invoices.map((i) => i.dueDate).sort()[0];
    const first = earliestDue > today ? earliestDue : today;
    const plan = ctx.em.create(PaymentPlan, {
      tenantId: tenant.id,
      familyId,
      total,
      currency: tenant.currency,
      createdBy: ctx.viewer.subject ?? 'system',
      // The real clock: instalments are filled by allocations made from this instant (created_at is now()).
      createdAt: new Date(),
    });
    // Plain uuid columns carry no ORM relation: the plan is written before its instalments.
    await ctx.em.flush();
    const amounts = splitEvenly(total, input.instalments);
    monthlyDueDates(first, input.instalments).forEach((dueDate, i) =>
      ctx.em.create(Instalment, {
        tenantId: tenant.id,
        planId: plan.id,
        position: i + 1,
        dueDate,
        amount: amounts[i],
      }),
    );
    await ctx.em.flush();
    await ctx.em.execute(
      `insert into payment_plan_invoices (tenant_id, plan_id, invoice_id) select ?, ?, value::uuid from json_array_elements_text(?::json)`,
      [tenant.id, plan.id, JSON.stringify(open.map((i) => i.id))],
      'run',
      ctx.em.getLoggerContext(),
    );
    audit(ctx, {
      action: 'PAYMENT_PLAN_CREATED',
      familyId,
      subjectId: plan.id,
      details: { total, instalments: input.instalments, invoices: invoices.map((i) => i.number) },
    });
    await ctx.em.flush();
    return done({ planId: plan.id });
  },
);

export interface InstalmentState {
  instalment: Instalment;
  paid: number;
  status: InstalmentStatus;
}

/**
 * Where each instalment of each plan stands, for many plans in two statements: the money put on
 * a plan's invoices since it was agreed fills its instalments in order; an unpaid one past its due
 * date is overdue.
 */
export async function instalmentStates(
  ctx: TenantContext,
  planIds: readonly string[],
): Promise<Map<string, InstalmentState[]>> {
  const { tenant } = ctx;
  const instalments = await ctx.em.find(
    Instalment,
    { planId: { $in: [...planIds] } },
    { orderBy: { planId: 'asc', position: 'asc' } },
  );
  const paidRows = await ctx.em.execute<{ plan_id: string; paid: string }[]>(
    `select p.id as plan_id, coalesce(sum(a.amount), 0) as paid
     from payment_plans p
     join payment_plan_invoices pi on pi.tenant_id = p.tenant_id and pi.plan_id = p.id
     left join allocations a on a.tenant_id = pi.tenant_id and a.invoice_id = pi.invoice_id and a.created_at >= p.created_at
     where p.tenant_id = ? and p.id = any(array(select value::uuid from json_array_elements_text(?::json)))
     group by p.id`,
    [tenant.id, JSON.stringify(planIds)],
    'all',
    ctx.em.getLoggerContext(),
  );
  const today = todayIn(tenant.timeZone, ctx.now());
  const left = new Map(paidRows.map((r) => [r.plan_id, Number(r.paid)]));
  const states = new Map<string, InstalmentState[]>(planIds.map((id) => [id, []]));
  for (const instalment of instalments) {
    const available = left.get(instalment.planId) ?? 0;
    const paid = Math.min(instalment.amount, available);
    left.set(instalment.planId, available - paid);
    const status =
      paid === instalment.amount
        ? InstalmentStatus.PAID
        : instalment.dueDate < today
          ? InstalmentStatus.OVERDUE
          : InstalmentStatus.DUE;
    states.get(instalment.planId)?.push({ instalment, paid, status });
  }
  return states;
}

/** The plans of many families, newest first (one statement). */
export function plansOfFamilies(ctx: TenantContext, familyIds: readonly string[]): Promise<PaymentPlan[]> {
  return ctx.em.find(
    PaymentPlan,
    { familyId: { $in: [...familyIds] } },
    { orderBy: { createdAt: 'desc', id: 'desc' } },
  );
}
