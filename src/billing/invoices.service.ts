import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { can, Scope } from '../auth/viewer';
import { canSeeFamily } from '../families/families.service';
import { todayIn } from '../shared/dates';
import { BadInputError, ForbiddenError } from '../shared/errors';
import { paginate, type Page, type PageArgs } from '../shared/pagination';
import { requireTenant, type ServiceContext } from '../shared/service-context';
import { periodBounds } from './billing-run.service';
import { Invoice, InvoiceKind } from './invoice.entity';
import { accountFigures, openInvoices, type AccountFigures } from './ledger';
import { familyPlans, instalmentStates, InstalmentStatus, maxInstalments } from './payment-plans.service';

export enum InvoiceStatus {
  OPEN = 'OPEN',
  OVERDUE = 'OVERDUE',
  ON_PLAN = 'ON_PLAN',
  PAID = 'PAID',
  CREDIT_NOTE = 'CREDIT_NOTE',
}

/** What has been put on an invoice, and whether a plan spreads it. */
export interface Settlement {
  allocated: number;
  planId: string | null;
}

export function invoiceStatus(invoice: Invoice, settlement: Settlement, today: string): InvoiceStatus {
  if (invoice.kind === InvoiceKind.CREDIT_NOTE) return InvoiceStatus.CREDIT_NOTE;
  if (invoice.total - settlement.allocated <= 0) return InvoiceStatus.PAID;
  if (settlement.planId) return InvoiceStatus.ON_PLAN;
  return invoice.dueDate < today ? InvoiceStatus.OVERDUE : InvoiceStatus.OPEN;
}

/** Settlements of many invoices in one statement (the invoices loader). */
export async function settlements(
  em: EntityManager,
  tenantId: string,
  invoiceIds: readonly string[],
): Promise<Settlement[]> {
  const rows = await em.execute<{ id: string; allocated: string; plan_id: string | null }[]>(
    `select i.id,
            coalesce((select sum(a.amount) from allocations a where a.tenant_id = i.tenant_id and a.invoice_id = i.id), 0) as allocated,
            (select pi.plan_id from payment_plan_invoices pi where pi.tenant_id = i.tenant_id and pi.invoice_id = i.id) as plan_id
     from json_array_elements_text(?::json) as i0 join invoices i on i.tenant_id = ? and i.id = i0.value::uuid`,
    [JSON.stringify(invoiceIds), tenantId],
    'all',
    em.getLoggerContext(),
  );
  const map = new Map(rows.map((r) => [r.id, { allocated: Number(r.allocated), planId: r.plan_id }]));
  return invoiceIds.map((id) => map.get(id) ?? { allocated: 0, planId: null });
}

/** Agents and admins (and families:read keys) see every invoice; parents their family's. */
export async function visibleInvoice(ctx: ServiceContext, invoiceId: string): Promise<Invoice | null> {
  requireTenant(ctx);
  const invoice = await ctx.em.findOne(Invoice, { id: invoiceId });
  return invoice && canSeeFamily(ctx, invoice.family.id) ? invoice : null;
}

export interface InvoiceFilter {
  period?: string | null;
  status?: InvoiceStatus | null;
  familyId?: string | null;
  kind?: InvoiceKind | null;
}

/** Issued documents, newest number first, filtered by period, status, family or kind. */
export async function listInvoices(
  ctx: ServiceContext,
  filter: InvoiceFilter,
  page: PageArgs,
): Promise<Page<Invoice>> {
  const tenant = requireTenant(ctx);
  if (filter.familyId ? !canSeeFamily(ctx, filter.familyId) : !can(ctx.viewer, Scope.FAMILIES_READ)) {
    throw new ForbiddenError('Only agents list every invoice; parents see their own family.');
  }
  const where: FilterQuery<Invoice> = {};
  if (filter.familyId) where.family = filter.familyId;
  if (filter.kind) where.kind = filter.kind;
  if (filter.period) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(filter.period))
      throw new BadInputError('A period is YYYY-MM.', ['filter', 'period']);
    // A period's documents: its monthly invoices, and what was issued during it (catch-ups, credit notes).
    const { from, to } = periodBounds(filter.period);
    where.$or = [{ period: filter.period }, { issueDate: { $gte: from, $lte: to } }];
  }
  if (filter.status) {
    const today = todayIn(tenant.timeZone, ctx.now());
    const rows = await ctx.em.execute<{ id: string }[]>(
      `select id from (
         select i.id, i.kind, i.due_date,
                i.total - coalesce((select sum(a.amount) from allocations a where a.tenant_id = i.tenant_id and a.invoice_id = i.id), 0) as due,
                exists (select 1 from payment_plan_invoices pi where pi.tenant_id = i.tenant_id and pi.invoice_id = i.id) as on_plan
         from invoices i where i.tenant_id = ? ${filter.familyId ? 'and i.family_id = ?' : ''}
       ) d where case
         when kind = 'CREDIT_NOTE' then 'CREDIT_NOTE'
         when due <= 0 then 'PAID'
         when on_plan then 'ON_PLAN'
         when due_date < ?::date then 'OVERDUE'
         else 'OPEN' end = ?`,
      filter.familyId
        ? [tenant.id, filter.familyId, today, filter.status]
        : [tenant.id, today, filter.status],
      'all',
      ctx.em.getLoggerContext(),
    );
    where.id = { $in: rows.map((r) => r.id) };
  }
  return paginate(ctx.em, Invoice, where, { issuedAt: 'desc', number: 'desc', id: 'desc' }, page);
}

