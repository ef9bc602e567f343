import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { audit } from '../audit/audit.service';
import { Role } from '../auth/viewer';
import { Service } from '../facilities/service.entity';
import { CONFLICT, idempotencyConflict, idempotent } from '../idempotency/idempotency.service';
import { ChargeReason } from '../reservations/charge.entity';
import { addDays, parseLocalDate, todayIn } from '../shared/dates';
import { ForbiddenError } from '../shared/errors';
import { requireTenant, type ServiceContext } from '../shared/service-context';
import { userError, UserErrorCode, type UserErrorData } from '../shared/user-errors';
import { BillingRun, BillingRunKind, BillingRunStatus } from './billing-run.entity';
import { InvoiceKind } from './invoice.entity';
import { lockAccount, settleAccount } from './ledger';
import { formatNumber, Series, takeNumbers } from './numbering';

/** Families invoiced per batch: bounded memory whatever the tenant's size. */
export const BILLING_BATCH_SIZE = 500;

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** How charges read on an invoice line (the documents are in the tenants' language). */
const REASON_LABELS: Record<ChargeReason, string> = {
  [ChargeReason.ATTENDED]: '',
  [ChargeReason.WALK_IN]: 'sans réservation',
  [ChargeReason.LATE_CANCELLATION]: 'annulation tardive',
  [ChargeReason.UNJUSTIFIED_ABSENCE]: 'absence non justifiée',
  [ChargeReason.BILLABLE_ABSENCE]: 'absence facturée',
  [ChargeReason.CONSUMPTION]: 'consommation',
};

export function assertCanRunBilling(ctx: ServiceContext): void {
  requireTenant(ctx);
  if (!ctx.viewer.roles.includes(Role.TENANT_ADMIN)) {
    throw new ForbiddenError('Only tenant administrators run billing.');
  }
}

/** First and last day of a YYYY-MM period. */
export function periodBounds(period: string): { from: string; to: string } {
  const match = PERIOD.exec(period);
  if (!match) throw new Error(`Not a period: ${period}`);
  const start = DateTime.fromObject(
    { year: Number(match[1]), month: Number(match[2]), day: 1 },
    { zone: 'UTC' },
  );
  return { from: start.toISODate()!, to: start.endOf('month').toISODate()! };
}

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
export async function issueInvoices(ctx: ServiceContext, options: IssueOptions): Promise<BillingRun> {
  const tenant = requireTenant(ctx);
  const { run } = options;
  const batchSize = options.batchSize ?? BILLING_BATCH_SIZE;
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
  if (options.from) parseLocalDate(options.from, 'from');
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
        period_from: options.from ?? (options.period ? periodBounds(options.period).from : dates[0]),
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

    // Deposits and other credit go onto the new invoices at once.
    // A regularisation takes the year's water debits first (they are earmarked for it).
    const withCredit = await familiesWithCredit(ctx, billed);
    for (const familyId of withCredit) {
      await lockAccount(ctx, familyId);
      const invoice = invoices.find((i) => i.family_id === familyId);
      await settleAccount(ctx, familyId, consumption && invoice ? { first: [invoice.id as string] } : {});
    }

    run.invoicesCreated += billed.length;
    run.chargesInvoiced += charges.length;
    run.amountInvoiced += charges.reduce((sum, c) => sum + c.amount, 0);
    await options.afterBatch?.(run.invoicesCreated);
  }
  run.finishedAt = new Date();
  return run;
}

/** Of these families, those with unallocated money. */
async function familiesWithCredit(ctx: ServiceContext, familyIds: string[]): Promise<string[]> {
  const tenant = requireTenant(ctx);
  const rows = await ctx.em.execute<{ family_id: string }[]>(
    `select f.id as family_id from (select value::uuid as id from json_array_elements_text(?::json)) f
     where coalesce((select sum(amount) from payments p where p.tenant_id = ? and p.family_id = f.id), 0)
         + coalesce((select sum(total) from invoices i where i.tenant_id = ? and i.family_id = f.id and i.kind = 'CREDIT_NOTE'), 0)
         > coalesce((select sum(amount) from allocations a where a.tenant_id = ? and a.family_id = f.id), 0)`,
    [JSON.stringify(familyIds), tenant.id, tenant.id, tenant.id],
    'all',
    ctx.em.getLoggerContext(),
  );
  return rows.map((r) => r.family_id);
}

