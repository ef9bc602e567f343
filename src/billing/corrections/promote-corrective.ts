import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { addDays, todayIn } from '../../shared/dates';
import { msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { InvoiceKind } from '../invoices/invoice.entity';
import { lockAccount, settleAccount } from '../ledger';
import { formatNumber, Series, takeNumbers } from '../numbering';
import { BillingRunStatus, type BillingRun } from '../runs/billing-run.entity';
import { afterIssue, type IssuedRow } from '../runs/issue-invoices';
import type { CorrectionLine } from './build';
import { FINGERPRINT } from './build';

interface DraftRow {
  id: string;
  family_id: string;
  corrected_invoice_id: string;
  credit_note_id: string;
  replacement_id: string;
  credit_total: number;
  replacement_total: number;
  credit_lines: CorrectionLine[];
  replacement_lines: CorrectionLine[];
  reasons: string;
  period_from: string;
  period_to: string;
  number: string;
}

/**
 * Issues a corrective draft (promoteBillingRun on a CORRECTIVE run; the caller holds the
 * tenant's billing lock and the run's row): its credit notes numbered in one gapless block of
 * the credit notes' series, its replacements in one block of the invoices' series (both in
 * family then invoice order), written with their lines; the corrections marked issued; each
 * family's credit note settling the invoice it corrects first, then the replacement. Refused
 * before anything is written when a correction changed since the build (rebuild), an invoice
 * cannot be credited that much any more or was handed over to the treasury (exclude it). A crash rolls everything back.
 */
export async function promoteCorrective(
  ctx: TenantContext,
  run: BillingRun,
  beforeCommit?: () => Promise<void> | void,
): Promise<Outcome<{ runId: string }>> {
  const { tenant } = ctx;
  const log = ctx.em.getLoggerContext();
  const params = [tenant.id, run.id];
  const included = `d.tenant_id = ? and d.billing_run_id = ? and not d.excluded`;

  // The corrections, locked; then the drafts whose corrections are no longer as built.
  const [stale] = await ctx.em.execute<{ n: number }[]>(
    `with locked as (select k.id from charge_corrections k where k.tenant_id = ?
       and k.id in (select unnest(d.correction_ids) from correction_drafts d where ${included}) for update)
     select count(*)::int as n from correction_drafts d
     cross join lateral (select count(*)::int as n, ${FINGERPRINT} as fingerprint from charge_corrections k
       where k.tenant_id = d.tenant_id and k.id = any (d.correction_ids) and k.billing_run_id is null
         and k.id in (select id from locked)) x
     where ${included} and (x.n <> cardinality(d.correction_ids) or x.fingerprint is distinct from d.fingerprint)`,
    [tenant.id, ...params, ...params],
    'all',
    log,
  );
  if (stale.n > 0) {
    return refuse(UserErrorCode.INVALID, msg('correction.stale', { invoices: stale.n }), ['runId'], {
      reason: 'STALE_DRAFT',
    });
  }
  // An invoice handed over since (or before) the build: the treasury collects it; no credit note on it here.
  const [handedOver] = await ctx.em.execute<{ n: number }[]>(
    `select count(*)::int as n from correction_drafts d
     where ${included} and exists (select 1 from treasury_handovers h
       where h.tenant_id = d.tenant_id and h.invoice_id = d.corrected_invoice_id)`,
    params,
    'all',
    log,
  );
  if (handedOver.n > 0) {
    return refuse(
      UserErrorCode.INVALID,
      msg('correction.handedOver', { invoices: handedOver.n }),
      ['runId'],
      {
        reason: 'HANDED_OVER',
      },
    );
  }
  const drafts = await ctx.em.execute<DraftRow[]>(
    `select d.id, d.family_id, d.corrected_invoice_id, d.credit_note_id, d.replacement_id, d.credit_total,
            d.replacement_total, d.credit_lines, d.replacement_lines, d.reasons, i.number,
            to_char(i.period_from, 'YYYY-MM-DD') as period_from, to_char(i.period_to, 'YYYY-MM-DD') as period_to,
            d.credit_total > i.total - coalesce((select sum(n.total) from invoices n where n.tenant_id = i.tenant_id
              and n.credited_invoice_id = i.id), 0) or 'ALREADY_CREDITED' = any (d.warnings) as over
     from correction_drafts d join invoices i on i.tenant_id = d.tenant_id and i.id = d.corrected_invoice_id
     where ${included} order by d.family_id, i.series, i.year, i.sequence`,
    params,
    'all',
    log,
  );
  const over = drafts.filter((d) => (d as DraftRow & { over: boolean }).over).length;
  if (over > 0) {
    return refuse(UserErrorCode.INVALID, msg('correction.alreadyCredited', { invoices: over }), ['runId'], {
      reason: 'ALREADY_CREDITED',
    });
  }

  const issueDate = todayIn(tenant.timeZone, ctx.now());
  const dueDate = addDays(issueDate, tenant.config.invoiceDueDays);
  const credits = drafts.filter((d) => d.credit_total > 0);
  const replacements = drafts.filter((d) => d.replacement_lines.length > 0);
  const documents: Record<string, unknown>[] = [];
  const lines: Record<string, unknown>[] = [];
  const number = async (series: Series, list: DraftRow[], kind: InvoiceKind) => {
    if (!list.length) return;
    const block = await takeNumbers(ctx, series, issueDate, list.length);
    list.forEach((d, index) => {
      const credit = kind === InvoiceKind.CREDIT_NOTE;
      const id = credit ? d.credit_note_id : d.replacement_id;
      const sequence = block.first + index;
      documents.push({
        id,
        family_id: d.family_id,
        kind,
        series: block.series,
        year: block.year,
        sequence,
        number: formatNumber(block.series, block.year, sequence),
        period_from: d.period_from,
        period_to: d.period_to,
        due_date: credit ? issueDate : dueDate,
        total: credit ? d.credit_total : d.replacement_total,
        credited_invoice_id: credit ? d.corrected_invoice_id : null,
        corrects_invoice_id: credit ? null : d.corrected_invoice_id,
        reason: d.reasons,
      });
      for (const line of credit ? d.credit_lines : d.replacement_lines) {
        lines.push({ ...line, invoice_id: id, credited_line_id: line.creditedLineId ?? null });
      }
    });
  };
  await number(Series.CREDIT_NOTE, credits, InvoiceKind.CREDIT_NOTE);
  await number(Series.INVOICE, replacements, InvoiceKind.REPLACEMENT);

  if (documents.length) {
    await ctx.em.execute(
      `insert into invoices (id, tenant_id, family_id, kind, series, year, sequence, number, period, period_from,
         period_to, issue_date, due_date, issued_at, total, currency, billing_run_id, credited_invoice_id,
         corrects_invoice_id, reason)
       select v.id, ?, v.family_id, v.kind::invoice_kind, v.series, v.year, v.sequence, v.number, null, v.period_from,
              v.period_to, ?::date, v.due_date, now(), v.total, ?, ?, v.credited_invoice_id, v.corrects_invoice_id, v.reason
       from json_to_recordset(?::json) as v(id uuid, family_id uuid, kind text, series text, year int, sequence int,
         number text, period_from date, period_to date, due_date date, total int, credited_invoice_id uuid,
         corrects_invoice_id uuid, reason text)`,
      [tenant.id, issueDate, tenant.currency, run.id, JSON.stringify(documents)],
      'run',
      log,
    );
    await ctx.em.execute(
      `insert into invoice_lines (id, tenant_id, invoice_id, position, month, service_id, label, quantity, unit_price,
         amount, credited_line_id)
       select gen_random_uuid(), ?, v.invoice_id, v.position, v.month, v."serviceId", v.label, v.quantity,
              v."unitPrice", v.amount, v.credited_line_id
       from json_to_recordset(?::json) as v(invoice_id uuid, position int, month text, "serviceId" uuid, label text,
         quantity int, "unitPrice" int, amount int, credited_line_id uuid)`,
      [tenant.id, JSON.stringify(lines)],
      'run',
      log,
    );
  }
  // The corrections issued: each names its run, its credit note and (unless cancelled) its replacement.
  await ctx.em.execute(
    `update charge_corrections k set billing_run_id = d.billing_run_id,
       credit_note_id = case when d.credit_total > 0 then d.credit_note_id end,
       replacement_id = case when k.new_unit_price is not null then d.replacement_id end
     from correction_drafts d
     where ${included} and k.tenant_id = d.tenant_id and k.id = any (d.correction_ids)`,
    params,
    'run',
    log,
  );
  for (const familyId of [...new Set(drafts.map((d) => d.family_id))]) {
    const mine = drafts.filter((d) => d.family_id === familyId);
    await lockAccount(ctx, familyId);
    await settleAccount(ctx, familyId, {
      first: [...mine.map((d) => d.corrected_invoice_id), ...mine.map((d) => d.replacement_id)],
    });
  }
  const issued = documents.filter((d) => d.kind === InvoiceKind.REPLACEMENT) as unknown as IssuedRow[];
  if (issued.length) await afterIssue(ctx, InvoiceKind.REPLACEMENT, issued, false);

  run.status = BillingRunStatus.COMPLETED;
  run.invoicesCreated = documents.length;
  run.promotedAt = ctx.now();
  run.promotedBy = ctx.viewer.subject ?? 'system';
  run.finishedAt = new Date();
  audit(ctx, {
    action: 'BILLING_RUN_PROMOTED',
    subjectId: run.id,
    details: {
      kind: run.kind,
      creditNotes: credits.length,
      replacements: replacements.length,
      change: drafts.reduce((sum, d) => sum + d.replacement_total - d.credit_total, 0),
    },
  });
  await ctx.em.flush();
  await beforeCommit?.();
  return done({ runId: run.id });
}
