import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { todayIn } from '../../shared/dates';
import { msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { BillingRunKind, BillingRunStatus, type BillingRun } from '../runs/billing-run.entity';
import { newRun, takeBillingLock } from '../runs/issue-invoices';
import { fillCorrectiveDraft } from './build';

/**
 * Builds a corrective run as a draft (staff) from every pending correction: per invoice
 * corrected, the credit note and the replacement invoice it would issue, with their lines and
 * warnings. Nothing is numbered, no document written; promoteBillingRun issues it whole.
 */
export const draftCorrectiveRun = idempotentMutation(
  'draftCorrectiveRun',
  async (ctx: TenantContext, _input: object): Promise<Outcome<{ runId: string }>> => {
    await takeBillingLock(ctx);
    const [{ n }] = await ctx.em.execute<{ n: number }[]>(
      `select count(*)::int as n from charge_corrections where tenant_id = ? and billing_run_id is null`,
      [ctx.tenant.id],
      'all',
      ctx.em.getLoggerContext(),
    );
    if (n === 0) return refuse(UserErrorCode.INVALID, msg('correction.nonePending'), []);
    const today = todayIn(ctx.tenant.timeZone, ctx.now());
    const run = newRun(ctx, BillingRunKind.CORRECTIVE, null, today, BillingRunStatus.DRAFT);
    await ctx.em.flush();
    await fillCorrectiveDraft(ctx, run);
    audit(ctx, {
      action: 'BILLING_DRAFTED',
      subjectId: run.id,
      details: { kind: run.kind, invoices: run.invoicesCreated, change: run.amountInvoiced },
    });
    await ctx.em.flush();
    return done({ runId: run.id });
  },
);

/** rebuildBillingRun for a corrective draft (locked by the caller): exclusions kept. */
export async function rebuildCorrective(ctx: TenantContext, run: BillingRun): Promise<void> {
  const rows = await ctx.em.execute<
    { family_id: string; excluded: boolean; excluded_reason: string | null }[]
  >(
    `delete from correction_drafts where tenant_id = ? and billing_run_id = ? returning family_id, excluded, excluded_reason`,
    [ctx.tenant.id, run.id],
    'all',
    ctx.em.getLoggerContext(),
  );
  const excluded = new Map(rows.filter((r) => r.excluded).map((r) => [r.family_id, r.excluded_reason]));
  await fillCorrectiveDraft(ctx, run, excluded);
}

/** excludeFromBillingRun for a corrective draft: every correction of the family. False: none in it. */
export async function excludeCorrective(
  ctx: TenantContext,
  run: BillingRun,
  familyId: string,
  excluded: boolean,
  reason: string | null,
): Promise<boolean> {
  const rows = await ctx.em.execute<{ id: string }[]>(
    `update correction_drafts set excluded = ?, excluded_reason = ?
     where tenant_id = ? and billing_run_id = ? and family_id = ? returning id`,
    [excluded, excluded ? reason : null, ctx.tenant.id, run.id, familyId],
    'all',
    ctx.em.getLoggerContext(),
  );
  return rows.length > 0;
}

/** discardBillingRun for a corrective draft: its drafts deleted; the corrections wait for another run. */
export async function discardCorrective(ctx: TenantContext, run: BillingRun): Promise<void> {
  await ctx.em.execute(
    `delete from correction_drafts where tenant_id = ? and billing_run_id = ?`,
    [ctx.tenant.id, run.id],
    'run',
    ctx.em.getLoggerContext(),
  );
}
