import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../auth/context';
import { todayIn } from '../shared/dates';
import { trimPreparedDebits } from './sepa/adjust';

/**
 * A family's account is derived, never stored: what was invoiced, credited, paid and allocated.
 * Allocations move money from a payment (or deposit) or a credit note onto an invoice; what is not
 * allocated is the family's credit, and it always goes to the oldest open invoices first.
 */

/** Serialises the writes to one family's account (two counters taking two payments at once). */
export async function lockAccount(ctx: TenantContext, familyId: string): Promise<void> {
  await ctx.em.execute(
    `select pg_advisory_xact_lock(hashtextextended('guichet:account:' || ?, 0))`,
    [familyId],
    'all',
    ctx.em.getLoggerContext(),
  );
}

export interface CreditSource {
  kind: 'PAYMENT' | 'CREDIT_NOTE';
  id: string;
  remaining: number;
}

interface OpenInvoice {
  id: string;
  due: number;
}

/**
 * Unallocated money of a family that may be spent now (on invoices, or refunded), oldest first:
 * what payments and credit notes did not give to invoices nor to refunds.
 */
export async function creditSources(ctx: TenantContext, familyId: string): Promise<CreditSource[]> {
  const { tenant } = ctx;
  const rows = await ctx.em.execute<{ kind: CreditSource['kind']; id: string; remaining: number }[]>(
    `select kind, id, remaining from (
       select 'PAYMENT' as kind, p.id, p.received_on as at, p.recorded_at as at2,
              p.amount - coalesce((select sum(a.amount) from allocations a
                                   where a.tenant_id = p.tenant_id and a.payment_id = p.id), 0)
                       - coalesce((select sum(r.amount) from refund_sources r
                                   where r.tenant_id = p.tenant_id and r.payment_id = p.id), 0) as remaining
       from payments p where p.tenant_id = ? and p.family_id = ?
         -- A water debit waits for its year's regularisation: it is not spent on other invoices before.
         and (p.debit_period is null or exists (
           select 1 from invoices r where r.tenant_id = p.tenant_id and r.family_id = p.family_id
             and r.kind = 'REGULARISATION' and to_char(r.period_from, 'YYYY') = left(p.debit_period, 4)))
       union all
       select 'CREDIT_NOTE', i.id, i.issue_date, i.issued_at,
              i.total - coalesce((select sum(a.amount) from allocations a
                                  where a.tenant_id = i.tenant_id and a.credit_note_id = i.id), 0)
                      - coalesce((select sum(r.amount) from refund_sources r
                                  where r.tenant_id = i.tenant_id and r.credit_note_id = i.id), 0)
       from invoices i where i.tenant_id = ? and i.family_id = ? and i.kind = 'CREDIT_NOTE'
     ) s where remaining > 0 order by at, at2, id`,
    [tenant.id, familyId, tenant.id, familyId],
    'all',
    ctx.em.getLoggerContext(),
  );
  return rows.map((r) => ({ ...r, remaining: Number(r.remaining) }));
}

/**
 * A family's invoices with something left to pay, that money may still go to (not handed over to
 * the treasury): oldest due date first, then by number.
 */
export async function openInvoices(ctx: TenantContext, familyId: string): Promise<OpenInvoice[]> {
  const { tenant } = ctx;
  const rows = await ctx.em.execute<{ id: string; due: number }[]>(
    `select i.id, i.total - coalesce(sum(a.amount), 0) as due
     from invoices i
     left join allocations a on a.tenant_id = i.tenant_id and a.invoice_id = i.id
     where i.tenant_id = ? and i.family_id = ? and i.kind <> 'CREDIT_NOTE'
       -- The public treasury collects a handed-over invoice: nothing is put on it here any more.
       and not exists (select 1 from treasury_handovers h where h.tenant_id = i.tenant_id and h.invoice_id = i.id)
     group by i.id
     having i.total - coalesce(sum(a.amount), 0) > 0
     order by i.due_date, i.series, i.year, i.sequence`,
    [tenant.id, familyId],
    'all',
    ctx.em.getLoggerContext(),
  );
  return rows.map((r) => ({ id: r.id, due: Number(r.due) }));
}