export interface FamilyAccount extends AccountFigures {
  /** What the family owes (positive) or is owed (negative): invoiced − credited − paid. */
  balance: number;
  openInvoiceIds: string[];
}

/** A family's account, derived from the ledger; overdue includes late instalments of its plans. */
export async function familyAccount(ctx: ServiceContext, familyId: string): Promise<FamilyAccount> {
  requireTenant(ctx);
  const [figures, open, plans] = await Promise.all([
    accountFigures(ctx, familyId),
    openInvoices(ctx, familyId),
    familyPlans(ctx, familyId),
  ]);
  let lateInstalments = 0;
  for (const plan of plans) {
    for (const state of await instalmentStates(ctx, plan)) {
      if (state.status === InstalmentStatus.OVERDUE) lateInstalments += state.instalment.amount - state.paid;
    }
  }
  return {
    ...figures,
    overdue: figures.overdue + lateInstalments,
    balance: figures.invoiced - figures.credited - figures.paid,
    openInvoiceIds: open.map((i) => i.id),
  };
}

/** The payment plan a family may still choose for an open invoice: up to this many instalments. */
export function planOffer(ctx: ServiceContext, invoice: Invoice, settlement: Settlement): number | null {
  const tenant = requireTenant(ctx);
  const due = invoice.total - settlement.allocated;
  if (invoice.kind === InvoiceKind.CREDIT_NOTE || due <= 0 || settlement.planId) return null;
  const max = maxInstalments(tenant, due);
  return max > 1 ? max : null;
}

export interface BillingTotals {
  invoices: number;
  billed: number;
  credited: number;
  paid: number;
  outstanding: number;
  onPaymentPlans: number;
}

/** The dashboard's figures for the documents issued in a period (YYYY-MM). Agents. */
export async function billingTotals(ctx: ServiceContext, period: string): Promise<BillingTotals> {
  const tenant = requireTenant(ctx);
  if (!can(ctx.viewer, Scope.FAMILIES_READ)) throw new ForbiddenError('Billing totals are for agents.');
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw new BadInputError('A period is YYYY-MM.', ['period']);
  const { from, to } = periodBounds(period);
  const [row] = await ctx.em.execute<Record<keyof BillingTotals, string>[]>(
    `with docs as (
       select i.kind, i.total,
              coalesce((select sum(a.amount) from allocations a where a.tenant_id = i.tenant_id and a.invoice_id = i.id), 0) as allocated,
              exists (select 1 from payment_plan_invoices pi where pi.tenant_id = i.tenant_id and pi.invoice_id = i.id) as on_plan
       from invoices i where i.tenant_id = ? and i.issue_date between ?::date and ?::date
     )
     select count(*) filter (where kind <> 'CREDIT_NOTE') as invoices,
            coalesce(sum(total) filter (where kind <> 'CREDIT_NOTE'), 0) as billed,
            coalesce(sum(total) filter (where kind = 'CREDIT_NOTE'), 0) as credited,
            coalesce(sum(allocated) filter (where kind <> 'CREDIT_NOTE'), 0) as paid,
            coalesce(sum(total - allocated) filter (where kind <> 'CREDIT_NOTE'), 0) as outstanding,
            coalesce(sum(total - allocated) filter (where kind <> 'CREDIT_NOTE' and on_plan), 0) as "onPaymentPlans"
     from docs`,
    [tenant.id, from, to],
    'all',
    ctx.em.getLoggerContext(),
  );
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as unknown as BillingTotals;
}
