import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../auth/context';
import { emitEvents, gid } from '../../events/emit';
import { Service } from '../../facilities/service.entity';
import { ChargeReason } from '../../reservations/charge.entity';
import { addDays, monthBounds, todayIn } from '../../shared/dates';
import { InvoiceKind } from '../invoices/invoice.entity';
import { lockAccount, settleAccount } from '../ledger';
import { formatNumber, Series, takeNumbers } from '../numbering';
import { BillingRun, type BillingRunKind, type BillingRunStatus } from './billing-run.entity';

/** Families invoiced per batch: bounded memory whatever the tenant's size. */
export const BILLING_BATCH_SIZE = 500;

/** How charges read on an invoice line (the documents are in the tenants' language). */
const REASON_LABELS: Record<ChargeReason, string> = {
  [ChargeReason.ATTENDED]: '',
  [ChargeReason.WALK_IN]: 'sans réservation',
  [ChargeReason.LATE_CANCELLATION]: 'annulation tardive',
  [ChargeReason.UNJUSTIFIED_ABSENCE]: 'absence non justifiée',
  [ChargeReason.BILLABLE_ABSENCE]: 'absence facturée',
  [ChargeReason.CONSUMPTION]: 'consommation',
  [ChargeReason.PLACEMENT_MONTH]: 'place en service de garde, mois',
};

interface ChargeRow {
  id: string;
  family_id: string;
  service_id: string;
  date: string;
  reason: ChargeReason;
  unit_price: number;
  quantity: number;
  amount: number;
}

export interface IssueOptions {
  kind: InvoiceKind.INVOICE | InvoiceKind.CATCH_UP | InvoiceKind.REGULARISATION;
  /** Charges dated from this day only (the regularisation's year). */
  from?: string;
  /** For monthly invoices: the period (one invoice per family and period). */
  period: string | null;
  /** Charges dated up to this day are gathered. */
  through: string;
  run: BillingRun;
  batchSize?: number;
  /** Called after each batch (the benchmark's progress; tests simulate a crash with it). */
  afterBatch?: (invoicesSoFar: number) => Promise<void> | void;
}

/**
 * Issues one invoice per family from its uninvoiced charges dated up to `through`, in batches of
 * families (keyset on family id), each batch set-based: lock the batch's charges, take a block of
 * gapless numbers, insert invoices and lines, mark the charges, apply the families' credit.
 *
 * The whole run is one transaction with a per-tenant advisory lock: overlapping runs queue, a
 * crash rolls everything back (numbers included), and a re-run finds the same charges
 * uninvoiced — nothing twice, nothing skipped, no gap.
 */