/** Inserts allocations (one statement). */
async function insertAllocations(
  ctx: TenantContext,
  familyId: string,
  rows: { invoiceId: string; source: CreditSource; amount: number }[],
): Promise<void> {
  if (rows.length === 0) return;
  const { tenant } = ctx;
  await ctx.em.execute(
    `insert into allocations (id, tenant_id, family_id, invoice_id, payment_id, credit_note_id, amount, created_at)
     select v.id, ?, ?, v.invoice_id, v.payment_id, v.credit_note_id, v.amount, now()
     from json_to_recordset(?::json) as v(id uuid, invoice_id uuid, payment_id uuid, credit_note_id uuid, amount int)`,
    [
      tenant.id,
      familyId,
      JSON.stringify(
        rows.map((r) => ({
          id: randomUUID(),
          invoice_id: r.invoiceId,
          payment_id: r.source.kind === 'PAYMENT' ? r.source.id : null,
          credit_note_id: r.source.kind === 'CREDIT_NOTE' ? r.source.id : null,
          amount: r.amount,
        })),
      ),
    ],
    'run',
    ctx.em.getLoggerContext(),
  );
  // A prepared (not yet exported) direct debit of these invoices now asks too much: bring it down.
  await trimPreparedDebits(ctx, familyId);
}

/**
 * Applies a family's unallocated money (deposits, overpayments, credit notes) to its open
 * invoices, oldest first. `first` puts some invoices ahead of the others (a credit note settles the
 * invoice it corrects before any other). Call with the account locked. Returns the amount applied.
 */
export async function settleAccount(
  ctx: TenantContext,
  familyId: string,
  options: { first?: string[]; onlySource?: { kind: CreditSource['kind']; id: string } } = {},
): Promise<number> {
  let sources = await creditSources(ctx, familyId);
  if (options.onlySource) {
    sources = sources.filter((s) => s.kind === options.onlySource!.kind && s.id === options.onlySource!.id);
  }
  if (sources.length === 0) return 0;
  const invoices = await openInvoices(ctx, familyId);
  const first = new Set(options.first ?? []);
  invoices.sort((a, b) => Number(first.has(b.id)) - Number(first.has(a.id)));
  const rows: { invoiceId: string; source: CreditSource; amount: number }[] = [];
  let s = 0;
  let applied = 0;
  for (const invoice of invoices) {
    while (invoice.due > 0 && s < sources.length) {
      const source = sources[s];
      const amount = Math.min(invoice.due, source.remaining);
      rows.push({ invoiceId: invoice.id, source, amount });
      invoice.due -= amount;
      source.remaining -= amount;
      applied += amount;
      if (source.remaining === 0) s++;
    }
    if (s >= sources.length) break;
  }
  await insertAllocations(ctx, familyId, rows);
  return applied;
}

/** Allocates one payment to the invoices named (amounts already checked against what is due). */
export async function allocatePayment(
  ctx: TenantContext,
  familyId: string,
  paymentId: string,
  amount: number,
  allocations: { invoiceId: string; amount: number }[],
): Promise<void> {
  const source: CreditSource = { kind: 'PAYMENT', id: paymentId, remaining: amount };
  await insertAllocations(
    ctx,
    familyId,
    allocations.map((a) => ({ invoiceId: a.invoiceId, source, amount: a.amount })),
  );
}

export interface AccountFigures {
  /** Invoices, catch-ups and regularisations issued. */
  invoiced: number;
  /** Credit notes issued. */
  credited: number;
  /** Payments and deposits received, less what was refunded. */
  paid: number;
  /** Left to pay on open invoices. */
  due: number;
  /** Money received or credited and not yet on any invoice. */
  credit: number;
  /** Charges not invoiced yet (accruing, e.g. while billing is suspended). */
  unbilled: number;
  /** Of `due`, what is late: invoices past their due date off any plan, and late instalments. */
  overdue: number;
}

