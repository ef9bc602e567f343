import type { EntityManager } from '@mikro-orm/postgresql';
import type { TenantContext } from '../../auth/context';
import { canSeeFamilyBilling } from '../../families/families.service';
import { monthBounds, todayIn } from '../../shared/dates';
import { ForbiddenError } from '../../shared/errors';
import {
  paginate,
  paginateMany,
  sql,
  type Condition,
  type ListSpec,
  type Page,
  type PageArgs,
} from '../../shared/pagination';
import { Invoice, InvoiceKind } from './invoice.entity';
import { msg } from '../../shared/i18n';

export enum InvoiceStatus {
  OPEN = 'OPEN',
  OVERDUE = 'OVERDUE',
  ON_PLAN = 'ON_PLAN',
  PAID = 'PAID',
  CREDIT_NOTE = 'CREDIT_NOTE',
  /** Handed over to the public treasury: the treasury collects it, nothing is put on it here. */
  HANDED_OVER = 'HANDED_OVER',
}

/** What has been put on an invoice, and whether a plan spreads it. */
export interface Settlement {
  allocated: number;
  planId: string | null;
  /** Handed over to the public treasury (treasury_handovers): it takes no more money here. */
  handedOver: boolean;
}

export function invoiceStatus(invoice: Invoice, settlement: Settlement, today: string): InvoiceStatus {
  if (invoice.kind === InvoiceKind.CREDIT_NOTE) return InvoiceStatus.CREDIT_NOTE;
  // Before PAID and ON_PLAN: what it owed then is the treasury's to collect, whatever happens here.
  if (settlement.handedOver) return InvoiceStatus.HANDED_OVER;
  if (invoice.total - settlement.allocated <= 0) return InvoiceStatus.PAID;
  if (settlement.planId) return InvoiceStatus.ON_PLAN;
  return invoice.dueDate < today ? InvoiceStatus.OVERDUE : InvoiceStatus.OPEN;
}

/** The same status, as SQL over an invoice aliased `t` (for filtering lists in the database). */
const STATUS_SQL = `case
  when t.kind = 'CREDIT_NOTE' then 'CREDIT_NOTE'
  when exists (select 1 from treasury_handovers h where h.tenant_id = t.tenant_id and h.invoice_id = t.id) then 'HANDED_OVER'
  when t.total - coalesce((select sum(a.amount) from allocations a where a.tenant_id = t.tenant_id and a.invoice_id = t.id), 0) <= 0 then 'PAID'
  when exists (select 1 from payment_plan_invoices pi where pi.tenant_id = t.tenant_id and pi.invoice_id = t.id) then 'ON_PLAN'
  when t.due_date < ?::date then 'OVERDUE'
  else 'OPEN' end`;

/** Settlements of many invoices in one statement (the invoices loader). */
export async function settlements(
  em: EntityManager,
  tenantId: string,
  invoiceIds: readonly string[],
): Promise<Settlement[]> {
  const rows = await em.execute<
    { id: string; allocated: string; plan_id: string | null; handed_over: boolean }[]
  >(
    `select i.id,
            coalesce((select sum(a.amount) from allocations a where a.tenant_id = i.tenant_id and a.invoice_id = i.id), 0) as allocated,
            (select pi.plan_id from payment_plan_invoices pi where pi.tenant_id = i.tenant_id and pi.invoice_id = i.id) as plan_id,
            exists (select 1 from treasury_handovers h where h.tenant_id = i.tenant_id and h.invoice_id = i.id) as handed_over
     from json_array_elements_text(?::json) as i0 join invoices i on i.tenant_id = ? and i.id = i0.value::uuid`,
    [JSON.stringify(invoiceIds), tenantId],
    'all',
    em.getLoggerContext(),
  );
  const map = new Map(
    rows.map((r) => [r.id, { allocated: Number(r.allocated), planId: r.plan_id, handedOver: r.handed_over }]),
  );
  return invoiceIds.map((id) => map.get(id) ?? { allocated: 0, planId: null, handedOver: false });
}

/** An invoice the viewer may see: billing readers (staff, billing:read) any, parents their family's. */
export async function visibleInvoice(ctx: TenantContext, invoiceId: string): Promise<Invoice | null> {
  const invoice = await ctx.em.findOne(Invoice, { id: invoiceId });
  return invoice && canSeeFamilyBilling(ctx, invoice.family.id) ? invoice : null;
}