/** A run's record, written before its invoices (they name it). */
export function newRun(
  ctx: ServiceContext,
  kind: BillingRunKind,
  period: string | null,
  through: string,
  status: BillingRunStatus,
) {
  const tenant = requireTenant(ctx);
  const now = new Date();
  return ctx.em.create(BillingRun, {
    tenantId: tenant.id,
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

export interface RunResult {
  run: BillingRun | null;
  userErrors: UserErrorData[];
}

/**
 * The month-end billing run (tenant admins, or the scheduler at each month end in the tenant's
 * time zone): one invoice per family for the period's uninvoiced charges (and any older ones left
 * behind). While billing is suspended it issues nothing and says so; charges keep accruing.
 */
export async function runBilling(
  ctx: ServiceContext,
  input: { period: string; idempotencyKey: string },
  hooks: Pick<IssueOptions, 'afterBatch' | 'batchSize'> = {},
): Promise<RunResult> {
  const tenant = requireTenant(ctx);
  assertCanRunBilling(ctx);
  if (!PERIOD.test(input.period)) {
    return { run: null, userErrors: [userError(UserErrorCode.INVALID, 'A period is YYYY-MM.', ['period'])] };
  }
  const { to } = periodBounds(input.period);
  const today = todayIn(tenant.timeZone, ctx.now());
  if (to >= today) {
    return {
      run: null,
      userErrors: [
        userError(UserErrorCode.INVALID, `${input.period} is not over yet (${today}).`, ['period']),
      ],
    };
  }
  const result = await idempotent(ctx, 'runBilling', input.idempotencyKey, input.period, async () => {
    if (tenant.config.billingSuspended) {
      const run = newRun(ctx, BillingRunKind.MONTHLY, input.period, to, BillingRunStatus.SUSPENDED);
      await ctx.em.flush();
      return run.id;
    }
    const run = newRun(ctx, BillingRunKind.MONTHLY, input.period, to, BillingRunStatus.COMPLETED);
    await ctx.em.flush();
    await issueInvoices(ctx, {
      kind: InvoiceKind.INVOICE,
      period: input.period,
      through: to,
      run,
      ...hooks,
    });
    audit(ctx, {
      action: 'BILLING_RUN',
      subjectId: run.id,
      details: { period: input.period, invoices: run.invoicesCreated },
    });
    await ctx.em.flush();
    return run.id;
  });
  if (result === CONFLICT) return { run: null, userErrors: [idempotencyConflict()] };
  return { run: await ctx.em.findOneOrFail(BillingRun, { id: result }), userErrors: [] };
}

/**
 * Ends a billing suspension: one catch-up invoice per family groups every charge left uninvoiced
 * up to `through` (default: the end of last month), lines by month and service; the families can
 * then spread it with a payment plan. Charges after `through` wait for the next monthly run.
 */
export async function resumeBilling(
  ctx: ServiceContext,
  input: { through?: string | null; idempotencyKey: string },
): Promise<RunResult> {
  const tenant = requireTenant(ctx);
  assertCanRunBilling(ctx);
  const today = todayIn(tenant.timeZone, ctx.now());
  const through = input.through
    ? parseLocalDate(input.through, 'through')
    : DateTime.fromISO(today, { zone: 'UTC' }).startOf('month').minus({ days: 1 }).toISODate()!;
  const result = await idempotent(ctx, 'resumeBilling', input.idempotencyKey, through, async () => {
    if (!tenant.config.billingSuspended) {
      return {
        runId: null,
        userErrors: [userError(UserErrorCode.INVALID, 'Billing is not suspended.', [])],
      };
    }
    if (through >= today) {
      return {
        runId: null,
        userErrors: [userError(UserErrorCode.INVALID, 'Catch up to a past day only.', ['through'])],
      };
    }
    const run = newRun(ctx, BillingRunKind.CATCH_UP, null, through, BillingRunStatus.COMPLETED);
    await ctx.em.flush();
    await issueInvoices(ctx, { kind: InvoiceKind.CATCH_UP, period: null, through, run });
    const since = tenant.config.billingSuspendedSince;
    tenant.config.billingSuspended = false;
    tenant.config.billingSuspendedSince = null;
    audit(ctx, {
      action: 'BILLING_RESUMED',
      subjectId: run.id,
      details: { since, through, invoices: run.invoicesCreated, amount: run.amountInvoiced },
    });
    await ctx.em.flush();
    return { runId: run.id, userErrors: [] as UserErrorData[] };
  });
  if (result === CONFLICT) return { run: null, userErrors: [idempotencyConflict()] };
  return {
    run: result.runId ? await ctx.em.findOneOrFail(BillingRun, { id: result.runId }) : null,
    userErrors: result.userErrors,
  };
}

/** Suspends billing (tenant admins): runs issue nothing until resumeBilling. Audited. */
export async function suspendBilling(ctx: ServiceContext, input: { since?: string | null }): Promise<void> {
  const tenant = requireTenant(ctx);
  assertCanRunBilling(ctx);
  if (tenant.config.billingSuspended) return;
  tenant.config.billingSuspended = true;
  tenant.config.billingSuspendedSince = input.since
    ? parseLocalDate(input.since, 'since')
    : todayIn(tenant.timeZone, ctx.now());
  audit(ctx, { action: 'BILLING_SUSPENDED', details: { since: tenant.config.billingSuspendedSince } });
  await ctx.em.flush();
}