export async function issueInvoices(ctx: TenantContext, options: IssueOptions): Promise<BillingRun> {
  const { tenant } = ctx;
  const { run } = options;
  const batchSize = options.batchSize ?? BILLING_BATCH_SIZE;
  // A run may wait for another run of the tenant and takes a while: not the request path's limits.
  await ctx.em.execute(
    `select set_config('lock_timeout', '120s', true), set_config('statement_timeout', '0', true)`,
    [],
    'all',
    ctx.em.getLoggerContext(),
  );
  await ctx.em.execute(
    `select pg_advisory_xact_lock(hashtextextended('guichet:billing:' || ?, 0))`,
    [tenant.id],
    'all',
    ctx.em.getLoggerContext(),
  );
  const issueDate = todayIn(tenant.timeZone, ctx.now());
  const dueDate = addDays(issueDate, tenant.config.invoiceDueDays);
  // A line names its service and where it was rendered: two schools' canteens are two lines.
  const serviceNames = new Map(
    (await ctx.em.find(Service, {}, { populate: ['facility'] })).map((s) => [
      s.id,
      s.facility ? `${s.name} (${s.facility.getEntity().name})` : s.name,
    ]),
  );
  let afterFamily = '00000000-0000-0000-0000-000000000000';
  // Water consumption is billed at the annual regularisation only; everything else by the other runs.
  const consumption = options.kind === InvoiceKind.REGULARISATION;
  const scope = `and c.reason ${consumption ? '=' : '<>'} 'CONSUMPTION' and c.date >= ?::date`;
  const from = options.from ?? '0001-01-01';

  for (;;) {
    // The batch's families: those with uninvoiced charges (and, monthly, no invoice for the period yet:
    // a charge that arose after its month's run waits for the next month's).
    const families = await ctx.em.execute<{ family_id: string }[]>(
      `select distinct c.family_id from charges c
       where c.tenant_id = ? and c.invoice_id is null and c.date <= ? and c.family_id > ? ${scope}
         ${
           options.period
             ? `and not exists (select 1 from invoices i where i.tenant_id = c.tenant_id
              and i.family_id = c.family_id and i.kind = 'INVOICE' and i.period = ?)`
             : ''
         }
       order by c.family_id limit ?`,
      options.period
        ? [tenant.id, options.through, afterFamily, from, options.period, batchSize]
        : [tenant.id, options.through, afterFamily, from, batchSize],
      'all',
      ctx.em.getLoggerContext(),
    );
    if (families.length === 0) break;
    const familyIds = families.map((f) => f.family_id);
    afterFamily = familyIds[familyIds.length - 1];

    // Lock exactly the charges billed: a roll call correcting one of them waits, a new one waits for next time.
    const charges = await ctx.em.execute<ChargeRow[]>(
      `select id, family_id, service_id, to_char(date, 'YYYY-MM-DD') as date, reason, unit_price, quantity, amount
       from charges c
       where tenant_id = ? and invoice_id is null and date <= ? and family_id in (select value::uuid from json_array_elements_text(?::json)) ${scope}
       order by family_id, date, id
       for update`,
      [tenant.id, options.through, JSON.stringify(familyIds), from],
      'all',
      ctx.em.getLoggerContext(),
    );
    const byFamily = new Map<string, ChargeRow[]>();
    for (const charge of charges) {
      const list = byFamily.get(charge.family_id) ?? [];
      list.push(charge);
      byFamily.set(charge.family_id, list);
    }
    const billed = [...byFamily.keys()];
    if (billed.length === 0) continue;
    const block = await takeNumbers(ctx, Series.INVOICE, issueDate, billed.length);

    const invoices: Record<string, unknown>[] = [];
    const lines: Record<string, unknown>[] = [];
    const chargeInvoice: { id: string; invoice_id: string }[] = [];
    billed.forEach((familyId, index) => {
      const rows = byFamily.get(familyId)!;
      const invoiceId = randomUUID();
      const sequence = block.first + index;
      // Lines by month, service, reason and price: the catch-up shows each month apart.
      const grouped = new Map<
        string,
        {
          month: string;
          serviceId: string;
          reason: ChargeReason;
          unitPrice: number;
          quantity: number;
          amount: number;
        }
      >();
      for (const row of rows) {
        const month = row.date.slice(0, 7);
        const key = `${month}|${row.service_id}|${row.reason}|${row.unit_price}`;
        const line = grouped.get(key) ?? {
          month,
          serviceId: row.service_id,
          reason: row.reason,
          unitPrice: row.unit_price,
          quantity: 0,
          amount: 0,
        };
        line.quantity += row.quantity;
        line.amount += row.amount;
        grouped.set(key, line);
        chargeInvoice.push({ id: row.id, invoice_id: invoiceId });
      }
      const total = rows.reduce((sum, r) => sum + r.amount, 0);
      const dates = rows.map((r) => r.date).sort();
      invoices.push({
        id: invoiceId,
        family_id: familyId,
        year: block.year,
        sequence,
        number: formatNumber(block.series, block.year, sequence),
        period: options.kind === InvoiceKind.INVOICE ? options.period : null,
        period_from: options.from ?? (options.period ? monthBounds(options.period).from : dates[0]),
        period_to: options.through,
        total,
      });
      [...grouped.values()]
        .sort(
          (a, b) =>
            a.month.localeCompare(b.month) ||
            (serviceNames.get(a.serviceId) ?? '').localeCompare(serviceNames.get(b.serviceId) ?? ''),
        )
        .forEach((line, position) => {
          const reason = REASON_LABELS[line.reason];
          lines.push({
            id: randomUUID(),
            invoice_id: invoiceId,
            position: position + 1,
            month: line.month,
            service_id: line.serviceId,
            label: `${serviceNames.get(line.serviceId) ?? 'Service'} — ${line.month}${reason ? ` — ${reason}` : ''}`,
            quantity: line.quantity,
            unit_price: line.unitPrice,
            amount: line.amount,
          });
        });
    });

    await ctx.em.execute(
      `insert into invoices (id, tenant_id, family_id, kind, series, year, sequence, number, period,
         period_from, period_to, issue_date, due_date, issued_at, total, currency, billing_run_id)
       select v.id, ?, v.family_id, ?::invoice_kind, ?, v.year, v.sequence, v.number, v.period,
              v.period_from, v.period_to, ?::date, ?::date, now(), v.total, ?, ?
       from json_to_recordset(?::json) as v(id uuid, family_id uuid, year int, sequence int, number text,
         period text, period_from date, period_to date, total int)`,
      [
        tenant.id,
        options.kind,
        block.series,
        issueDate,
        dueDate,
        tenant.currency,
        run.id,
        JSON.stringify(invoices),
      ],
      'run',
      ctx.em.getLoggerContext(),
    );
    await ctx.em.execute(
      `insert into invoice_lines (id, tenant_id, invoice_id, position, month, service_id, label, quantity, unit_price, amount)
       select v.id, ?, v.invoice_id, v.position, v.month, v.service_id, v.label, v.quantity, v.unit_price, v.amount
       from json_to_recordset(?::json) as v(id uuid, invoice_id uuid, position int, month text, service_id uuid,
         label text, quantity int, unit_price int, amount int)`,
      [tenant.id, JSON.stringify(lines)],
      'run',
      ctx.em.getLoggerContext(),
    );
    await ctx.em.execute(
      `update charges c set invoice_id = v.invoice_id
       from json_to_recordset(?::json) as v(id uuid, invoice_id uuid)
       where c.tenant_id = ? and c.id = v.id`,
      [JSON.stringify(chargeInvoice), tenant.id],
      'run',
      ctx.em.getLoggerContext(),
    );

    await emitEvents(
      ctx,
      invoices.map((invoice) => {
        const invoiceId = gid('Invoice', invoice.id as string);
        return {
          type: 'invoice.issued' as const,
          aggregateId: invoiceId,
          data: {
            invoiceId,
            familyId: gid('Family', invoice.family_id as string),
            kind: options.kind,
            number: invoice.number as string,
            total: invoice.total as number,
            currency: tenant.currency,
          },
        };
      }),
    );

    // Deposits and other credit go onto the new invoices at once.
    // A regularisation takes the year's water debits first (they are earmarked for it).
    const withCredit = await familiesWithCredit(ctx, billed);
    for (const familyId of withCredit) {
      await lockAccount(ctx, familyId);
      const invoice = invoices.find((i) => i.family_id === familyId);
      await settleAccount(ctx, familyId, consumption && invoice ? { first: [invoice.id as string] } : {});
    }

    // After the first batch, the tables the run fills get statistics (see the migration
    // BillingStatistics): the next batches are planned for what they really hold.
    if (run.invoicesCreated === 0) {
      await ctx.em.execute('select guichet_analyze_billing()', [], 'all', ctx.em.getLoggerContext());
    }
    run.invoicesCreated += billed.length;
    run.chargesInvoiced += charges.length;
    run.amountInvoiced += charges.reduce((sum, c) => sum + c.amount, 0);
    await options.afterBatch?.(run.invoicesCreated);
  }
  run.finishedAt = new Date();
  return run;
}

