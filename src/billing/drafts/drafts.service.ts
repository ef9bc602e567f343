import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { addDays, monthBounds, todayIn } from '../../shared/dates';
import { day, msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { BillingRun, BillingRunKind, BillingRunStatus } from '../runs/billing-run.entity';
import { newRun, takeBillingLock } from '../runs/issue-invoices';
import { fillDraft } from './build-draft';
import { DraftInvoice } from './draft-invoice.entity';
import { discardCorrective, excludeCorrective, rebuildCorrective } from '../corrections/corrective-run';

export interface DraftDone {
  runId: string;
}

export interface DraftRunInput {
  kind: BillingRunKind;
  period?: string | null;
  through?: string | null;
  year?: number | null;
  idempotencyKey: string;
}

/**
 * Builds a billing run as a draft (staff): monthly (a period that is over, billing not
 * suspended), catch-up (billing suspended; up to `through`, default the end of last month) or the
 * water regularisation (a year that is over). Every invoice with its lines and total and each
 * family's warnings; no number is taken and no charge changes. Promote it with promoteBillingRun.
 */
export function draftBillingRun(ctx: TenantContext, input: DraftRunInput): Promise<Outcome<DraftDone>> {
  const { tenant } = ctx;
  const today = todayIn(tenant.timeZone, ctx.now());
  const refused = (key: Parameters<typeof msg>[0], field: string) =>
    Promise.resolve(refuse<DraftDone>(UserErrorCode.INVALID, msg(key as never), [field]));
  let period: string | null = null;
  let through: string;
  switch (input.kind) {
    case BillingRunKind.MONTHLY: {
      if (!input.period) return refused('draft.periodRequired', 'period');
      if (tenant.config.billingSuspended) return refused('draft.monthlyWhileSuspended', 'kind');
      through = monthBounds(input.period).to;
      if (through >= today) {
        return Promise.resolve(
          refuse(
            UserErrorCode.INVALID,
            msg('billing.periodNotOver', { period: input.period, today: day(today) }),
            ['period'],
          ),
        );
      }
      period = input.period;
      break;
    }
    case BillingRunKind.CATCH_UP:
      if (!tenant.config.billingSuspended) return refused('billing.notSuspended', 'kind');
      through = input.through ?? addDays(`${today.slice(0, 7)}-01`, -1);
      if (through >= today) return refused('billing.catchUpPast', 'through');
      break;
    case BillingRunKind.WATER_REGULARISATION:
      if (!input.year) return refused('draft.yearRequired', 'year');
      through = `${input.year}-12-31`;
      if (!Number.isInteger(input.year) || input.year < 2000 || input.year >= Number(today.slice(0, 4))) {
        return refused('water.yearNotOver', 'year');
      }
      if (tenant.config.billingSuspended) return refused('billing.suspended', 'kind');
      break;
    case BillingRunKind.CORRECTIVE:
      return refused('correction.useCorrectiveRun', 'kind');
  }
  return build(ctx, { kind: input.kind, period, through, idempotencyKey: input.idempotencyKey });
}

const build = idempotentMutation(
  'draftBillingRun',
  async (
    ctx: TenantContext,
    input: { kind: BillingRunKind; period: string | null; through: string },
  ): Promise<Outcome<DraftDone>> => {
    await takeBillingLock(ctx);
    const run = newRun(ctx, input.kind, input.period, input.through, BillingRunStatus.DRAFT);
    await ctx.em.flush();
    await fillDraft(ctx, run);
    audit(ctx, {
      action: 'BILLING_DRAFTED',
      subjectId: run.id,
      details: {
        kind: input.kind,
        period: input.period,
        through: input.through,
        invoices: run.invoicesCreated,
      },
    });
    await ctx.em.flush();
    return done({ runId: run.id });
  },
);

/**
 * A run still in draft, locked for this transaction: read from PostgreSQL after the tenant's
 * billing lock, so a run promoted or discarded meanwhile is seen as such. Null when not found.
 */
export async function lockedRun(ctx: TenantContext, runId: string): Promise<BillingRun | null> {
  await takeBillingLock(ctx);
  const [row] = await ctx.em.execute<{ id: string }[]>(
    `select id from billing_runs where tenant_id = ? and id = ? for update`,
    [ctx.tenant.id, runId],
    'all',
    ctx.em.getLoggerContext(),
  );
  if (!row) return null;
  return ctx.em.findOneOrFail(BillingRun, { id: runId }, { refresh: true });
}

/** Refusal for a run that is not (or no longer) a draft. */
export function notADraft<T>(run: BillingRun | null): Outcome<T> {
  return run
    ? refuse(UserErrorCode.INVALID, msg('draft.notADraft', { status: run.status }), ['runId'])
    : refuse(UserErrorCode.NOT_FOUND, msg('draft.runNotFound'), ['runId']);
}

/**
 * Builds a draft again from today's charges (after agents corrected data): its invoices and
 * warnings are replaced, its exclusions kept for the families still in it.
 */
export const rebuildBillingRun = idempotentMutation(
  'rebuildBillingRun',
  async (ctx: TenantContext, input: { runId: string }): Promise<Outcome<DraftDone>> => {
    const run = await lockedRun(ctx, input.runId);
    if (run?.status !== BillingRunStatus.DRAFT) return notADraft(run);
    if (run.kind === BillingRunKind.CORRECTIVE) {
      await rebuildCorrective(ctx, run);
    } else {
      const excluded = await ctx.em.find(DraftInvoice, { billingRunId: run.id, excluded: true });
      const kept = new Map(excluded.map((d) => [d.familyId, d.excludedReason ?? null]));
      await ctx.em.nativeDelete(DraftInvoice, { billingRunId: run.id });
      await fillDraft(ctx, run, kept);
    }
    audit(ctx, {
      action: 'BILLING_DRAFT_REBUILT',
      subjectId: run.id,
      details: { invoices: run.invoicesCreated },
    });
    await ctx.em.flush();
    return done({ runId: run.id });
  },
);

/** Leaves a family out of a draft (or brings it back): its charges wait for a later run. */
export const excludeFromBillingRun = idempotentMutation(
  'excludeFromBillingRun',
  async (
    ctx: TenantContext,
    input: { runId: string; familyId: string; excluded: boolean; reason?: string | null },
  ): Promise<Outcome<DraftDone>> => {
    const run = await lockedRun(ctx, input.runId);
    if (run?.status !== BillingRunStatus.DRAFT) return notADraft(run);
    if (run.kind === BillingRunKind.CORRECTIVE) {
      const found = await excludeCorrective(ctx, run, input.familyId, input.excluded, input.reason ?? null);
      if (!found) return refuse(UserErrorCode.NOT_FOUND, msg('draft.familyNotInRun'), ['familyId']);
    } else {
      const draft = await ctx.em.findOne(DraftInvoice, { billingRunId: run.id, familyId: input.familyId });
      if (!draft) return refuse(UserErrorCode.NOT_FOUND, msg('draft.familyNotInRun'), ['familyId']);
      draft.excluded = input.excluded;
      draft.excludedReason = input.excluded ? (input.reason ?? null) : null;
    }
    audit(ctx, {
      action: input.excluded ? 'BILLING_DRAFT_EXCLUDED' : 'BILLING_DRAFT_INCLUDED',
      subjectId: run.id,
      familyId: input.familyId,
      details: { reason: input.reason ?? null },
    });
    await ctx.em.flush();
    return done({ runId: run.id });
  },
);

/** Gives a draft up: its draft invoices are deleted, nothing was ever issued. */
export const discardBillingRun = idempotentMutation(
  'discardBillingRun',
  async (ctx: TenantContext, input: { runId: string }): Promise<Outcome<DraftDone>> => {
    const run = await lockedRun(ctx, input.runId);
    if (run?.status !== BillingRunStatus.DRAFT) return notADraft(run);
    await ctx.em.nativeDelete(DraftInvoice, { billingRunId: run.id });
    if (run.kind === BillingRunKind.CORRECTIVE) await discardCorrective(ctx, run);
    run.status = BillingRunStatus.DISCARDED;
    run.finishedAt = new Date();
    audit(ctx, { action: 'BILLING_DRAFT_DISCARDED', subjectId: run.id });
    await ctx.em.flush();
    return done({ runId: run.id });
  },
);
