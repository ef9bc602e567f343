import { DateTime } from 'luxon';
import { audit } from '../audit/audit.service';
import { isStaff } from '../auth/viewer';
import { canSeeFamily } from '../families/families.service';
import { CONFLICT, idempotencyConflict, idempotent } from '../idempotency/idempotency.service';
import { todayIn } from '../shared/dates';
import { ForbiddenError } from '../shared/errors';
import { splitEvenly } from '../shared/money';
import { requireTenant, type ServiceContext } from '../shared/service-context';
import { userError, UserErrorCode, type UserErrorData } from '../shared/user-errors';
import type { Tenant } from '../tenants/tenant.entity';
import { Invoice } from './invoice.entity';
import { lockAccount, openInvoices } from './ledger';
import { Instalment, PaymentPlan } from './payment-plan.entity';

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
  const start = DateTime.fromISO(first, { zone: 'UTC' });
  return Array.from({ length: count }, (_, i) => start.plus({ months: i }).toISODate()!);
}

/** The most instalments an amount allows within the tenant's limits (at least 1). */
export function maxInstalments(tenant: Tenant, amount: number): number {
  const byMinimum =
    tenant.config.instalmentMinAmount > 0 ? Math.floor(amount / tenant.config.instalmentMinAmount) : Infinity;
  return Math.max(1, Math.min(tenant.config.instalmentMaxCount, byMinimum));
}

export interface PlanInput {
  invoiceId?: string | null;
  familyId?: string | null;
  instalments: number;
  idempotencyKey: string;
}

/**
 * Spreads what is left to pay on one invoice, or on all of a family's open invoices, over monthly
 * instalments within the tenant's limits (max count, minimum instalment). The instalments sum to
 * the amount exactly; the rounding cents go to the first one. The first is due on the earliest
 * invoice due date (or today, if that has passed). Agents, or the family's parent.
 */
export async function createPaymentPlan(
  ctx: ServiceContext,
  input: PlanInput,
): Promise<{ plan: PaymentPlan | null; userErrors: UserErrorData[] }> {
  const tenant = requireTenant(ctx);
  const result = await idempotent(
    ctx,
    'createPaymentPlan',
    input.idempotencyKey,
    { ...input, idempotencyKey: undefined },
    async () => {
      const refuse = (message: string, field: string[], code = UserErrorCode.INVALID) => ({
        planId: null as string | null,
        userErrors: [userError(code, message, field)],
      });
      if (Boolean(input.invoiceId) === Boolean(input.familyId)) {
        return refuse('Give either an invoice or a family.', ['invoiceId']);
      }
      const invoice = input.invoiceId ? await ctx.em.findOne(Invoice, { id: input.invoiceId }) : null;
      if (input.invoiceId && !invoice)
        return refuse('Invoice not found.', ['invoiceId'], UserErrorCode.NOT_FOUND);
      const familyId = invoice ? invoice.family.id : input.familyId!;
      if (!canSeeFamily(ctx, familyId)) {
        return refuse('Family not found.', [invoice ? 'invoiceId' : 'familyId'], UserErrorCode.NOT_FOUND);
      }
      if (!isStaff(ctx.viewer) && ctx.viewer.familyId !== familyId) {
        throw new ForbiddenError('Payment plans are agreed by agents or by the family itself.');
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
        return refuse(
          invoice && planned.has(invoice.id)
            ? 'This invoice is already on a payment plan.'
            : 'Nothing is left to pay.',
          [invoice ? 'invoiceId' : 'familyId'],
        );
      }
      const total = open.reduce((sum, i) => sum + i.due, 0);
      const limit = maxInstalments(tenant, total);
      if (!Number.isInteger(input.instalments) || input.instalments < 1 || input.instalments > limit) {
        return refuse(
          `Choose 1 to ${limit} instalments (at most ${tenant.config.instalmentMaxCount}, each at least ${tenant.config.instalmentMinAmount} cents).`,
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
      return { planId: plan.id as string | null, userErrors: [] as UserErrorData[] };
    },
  );
  if (result === CONFLICT) return { plan: null, userErrors: [idempotencyConflict()] };
  return {
    plan: result.planId ? await ctx.em.findOneOrFail(PaymentPlan, { id: result.planId }) : null,
    userErrors: result.userErrors,
  };
}

export interface InstalmentState {
  instalment: Instalment;
  paid: number;
  status: InstalmentStatus;
}

/**
 * Where each instalment stands: the money put on the plan's invoices since the plan was agreed
 * fills the instalments in order; an unpaid one past its due date is overdue.
 */
export async function instalmentStates(ctx: ServiceContext, plan: PaymentPlan): Promise<InstalmentState[]> {
  const tenant = requireTenant(ctx);
  const [instalments, [row]] = await Promise.all([
    ctx.em.find(Instalment, { planId: plan.id }, { orderBy: { position: 'asc' } }),
    ctx.em.execute<{ paid: string }[]>(
      `select coalesce(sum(a.amount), 0) as paid from allocations a
       join payment_plan_invoices pi on pi.tenant_id = a.tenant_id and pi.invoice_id = a.invoice_id
       where a.tenant_id = ? and pi.plan_id = ? and a.created_at >= ?`,
      [tenant.id, plan.id, plan.createdAt],
      'all',
      ctx.em.getLoggerContext(),
    ),
  ]);
  const today = todayIn(tenant.timeZone, ctx.now());
  let left = Number(row.paid);
  return instalments.map((instalment) => {
    const paid = Math.min(instalment.amount, left);
    left -= paid;
    const status =
      paid === instalment.amount
        ? InstalmentStatus.PAID
        : instalment.dueDate < today
          ? InstalmentStatus.OVERDUE
          : InstalmentStatus.DUE;
    return { instalment, paid, status };
  });
}

/** The plans of a family, newest first. */
export function familyPlans(ctx: ServiceContext, familyId: string): Promise<PaymentPlan[]> {
  requireTenant(ctx);
  return ctx.em.find(PaymentPlan, { familyId }, { orderBy: { createdAt: 'desc' } });
}