/**
 * Of these families, those with unallocated money. Set-based: each table is read once for the
 * batch (hash joins on the batch's families), so the plan stays cheap whatever PostgreSQL's
 * statistics say — even on a fresh database whose statistics still call `invoices` empty while the
 * run fills it (a correlated subquery per family walked every invoice, seconds per batch).
 */
async function familiesWithCredit(ctx: TenantContext, familyIds: string[]): Promise<string[]> {
  const { tenant } = ctx;
  const rows = await ctx.em.execute<{ family_id: string }[]>(
    `with batch as (select value::uuid as id from json_array_elements_text(?::json)),
     paid as (select family_id, sum(amount) as s from payments
              where tenant_id = ? and family_id in (select id from batch) group by family_id),
     credited as (select family_id, sum(total) as s from invoices
                  where tenant_id = ? and kind = 'CREDIT_NOTE' and family_id in (select id from batch) group by family_id),
     allocated as (select family_id, sum(amount) as s from allocations
                   where tenant_id = ? and family_id in (select id from batch) group by family_id)
     select b.id as family_id from batch b
     left join paid p on p.family_id = b.id
     left join credited c on c.family_id = b.id
     left join allocated a on a.family_id = b.id
     where coalesce(p.s, 0) + coalesce(c.s, 0) > coalesce(a.s, 0)`,
    [JSON.stringify(familyIds), tenant.id, tenant.id, tenant.id],
    'all',
    ctx.em.getLoggerContext(),
  );
  return rows.map((r) => r.family_id);
}

/** A run's record, written before its invoices (they name it). */
export function newRun(
  ctx: TenantContext,
  kind: BillingRunKind,
  period: string | null,
  through: string,
  status: BillingRunStatus,
) {
  const now = new Date();
  return ctx.em.create(BillingRun, {
    tenantId: ctx.tenant.id,
    kind,
    period,
    throughDate: through,
    status,
    requestedBy: ctx.viewer.subject ?? 'system',
    invoicesCreated: 0,
    chargesInvoiced: 0,
    amountInvoiced: 0,
    startedAt: now,
    finishedAt: now,
  });
}
