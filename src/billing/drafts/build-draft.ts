import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../auth/context';
import { addDays, monthBounds, todayIn } from '../../shared/dates';
import { InvoiceKind } from '../invoices/invoice.entity';
import { BillingRunKind, type BillingRun } from '../runs/billing-run.entity';
import { chargesOf, composeInvoice, nextFamilies, serviceNamesOf, type GatherScope } from '../runs/compose';
import { BILLING_BATCH_SIZE } from '../runs/issue-invoices';

/** What a run of this record gathers: a draft is rebuilt, and promoted, from its run alone. */
export function scopeOf(run: BillingRun): GatherScope {
  switch (run.kind) {
    case BillingRunKind.MONTHLY:
      return { kind: InvoiceKind.INVOICE, period: run.period ?? null, through: run.throughDate };
    case BillingRunKind.CATCH_UP:
      return { kind: InvoiceKind.CATCH_UP, period: null, through: run.throughDate };
    case BillingRunKind.WATER_REGULARISATION:
      return {
        kind: InvoiceKind.REGULARISATION,
        period: null,
        from: `${run.throughDate.slice(0, 4)}-01-01`,
        through: run.throughDate,
      };
    case BillingRunKind.CORRECTIVE:
      // Corrective runs gather corrections, not charges: src/billing/corrections.
      throw new Error('A corrective run has no charge scope.');
  }
}

/**
 * Fills a draft run: the invoices the direct run would issue (same gathering, same lines), in
 * batches of families, without a number and without touching a charge (read, not locked), then
 * each family's warnings in one statement. `excluded` carries the agents' exclusions across a
 * rebuild (family id → reason).
 */
export async function fillDraft(
  ctx: TenantContext,
  run: BillingRun,
  excluded: Map<string, string | null> = new Map(),
  batchSize = BILLING_BATCH_SIZE,
): Promise<void> {
  const { tenant } = ctx;
  const scope = scopeOf(run);
  const serviceNames = await serviceNamesOf(ctx);
  let afterFamily = '00000000-0000-0000-0000-000000000000';
  run.invoicesCreated = 0;
  run.chargesInvoiced = 0;
  run.amountInvoiced = 0;
  for (;;) {
    const familyIds = await nextFamilies(ctx, scope, afterFamily, batchSize);
    if (familyIds.length === 0) break;
    afterFamily = familyIds[familyIds.length - 1];
    const { charges, byFamily } = await chargesOf(ctx, scope, familyIds, false);
    const drafts: Record<string, unknown>[] = [];
    const lines: Record<string, unknown>[] = [];
    for (const [familyId, rows] of byFamily) {
      const id = randomUUID();
      const composed = composeInvoice(rows, serviceNames);
      drafts.push({
        id,
        family_id: familyId,
        period_from: scope.from ?? (scope.period ? monthBounds(scope.period).from : composed.firstDate),
        period_to: scope.through,
        oldest_charge: composed.firstDate,
        total: composed.total,
        charge_ids: rows.map((r) => r.id),
        excluded: excluded.has(familyId),
        excluded_reason: excluded.get(familyId) ?? null,
      });
      for (const line of composed.lines) {
        lines.push({ id: randomUUID(), draft_invoice_id: id, ...snake(line) });
      }
    }
    await ctx.em.execute(
      `insert into billing_draft_invoices (id, tenant_id, billing_run_id, family_id, period_from, period_to,
         oldest_charge, total, charge_ids, excluded, excluded_reason)
       select v.id, ?, ?, v.family_id, v.period_from, v.period_to, v.oldest_charge, v.total,
              array(select json_array_elements_text(v.charge_ids)::uuid), v.excluded, v.excluded_reason
       from json_to_recordset(?::json) as v(id uuid, family_id uuid, period_from date, period_to date,
         oldest_charge date, total int, charge_ids json, excluded boolean, excluded_reason text)`,
      [tenant.id, run.id, JSON.stringify(drafts)],
      'run',
      ctx.em.getLoggerContext(),
    );
    await ctx.em.execute(
      `insert into billing_draft_lines (id, tenant_id, draft_invoice_id, position, month, service_id, label, quantity, unit_price, amount)
       select v.id, ?, v.draft_invoice_id, v.position, v.month, v.service_id, v.label, v.quantity, v.unit_price, v.amount
       from json_to_recordset(?::json) as v(id uuid, draft_invoice_id uuid, position int, month text,
         service_id uuid, label text, quantity int, unit_price int, amount int)`,
      [tenant.id, JSON.stringify(lines)],
      'run',
      ctx.em.getLoggerContext(),
    );
    run.invoicesCreated += byFamily.size;
    run.chargesInvoiced += charges.length;
    run.amountInvoiced += charges.reduce((sum, c) => sum + c.amount, 0);
  }
  await markWarnings(ctx, run);
  run.builtAt = ctx.now();
  run.finishedAt = new Date();
}

const snake = (line: ReturnType<typeof composeInvoice>['lines'][number]) => ({
  position: line.position,
  month: line.month,
  service_id: line.serviceId,
  label: line.label,
  quantity: line.quantity,
  unit_price: line.unitPrice,
  amount: line.amount,
});

/**
 * Every draft invoice's warnings, in one statement. A quotient is missing when the family has
 * neither one on file nor a dated attestation; expired when its latest attestation took effect
 * more than a year before the run's end (the CAF renews them each January). A family is on a
 * payment plan while one of its plan's invoices still has something due.
 */
async function markWarnings(ctx: TenantContext, run: BillingRun): Promise<void> {
  const { tenant } = ctx;
  const today = todayIn(tenant.timeZone, ctx.now());
  await ctx.em.execute(
    `update billing_draft_invoices d set warnings = array_remove(array[
       case when d.total <= 0 then 'TOTAL_NOT_POSITIVE' end,
       case when d.oldest_charge < ?::date then 'OLD_CHARGES' end,
       case when d.total > ? then 'ABOVE_THRESHOLD' end,
       case when f.family_quotient is null and q.latest is null then 'QUOTIENT_MISSING' end,
       case when q.latest < ?::date - interval '1 year' then 'QUOTIENT_EXPIRED' end,
       case when exists (
         select 1 from payment_plans pp
         join payment_plan_invoices ppi on ppi.tenant_id = pp.tenant_id and ppi.plan_id = pp.id
         join invoices i on i.tenant_id = ppi.tenant_id and i.id = ppi.invoice_id
         where pp.tenant_id = d.tenant_id and pp.family_id = d.family_id
           and i.total > (select coalesce(sum(a.amount), 0) from allocations a
                          where a.tenant_id = i.tenant_id and a.invoice_id = i.id)
       ) then 'ON_PAYMENT_PLAN' end
     ]::text[], null)
     from families f
     left join lateral (select max(fq.effective_from) as latest from family_quotients fq
                        where fq.tenant_id = f.tenant_id and fq.family_id = f.id) q on true
     where d.tenant_id = ? and d.billing_run_id = ? and f.tenant_id = d.tenant_id and f.id = d.family_id`,
    [
      addDays(today, -tenant.config.draftStaleChargeDays),
      tenant.config.draftAmountThreshold,
      run.throughDate,
      tenant.id,
      run.id,
    ],
    'run',
    ctx.em.getLoggerContext(),
  );
}
