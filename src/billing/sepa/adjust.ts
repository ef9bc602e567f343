import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { unpaidInstalmentsSql } from './instalments';

interface Adjusted {
  id: string;
  batch_id: string;
  from_amount: number;
  to_amount: number;
  withdrawn: boolean;
}

/**
 * Brings a family's debits in PREPARED batches down to what their invoices and instalments still
 * owe (an instalment's part never grows back), after money
 * or credit went on those invoices (a counter payment, a credit note, a corrective run…): a debit
 * is reduced, or WITHDRAWN when nothing is owed any more (a withdrawn first debit sends its mandate
 * back to FRST), and its batch's total and count follow. An exported batch is never touched: the
 * bank takes what its file says, and what its invoices no longer owe becomes credit when the
 * return file is imported. Call with the family's account locked; the batches' rows are locked
 * first, so an export waits (or is waited for) and its file never changes after it.
 */
export async function trimPreparedDebits(ctx: TenantContext, familyId: string): Promise<void> {
  const { tenant } = ctx;
  const log = ctx.em.getLoggerContext();
  const batches = await ctx.em.execute<{ id: string }[]>(
    `select b.id from sepa_debit_batches b
     where b.tenant_id = ? and b.status = 'PREPARED'
       and exists (select 1 from sepa_debits d where d.tenant_id = b.tenant_id and d.batch_id = b.id
                   and d.family_id = ? and d.status = 'PENDING')
     order by b.id for update`,
    [tenant.id, familyId],
    'all',
    log,
  );
  // Locked, then read again: a batch exported meanwhile is no longer PREPARED and is left alone.
  if (batches.length === 0) return;
  const adjusted = await ctx.em.execute<Adjusted[]>(
    `with unpaid as (${unpaidInstalmentsSql(true)}),
     owed as (
       select d.id, d.amount, x.instalments,
              -- What its invoices and instalments still owe, plus the month's water debit (never reduced).
              d.water_amount + x.instalments + coalesce((select sum(i.total - coalesce((select sum(a.amount) from allocations a
                                                       where a.tenant_id = i.tenant_id and a.invoice_id = i.id), 0))
                        from invoices i where i.tenant_id = d.tenant_id and i.id = any (d.invoice_ids)), 0) as due
       from sepa_debits d join sepa_debit_batches b on b.tenant_id = d.tenant_id and b.id = d.batch_id
       -- What its instalments still owe (as instalmentStates derives it), never more than it took.
       cross join lateral (select least(d.instalment_amount, coalesce((select sum(u.unpaid) from unpaid u
                                                 where u.id = any (d.instalment_ids)), 0))::int as instalments) x
       where d.tenant_id = ? and d.family_id = ? and d.status = 'PENDING' and b.status = 'PREPARED'
         and b.id = any(array(select value::uuid from json_array_elements_text(?::json)))
     ), changed as (
       update sepa_debits d
       set amount = case when o.due > 0 then o.due else d.amount end,
           status = case when o.due > 0 then d.status else 'WITHDRAWN' end,
           instalment_amount = case when o.due > 0 then o.instalments else d.instalment_amount end
       from owed o where d.tenant_id = ? and d.id = o.id and o.due < o.amount
       returning d.id, d.batch_id, d.mandate_id, d.sequence, o.amount as from_amount,
                 greatest(o.due, 0)::int as to_amount, o.due <= 0 as withdrawn
     ), batches as (
       update sepa_debit_batches b
       set total = b.total - x.less, debits = b.debits - x.gone
       from (select batch_id, sum(from_amount - to_amount) as less, count(*) filter (where withdrawn) as gone
             from changed group by batch_id) x
       where b.tenant_id = ? and b.id = x.batch_id
     ), mandates as (
       update sepa_mandates m set sequence = 'FRST'
       where m.tenant_id = ? and m.sequence = 'RCUR'
         and m.id in (select mandate_id from changed where withdrawn and sequence = 'FRST')
     )
     select id, batch_id, from_amount, to_amount, withdrawn from changed`,
    [
      tenant.id,
      familyId,
      tenant.id,
      familyId,
      JSON.stringify(batches.map((b) => b.id)),
      tenant.id,
      tenant.id,
      tenant.id,
    ],
    'all',
    log,
  );
  for (const debit of adjusted) {
    audit(ctx, {
      action: debit.withdrawn ? 'DIRECT_DEBIT_WITHDRAWN' : 'DIRECT_DEBIT_REDUCED',
      familyId,
      subjectId: debit.id,
      details: { batchId: debit.batch_id, from: Number(debit.from_amount), to: Number(debit.to_amount) },
    });
  }
  if (adjusted.length) await ctx.em.flush();
}
