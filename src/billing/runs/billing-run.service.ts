import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { addDays, monthBounds, todayIn } from '../../shared/dates';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { InvoiceKind } from '../invoices/invoice.entity';
import { BillingRunKind, BillingRunStatus } from './billing-run.entity';
import { issueInvoices, newRun, type IssueOptions } from './issue-invoices';
import { day, msg } from '../../shared/i18n';
import { chargePlacementMonth } from '../../placements/billing/monthly-charges';
import { tenantToChange } from '../../tenants/tenants.service';

/** What a run returns: the run's id (its record says what it did). */
export interface RunDone {
  runId: string;
}

/**
 * The month-end billing run (tenant admins, or the scheduler at each month end in the tenant's
 * time zone): one invoice per family for the month's uninvoiced charges (and any older ones left
 * behind). While billing is suspended it issues nothing and says so; charges keep accruing.
 * `hooks` are for the benchmark's progress and the tests' simulated crash.
 */
export function runBilling(
  ctx: TenantContext,
  input: { period: string; idempotencyKey: string },
  hooks: Pick<IssueOptions, 'afterBatch' | 'batchSize'> = {},
): Promise<Outcome<RunDone>> {
  const { tenant } = ctx;
  const { to } = monthBounds(input.period);
  const today = todayIn(tenant.timeZone, ctx.now());
  if (to >= today) {
    return Promise.resolve(
      refuse(
        UserErrorCode.INVALID,
        msg('billing.periodNotOver', { period: input.period, today: day(today) }),
        ['period'],
      ),
    );
  }
  return monthly(ctx, { ...input, to, hooks });
}

const monthly = idempotentMutation(
  'runBilling',
  async (
    ctx: TenantContext,
    input: { period: string; to: string; hooks: Pick<IssueOptions, 'afterBatch' | 'batchSize'> },
  ): Promise<Outcome<RunDone>> => {
    // Childcare placements accrue their month's charge first (suspended or not: charges accrue).
    await chargePlacementMonth(ctx, input.period);
    if (ctx.tenant.config.billingSuspended) {
      const run = newRun(ctx, BillingRunKind.MONTHLY, input.period, input.to, BillingRunStatus.SUSPENDED);
      await ctx.em.flush();
      return done({ runId: run.id });
    }
    const run = newRun(ctx, BillingRunKind.MONTHLY, input.period, input.to, BillingRunStatus.COMPLETED);
    await ctx.em.flush();
    await issueInvoices(ctx, {
      kind: InvoiceKind.INVOICE,
      period: input.period,
      through: input.to,
      run,
      ...input.hooks,
    });
    audit(ctx, {
      action: 'BILLING_RUN',
      subjectId: run.id,
      details: { period: input.period, invoices: run.invoicesCreated },
    });
    await ctx.em.flush();
    return done({ runId: run.id });
  },
);

/**
 * Ends a billing suspension (tenant admins): one catch-up invoice per family groups every charge
 * left uninvoiced up to `through` (default: the end of last month), lines by month and service;
 * the families can then spread it with a payment plan. Charges after `through` wait for the next
 * monthly run. Retry-safe with the idempotency key.
 */
export function resumeBilling(
  ctx: TenantContext,
  input: { through?: string | null; idempotencyKey: string },
): Promise<Outcome<RunDone>> {
  const today = todayIn(ctx.tenant.timeZone, ctx.now());
  const through = input.through ?? addDays(`${today.slice(0, 7)}-01`, -1);
  return catchUp(ctx, { through, idempotencyKey: input.idempotencyKey });
}

const catchUp = idempotentMutation(
  'resumeBilling',
  async (ctx: TenantContext, input: { through: string }): Promise<Outcome<RunDone>> => {
    const tenant = await tenantToChange(ctx);
    if (!tenant.config.billingSuspended)
      return refuse(UserErrorCode.INVALID, msg('billing.notSuspended'), []);
    if (input.through >= todayIn(tenant.timeZone, ctx.now())) {
      return refuse(UserErrorCode.INVALID, msg('billing.catchUpPast'), ['through']);
    }
    const run = newRun(ctx, BillingRunKind.CATCH_UP, null, input.through, BillingRunStatus.COMPLETED);
    await ctx.em.flush();
    await issueInvoices(ctx, { kind: InvoiceKind.CATCH_UP, period: null, through: input.through, run });
    const since = tenant.config.billingSuspendedSince;
    tenant.config.billingSuspended = false;
    tenant.config.billingSuspendedSince = null;
    audit(ctx, {
      action: 'BILLING_RESUMED',
      subjectId: run.id,
      details: { since, through: input.through, invoices: run.invoicesCreated, amount: run.amountInvoiced },
    });
    await ctx.em.flush();
    return done({ runId: run.id });
  },
);

/**
 * Suspends billing (tenant admins): runs issue nothing until resumeBilling; charges keep accruing.
 * Audited. Suspending a suspended tenant changes nothing and says so.
 */
export async function suspendBilling(
  ctx: TenantContext,
  input: { since?: string | null },
): Promise<Outcome<true>> {
  const tenant = await tenantToChange(ctx);
  if (tenant.config.billingSuspended) {
    const since = tenant.config.billingSuspendedSince;
    return refuse(
      UserErrorCode.INVALID,
      since
        ? msg('billing.alreadySuspended', { since: day(since) })
        : msg('billing.alreadySuspendedSinceUnknown'),
      [],
      since ? { date: since } : {},
    );
  }
  tenant.config.billingSuspended = true;
  tenant.config.billingSuspendedSince = input.since ?? todayIn(tenant.timeZone, ctx.now());
  audit(ctx, { action: 'BILLING_SUSPENDED', details: { since: tenant.config.billingSuspendedSince } });
  await ctx.em.flush();
  return done(true);
}