export interface InvoiceFilter {
  period?: string | null;
  status?: InvoiceStatus | null;
  familyId?: string | null;
  kind?: InvoiceKind | null;
}

function invoiceList(ctx: TenantContext, filter: InvoiceFilter): ListSpec<Invoice> {
  const where: Condition[] = [];
  if (filter.familyId) where.push(sql('t.family_id = ?', filter.familyId));
  if (filter.kind) where.push(sql('t.kind = ?', filter.kind));
  if (filter.period) {
    // A period's documents: its monthly invoices, and what was issued during it (catch-ups, credit notes).
    const { from, to } = monthBounds(filter.period);
    where.push(sql('t.period = ? or t.issue_date between ?::date and ?::date', filter.period, from, to));
  }
  if (filter.status) {
    where.push(sql(`${STATUS_SQL} = ?`, todayIn(ctx.tenant.timeZone, ctx.now()), filter.status));
  }
  return {
    entity: Invoice,
    table: 'invoices',
    tenantId: ctx.tenant.id,
    orderBy: ['issued_at', 'number', 'id'],
    direction: 'desc',
    where,
  };
}

/**
 * Issued documents, newest first, filtered by period, status, family or kind. Billing readers list
 * every family's; a parent must name their own family.
 */
export function listInvoices(
  ctx: TenantContext,
  filter: InvoiceFilter,
  page: PageArgs,
): Promise<Page<Invoice>> {
  if (filter.familyId ? !canSeeFamilyBilling(ctx, filter.familyId) : ctx.viewer.familyId) {
    throw new ForbiddenError(msg('access.ownInvoices'));
  }
  return paginate(ctx.em, invoiceList(ctx, filter), page);
}

/** Each family's documents, newest first: one page per family, two statements for any number. */
export function familyInvoicePages(
  ctx: TenantContext,
  familyIds: string[],
  args: PageArgs & { status?: InvoiceStatus | null },
): Promise<Page<Invoice>[]> {
  return paginateMany(ctx.em, invoiceList(ctx, { status: args.status }), 'family_id', familyIds, args);
}

export interface BillingTotals {
  invoices: number;
  billed: number;
  credited: number;
  paid: number;
  outstanding: number;
  onPaymentPlans: number;
  /** Left to pay on invoices past their due date (the tenant's today), and how many. */
  overdue: number;
  overdueInvoices: number;
}

/**
 * The dashboard's figures for the documents issued in a month (staff, billing:read and
 * dashboard:read keys), in minor units. Overdue: what is left to pay on those invoices whose due
 * date is before the tenant's today.
 */
export async function billingTotals(ctx: TenantContext, period: string): Promise<BillingTotals> {
  const { from, to } = monthBounds(period);
  const today = todayIn(ctx.tenant.timeZone, ctx.now());
  const [row] = await ctx.em.execute<Record<keyof BillingTotals, string>[]>(
    `with docs as (
       select i.kind, i.total, i.due_date,
              coalesce((select sum(a.amount) from allocations a where a.tenant_id = i.tenant_id and a.invoice_id = i.id), 0) as allocated,
              exists (select 1 from payment_plan_invoices pi where pi.tenant_id = i.tenant_id and pi.invoice_id = i.id) as on_plan
       from invoices i where i.tenant_id = ? and i.issue_date between ?::date and ?::date
     )
     select count(*) filter (where kind <> 'CREDIT_NOTE') as invoices,
            coalesce(sum(total) filter (where kind <> 'CREDIT_NOTE'), 0) as billed,
            coalesce(sum(total) filter (where kind = 'CREDIT_NOTE'), 0) as credited,
            coalesce(sum(allocated) filter (where kind <> 'CREDIT_NOTE'), 0) as paid,
            coalesce(sum(total - allocated) filter (where kind <> 'CREDIT_NOTE'), 0) as outstanding,
            coalesce(sum(total - allocated) filter (where kind <> 'CREDIT_NOTE' and on_plan), 0) as "onPaymentPlans",
            coalesce(sum(total - allocated) filter (where kind <> 'CREDIT_NOTE' and due_date < ?::date), 0) as overdue,
            count(*) filter (where kind <> 'CREDIT_NOTE' and due_date < ?::date and total > allocated) as "overdueInvoices"
     from docs`,
    [ctx.tenant.id, from, to, today, today],
    'all',
    ctx.em.getLoggerContext(),
  );
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as unknown as BillingTotals;
}