/**
 * Families' figures from the ledger, in one statement for any number of families (the family
 * account of a page of families), with each family's open invoices, oldest due first. By
 * construction `invoiced − credited − paid = due − credit`: the test suite checks it for every
 * family.
 */
export async function accountFigures(
  ctx: TenantContext,
  familyIds: readonly string[],
): Promise<Map<string, AccountFigures & { openInvoiceIds: string[] }>> {
  const { tenant } = ctx;
  const today = todayIn(tenant.timeZone, ctx.now());
  const rows = await ctx.em.execute<
    (Record<keyof AccountFigures, string> & { family_id: string; open_ids: string[] | null })[]
  >(
    `with fams as (select value::uuid as id from json_array_elements_text(?::json)),
     docs as (
       select i.family_id, i.id, i.kind, i.total, i.due_date, i.series, i.year, i.sequence,
              i.total - coalesce((select sum(a.amount) from allocations a
                                  where a.tenant_id = i.tenant_id and a.invoice_id = i.id), 0) as due,
              exists (select 1 from payment_plan_invoices pi where pi.tenant_id = i.tenant_id and pi.invoice_id = i.id) as on_plan
       from invoices i where i.tenant_id = ? and i.family_id in (select id from fams)
     ),
     paid as (select family_id, sum(amount) as s from (
                select family_id, amount from payments where tenant_id = ? and family_id in (select id from fams)
                union all
                select family_id, -amount from refunds where tenant_id = ? and family_id in (select id from fams)) m
              group by family_id),
     allocated as (select family_id, sum(amount) as s from allocations
                   where tenant_id = ? and family_id in (select id from fams) group by family_id),
     unbilled as (select family_id, sum(amount) as s from charges
                  where tenant_id = ? and family_id in (select id from fams) and invoice_id is null group by family_id),
     by_family as (
       select family_id,
              sum(total) filter (where kind <> 'CREDIT_NOTE') as invoiced,
              sum(total) filter (where kind = 'CREDIT_NOTE') as credited,
              sum(due) filter (where kind <> 'CREDIT_NOTE') as due,
              sum(due) filter (where kind <> 'CREDIT_NOTE' and not on_plan and due_date < ?::date) as overdue,
              array_agg(id::text order by due_date, series, year, sequence)
                filter (where kind <> 'CREDIT_NOTE' and due > 0) as open_ids
       from docs group by family_id
     )
     select f.id::text as family_id,
            coalesce(d.invoiced, 0) as invoiced, coalesce(d.credited, 0) as credited,
            coalesce(p.s, 0) as paid, coalesce(d.due, 0) as due,
            coalesce(p.s, 0) + coalesce(d.credited, 0) - coalesce(a.s, 0) as credit,
            coalesce(u.s, 0) as unbilled, coalesce(d.overdue, 0) as overdue, d.open_ids
     from fams f
     left join by_family d on d.family_id = f.id
     left join paid p on p.family_id = f.id
     left join allocated a on a.family_id = f.id
     left join unbilled u on u.family_id = f.id`,
    [JSON.stringify(familyIds), tenant.id, tenant.id, tenant.id, tenant.id, tenant.id, today],
    'all',
    ctx.em.getLoggerContext(),
  );
  return new Map(
    rows.map((row) => [
      row.family_id,
      {
        invoiced: Number(row.invoiced),
        credited: Number(row.credited),
        paid: Number(row.paid),
        due: Number(row.due),
        credit: Number(row.credit),
        unbilled: Number(row.unbilled),
        overdue: Number(row.overdue),
        openInvoiceIds: row.open_ids ?? [],
      },
    ]),
  );
}
