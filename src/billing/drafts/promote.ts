import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { addDays, todayIn } from '../../shared/dates';
import { msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { Series, takeNumbers } from '../numbering';
import { BillingRunKind, BillingRunStatus } from '../runs/billing-run.entity';
import { afterIssue, type IssuedRow } from '../runs/issue-invoices';
import { scopeOf } from './build-draft';
import { lockedRun, notADraft, type DraftDone } from './drafts.service';
import { promoteCorrective } from '../corrections/promote-corrective';
import { tenantToChange } from '../../tenants/tenants.service';

export interface PromoteHooks {
  /** Called once everything is written, before the commit (tests simulate a crash with it). */
  beforeCommit?: () => Promise<void> | void;
}

/**
 * Issues a draft run whole, in this one transaction (tenant admins): its invoices that are not
 * excluded are numbered in one gapless block (in family order, as a direct run numbers them),
 * copied into `invoices` under their draft's id with their lines, and their charges linked; then
 * events, credit applied, the run COMPLETED (a catch-up ends the suspension).
 *
 * Behind the tenant's billing lock and the run's row lock: of two promotions at once, the second
 * waits and then finds the run COMPLETED — refused, nothing taken. A crash anywhere rolls back
 * everything, numbers included: the draft is still a draft. A draft whose charges changed since
 * it was built (invoiced elsewhere, repriced, removed) is refused before anything is written:
 * rebuild it first.
 */
export function promoteBillingRun(
  ctx: TenantContext,
  input: { runId: string; idempotencyKey: string },
  hooks: PromoteHooks = {},
): Promise<Outcome<DraftDone>> {
  return promote(ctx, { ...input, hooks });
}

const promote = idempotentMutation(
  'promoteBillingRun',
  async (ctx: TenantContext, input: { runId: string; hooks: PromoteHooks }): Promise<Outcome<DraftDone>> => {
    const tenant = await tenantToChange(ctx);
    const run = await lockedRun(ctx, input.runId);
    if (run?.status !== BillingRunStatus.DRAFT) return notADraft(run);
    if (run.kind === BillingRunKind.CORRECTIVE) return promoteCorrective(ctx, run, input.hooks.beforeCommit);
    const log = ctx.em.getLoggerContext();
    const params = [tenant.id, run.id];
    const included = `d.tenant_id = ? and d.billing_run_id = ? and not d.excluded`;

    // The charges the draft takes, locked; then the drafts whose charges are no longer as built.
    await ctx.em.execute(
      `with locked as (select c.id from charges c
         where c.tenant_id = ? and c.id in (select unnest(d.charge_ids) from billing_draft_invoices d where ${included})
         for update)
       select count(*) from locked`,
      [tenant.id, ...params],
      'all',
      log,
    );
    const [stale] = await ctx.em.execute<{ n: number }[]>(
      `select count(*)::int as n from billing_draft_invoices d
       cross join lateral (select count(*)::int as n, coalesce(sum(c.amount), 0)::int as s from charges c
         where c.tenant_id = d.tenant_id and c.id = any (d.charge_ids) and c.invoice_id is null) x
       where ${included} and (x.n <> cardinality(d.charge_ids) or x.s <> d.total)`,
      params,
      'all',
      log,
    );
    if (stale.n > 0) {
      return refuse(UserErrorCode.INVALID, msg('draft.stale', { families: stale.n }), ['runId'], {
        reason: 'STALE_DRAFT',
      });
    }

    const scope = scopeOf(run);
    const issueDate = todayIn(tenant.timeZone, ctx.now());
    const [{ n: count }] = await ctx.em.execute<{ n: number }[]>(
      `select count(*)::int as n from billing_draft_invoices d where ${included}`,
      params,
      'all',
      log,
    );
    let issued: IssuedRow[] = [];
    if (count > 0) {
      const block = await takeNumbers(ctx, Series.INVOICE, issueDate, count);
      const prefix = block.year ? `${block.series}${block.year}-` : `${block.series}-`;
      issued = await ctx.em.execute<IssuedRow[]>(
        `insert into invoices (id, tenant_id, family_id, kind, series, year, sequence, number, period,
           period_from, period_to, issue_date, due_date, issued_at, total, currency, billing_run_id)
         select d.id, d.tenant_id, d.family_id, ?::invoice_kind, ?, ?, d.seq,
                ? || case when d.seq < 1000000 then lpad(d.seq::text, 6, '0') else d.seq::text end,
                ?, d.period_from, d.period_to, ?::date, ?::date, now(), d.total, ?, d.billing_run_id
         from (select d.*, ? + row_number() over (order by d.family_id) - 1 as seq
               from billing_draft_invoices d where ${included}) d
         returning id, family_id, number, total`,
        [
          scope.kind,
          block.series,
          block.year,
          prefix,
          scope.period,
          issueDate,
          addDays(issueDate, tenant.config.invoiceDueDays),
          tenant.currency,
          block.first,
          ...params,
        ],
        'all',
        log,
      );
      await ctx.em.execute(
        `insert into invoice_lines (id, tenant_id, invoice_id, position, month, service_id, label, quantity, unit_price, amount)
         select l.id, l.tenant_id, l.draft_invoice_id, l.position, l.month, l.service_id, l.label, l.quantity, l.unit_price, l.amount
         from billing_draft_lines l join billing_draft_invoices d on d.tenant_id = l.tenant_id and d.id = l.draft_invoice_id
         where ${included}`,
        params,
        'run',
        log,
      );
      await ctx.em.execute(
        `update charges c set invoice_id = d.id
         from (select d.id, unnest(d.charge_ids) as charge_id from billing_draft_invoices d where ${included}) d
         where c.tenant_id = ? and c.id = d.charge_id`,
        [...params, tenant.id],
        'run',
        log,
      );
      await afterIssue(ctx, scope.kind, issued, true);
    }

    run.status = BillingRunStatus.COMPLETED;
    run.invoicesCreated = issued.length;
    run.amountInvoiced = issued.reduce((sum, i) => sum + Number(i.total), 0);
    const [{ n: charges }] = await ctx.em.execute<{ n: number }[]>(
      `select coalesce(sum(cardinality(d.charge_ids)), 0)::int as n from billing_draft_invoices d where ${included}`,
      params,
      'all',
      log,
    );
    run.chargesInvoiced = charges;
    run.promotedAt = ctx.now();
    run.promotedBy = ctx.viewer.subject ?? 'system';
    run.finishedAt = new Date();
    if (run.kind === BillingRunKind.CATCH_UP && tenant.config.billingSuspended) {
      audit(ctx, {
        action: 'BILLING_RESUMED',
        subjectId: run.id,
        details: { since: tenant.config.billingSuspendedSince, through: run.throughDate },
      });
      tenant.config.billingSuspended = false;
      tenant.config.billingSuspendedSince = null;
    }
    audit(ctx, {
      action: 'BILLING_RUN_PROMOTED',
      subjectId: run.id,
      details: { kind: run.kind, invoices: run.invoicesCreated, amount: run.amountInvoiced },
    });
    await ctx.em.flush();
    await input.hooks.beforeCommit?.();
    return done({ runId: run.id });
  },
);
