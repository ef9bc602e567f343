import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../auth/context';
import { emitEvents, gid } from '../../events/emit';
import { addDays, monthBounds, todayIn } from '../../shared/dates';
import { InvoiceKind } from '../invoices/invoice.entity';
import { lockAccount, settleAccount } from '../ledger';
import { formatNumber, Series, takeNumbers } from '../numbering';
import { BillingRun, type BillingRunKind, type BillingRunStatus } from './billing-run.entity';
import { chargesOf, composeInvoice, nextFamilies, serviceNamesOf, type GatherScope } from './compose';

/** Families invoiced per batch: bounded memory whatever the tenant's size. */
export const BILLING_BATCH_SIZE = 500;

export interface IssueOptions extends GatherScope {
  run: BillingRun;
  batchSize?: number;
  /** Called after each batch (the benchmark's progress; tests simulate a crash with it). */
  afterBatch?: (invoicesSoFar: number) => Promise<void> | void;
}

/**
 * What every billing run does first: it may wait for another run of the tenant and takes a while
 * (not the request path's limits), and holds the tenant's billing lock until it commits.
 */
export async function takeBillingLock(ctx: TenantContext): Promise<void> {
  await ctx.em.execute(
    `select set_config('lock_timeout', '120s', true), set_config('statement_timeout', '0', true)`,
    [],
    'all',
    ctx.em.getLoggerContext(),
  );
  await ctx.em.execute(
    `select pg_advisory_xact_lock(hashtextextended('guichet:billing:' || ?, 0))`,
    [ctx.tenant.id],
    'all',
    ctx.em.getLoggerContext(),
  );
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
  await takeBillingLock(ctx);
  const issueDate = todayIn(tenant.timeZone, ctx.now());
  const dueDate = addDays(issueDate, tenant.config.invoiceDueDays);
  const serviceNames = await serviceNamesOf(ctx);
  let afterFamily = '00000000-0000-0000-0000-000000000000';

  for (;;) {
    const familyIds = await nextFamilies(ctx, options, afterFamily, batchSize);
    if (familyIds.length === 0) break;
    afterFamily = familyIds[familyIds.length - 1];

    // Lock exactly the charges billed: a roll call correcting one of them waits, a new one waits for next time.
    const { charges, byFamily } = await chargesOf(ctx, options, familyIds, true);
    const billed = [...byFamily.keys()];
    if (billed.length === 0) continue;
    const block = await takeNumbers(ctx, Series.INVOICE, issueDate, billed.length);

    const invoices: IssuedRow[] = [];
    const lines: Record<string, unknown>[] = [];
    const chargeInvoice: { id: string; invoice_id: string }[] = [];
    billed.forEach((familyId, index) => {
      const rows = byFamily.get(familyId)!;
      const invoiceId = randomUUID();
      const sequence = block.first + index;
      const composed = composeInvoice(rows, serviceNames);
      for (const row of rows) chargeInvoice.push({ id: row.id, invoice_id: invoiceId });
      invoices.push({
        id: invoiceId,
        family_id: familyId,
        year: block.year,
        sequence,
        number: formatNumber(block.series, block.year, sequence),
        period: options.kind === InvoiceKind.INVOICE ? options.period : null,
        period_from: options.from ?? (options.period ? monthBounds(options.period).from : composed.firstDate),
        period_to: options.through,
        total: composed.total,
      });
      for (const line of composed.lines) {
        lines.push({
          id: randomUUID(),
          invoice_id: invoiceId,
          position: line.position,
          month: line.month,
          service_id: line.serviceId,
          label: line.label,
          quantity: line.quantity,
          unit_price: line.unitPrice,
          amount: line.amount,
        });
      }
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
    await afterIssue(ctx, options.kind, invoices, run.invoicesCreated === 0);
    run.invoicesCreated += billed.length;
    run.chargesInvoiced += charges.length;
    run.amountInvoiced += charges.reduce((sum, c) => sum + c.amount, 0);
    await options.afterBatch?.(run.invoicesCreated);
  }
  run.finishedAt = new Date();
  return run;
}

/** An invoice just inserted, as the events and the credit need it. */
export interface IssuedRow {
  id: string;
  family_id: string;
  number: string;
  total: number;
  [column: string]: unknown;
}

/**
 * What follows the insertion of invoices (a direct run's batch, or a promoted draft): the
 * `invoice.issued` events, the families' credit applied to them (a regularisation takes the
 * year's water debits first: they are earmarked for it), and, after the first batch, statistics
 * for the tables the run fills (see the migration BillingStatistics) so the next batches are
 * planned for what they really hold.
 */
export async function afterIssue(
  ctx: TenantContext,
  kind: InvoiceKind,
  invoices: IssuedRow[],
  firstBatch: boolean,
): Promise<void> {
  const { tenant } = ctx;
  await emitEvents(
    ctx,
    invoices.map((invoice) => {
      const invoiceId = gid('Invoice', invoice.id);
      return {
        type: 'invoice.issued' as const,
        aggregateId: invoiceId,
        data: {
          invoiceId,
          familyId: gid('Family', invoice.family_id),
          kind,
          number: invoice.number,
          total: invoice.total,
          currency: tenant.currency,
        },
      };
    }),
  );
  const consumption = kind === InvoiceKind.REGULARISATION;
  const byFamily = new Map(invoices.map((i) => [i.family_id, i.id]));
  const withCredit = await familiesWithCredit(ctx, [...byFamily.keys()]);
  for (const familyId of withCredit) {
    await lockAccount(ctx, familyId);
    const invoiceId = byFamily.get(familyId);
    await settleAccount(ctx, familyId, consumption && invoiceId ? { first: [invoiceId] } : {});
  }
  if (firstBatch) {
    await ctx.em.execute('select guichet_analyze_billing()', [], 'all', ctx.em.getLoggerContext());
  }
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
