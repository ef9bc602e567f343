import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../auth/context';
import { ChargeReason } from '../../reservations/charge.entity';
import { msg, render, tenantLanguage } from '../../shared/i18n';
import type { BillingRun } from '../runs/billing-run.entity';
import { composeInvoice, serviceNamesOf, type ChargeRow } from '../runs/compose';

/** What an agent must look at before a correction goes out. */
export enum CorrectionWarning {
  /**
   * The invoice was already credited (by hand) for some of these units or beyond what is left:
   * the run cannot credit it again; exclude it (or it is refused at promotion).
   */
  ALREADY_CREDITED = 'ALREADY_CREDITED',
  /** The correction raises what the family owes. */
  INCREASE = 'INCREASE',
  /**
   * The invoice was handed over to the public treasury: the treasury collects it, so no credit note
   * is put on it here (the correction goes through the treasury); exclude it, or the promotion is
   * refused.
   */
  HANDED_OVER = 'HANDED_OVER',
}

/** A line of a correction's credit note or replacement, as it will be printed. */
export interface CorrectionLine {
  position: number;
  month: string;
  serviceId: string | null;
  label: string;
  quantity: number;
  unitPrice: number;
  amount: number;
  /** Credit-note lines: the line of the corrected invoice they credit. */
  creditedLineId?: string | null;
}

/**
 * The pending corrections, with the SQL fingerprint promotion compares against: a correction
 * replaced, withdrawn or issued since the draft was built changes it.
 */
export const FINGERPRINT = `string_agg(k.id::text || ':' || coalesce(k.new_unit_price::text, 'x') || ':'
  || k.old_unit_price || ':' || k.billed_invoice_id, ',' order by k.id)`;

interface PendingRow {
  id: string;
  family_id: string;
  charge_id: string;
  billed_invoice_id: string;
  old_unit_price: number;
  new_unit_price: number | null;
  quantity: number;
  reason: string;
  service_id: string | null;
  date: string;
  charge_reason: ChargeReason;
  label: string | null;
  external_ref: string | null;
}

/**
 * Fills a corrective draft run from every pending correction: per invoice corrected, the credit
 * note taking the corrected charges off at the price they were billed, and the replacement
 * invoice billing them again at the corrected price (cancelled ones left out), so that
 * replacement − credit note = the change. Nothing is numbered, no document is written.
 * `excluded` carries exclusions across a rebuild (family id → reason).
 */
export async function fillCorrectiveDraft(
  ctx: TenantContext,
  run: BillingRun,
  excluded: Map<string, string | null> = new Map(),
): Promise<void> {
  const { tenant } = ctx;
  const log = ctx.em.getLoggerContext();
  const pending = await ctx.em.execute<PendingRow[]>(
    `select k.id, k.family_id, k.charge_id, k.billed_invoice_id, k.old_unit_price, k.new_unit_price, k.quantity,
            k.reason, c.service_id, to_char(c.date, 'YYYY-MM-DD') as date, c.reason as charge_reason,
            c.label, c.external_ref
     from charge_corrections k join charges c on c.tenant_id = k.tenant_id and c.id = k.charge_id
     where k.tenant_id = ? and k.billing_run_id is null
     order by k.family_id, k.billed_invoice_id, c.date, k.id`,
    [tenant.id],
    'all',
    log,
  );
  const byInvoice = new Map<string, PendingRow[]>();
  for (const row of pending)
    byInvoice.set(row.billed_invoice_id, [...(byInvoice.get(row.billed_invoice_id) ?? []), row]);
  const invoiceIds = [...byInvoice.keys()];
  const json = JSON.stringify(invoiceIds);
  const lines = await ctx.em.execute<
    {
      id: string;
      invoice_id: string;
      month: string;
      service_id: string | null;
      label: string;
      unit_price: number;
      quantity: number;
    }[]
  >(
    `select id, invoice_id, month, service_id, label, unit_price, quantity from invoice_lines
     where tenant_id = ? and invoice_id = any(array(select value::uuid from json_array_elements_text(?::json)))
     order by invoice_id, position`,
    [tenant.id, json],
    'all',
    log,
  );
  // Per corrected invoice: what is left to credit, and each line's units credited already.
  const credited = await ctx.em.execute<
    { invoice_id: string; creditable: number; line_units: Record<string, number> | null }[]
  >(
    `select i.id as invoice_id,
            i.total - coalesce((select sum(n.total) from invoices n where n.tenant_id = i.tenant_id
                                and n.credited_invoice_id = i.id), 0) as creditable,
            (select json_object_agg(l.credited_line_id, l.units) from (
               select nl.credited_line_id, sum(nl.quantity) as units from invoice_lines nl
               join invoices n on n.tenant_id = nl.tenant_id and n.id = nl.invoice_id
               where n.tenant_id = i.tenant_id and n.credited_invoice_id = i.id and nl.credited_line_id is not null
               group by nl.credited_line_id) l) as line_units
     from invoices i where i.tenant_id = ? and i.id = any(array(select value::uuid from json_array_elements_text(?::json)))`,
    [tenant.id, json],
    'all',
    log,
  );
  const fingerprints = await ctx.em.execute<{ invoice_id: string; fingerprint: string }[]>(
    `select k.billed_invoice_id as invoice_id, ${FINGERPRINT} as fingerprint from charge_corrections k
     where k.tenant_id = ? and k.billing_run_id is null group by k.billed_invoice_id`,
    [tenant.id],
    'all',
    log,
  );
  const handedOver = await ctx.em.execute<{ invoice_id: string }[]>(
    `select invoice_id from treasury_handovers
     where tenant_id = ? and invoice_id = any(array(select value::uuid from json_array_elements_text(?::json)))`,
    [tenant.id, json],
    'all',
    log,
  );
  const handedOverIds = new Set(handedOver.map((h) => h.invoice_id));
  const serviceNames = await serviceNamesOf(ctx);
  const language = tenantLanguage(tenant);
  const drafts: Record<string, unknown>[] = [];
  let charges = 0;
  let change = 0;

  for (const [invoiceId, rows] of byInvoice) {
    const invoiceLines = lines.filter((l) => l.invoice_id === invoiceId);
    const done = credited.find((c) => c.invoice_id === invoiceId);
    const creditedUnits = new Map(Object.entries(done?.line_units ?? {}));
    const asCharge = (row: PendingRow, unitPrice: number): ChargeRow => ({
      id: row.charge_id,
      family_id: row.family_id,
      service_id: row.service_id,
      date: row.date,
      reason: row.charge_reason,
      label: row.label,
      external_ref: row.external_ref,
      unit_price: unitPrice,
      quantity: row.quantity,
      amount: unitPrice * row.quantity,
    });

    // The credit note: each corrected charge off the line that billed it, at the price it was billed.
    const creditLines = new Map<string, CorrectionLine>();
    let overCredited = false;
    for (const row of rows) {
      const [composed] = composeInvoice([asCharge(row, row.old_unit_price)], serviceNames).lines;
      const candidates = invoiceLines.filter(
        (l) =>
          l.month === composed.month &&
          l.service_id === composed.serviceId &&
          l.unit_price === composed.unitPrice,
      );
      const line = candidates.find((l) => l.label === composed.label) ?? candidates[0];
      const key =
        line?.id ?? `${composed.month}|${composed.serviceId}|${composed.unitPrice}|${composed.label}`;
      const credit = creditLines.get(key) ?? {
        ...composed,
        label: render(msg('correction.creditLabel', { label: line?.label ?? composed.label }), language),
        quantity: 0,
        amount: 0,
        creditedLineId: line?.id ?? null,
      };
      credit.quantity += row.quantity;
      credit.amount += row.old_unit_price * row.quantity;
      creditLines.set(key, credit);
      if (line && credit.quantity > line.quantity - (creditedUnits.get(line.id) ?? 0)) overCredited = true;
    }
    const creditNote = [...creditLines.values()]
      .filter((l) => l.amount > 0)
      .map((l, index) => ({ ...l, position: index + 1 }));
    const creditTotal = creditNote.reduce((sum, l) => sum + l.amount, 0);
    if (creditTotal > Number(done?.creditable ?? 0)) overCredited = true;

    // The replacement: the same charges at their corrected price, composed as any invoice is.
    const kept = rows.filter((r) => r.new_unit_price !== null);
    const replacement = kept.length
      ? composeInvoice(
          kept.map((r) => asCharge(r, r.new_unit_price!)),
          serviceNames,
        )
      : { total: 0, lines: [] };

    const warnings = [
      overCredited ? CorrectionWarning.ALREADY_CREDITED : null,
      replacement.total > creditTotal ? CorrectionWarning.INCREASE : null,
      handedOverIds.has(invoiceId) ? CorrectionWarning.HANDED_OVER : null,
    ].filter(Boolean);
    const familyId = rows[0].family_id;
    drafts.push({
      id: randomUUID(),
      family_id: familyId,
      corrected_invoice_id: invoiceId,
      credit_note_id: randomUUID(),
      replacement_id: randomUUID(),
      correction_ids: rows.map((r) => r.id),
      fingerprint: fingerprints.find((f) => f.invoice_id === invoiceId)!.fingerprint,
      credit_total: creditTotal,
      replacement_total: replacement.total,
      credit_lines: creditNote,
      replacement_lines: replacement.lines,
      reasons: [...new Set(rows.map((r) => r.reason))].join(' ; '),
      warnings,
      excluded: excluded.has(familyId),
      excluded_reason: excluded.get(familyId) ?? null,
    });
    charges += rows.length;
    change += replacement.total - creditTotal;
  }

  if (drafts.length) {
    await ctx.em.execute(
      `insert into correction_drafts (id, tenant_id, billing_run_id, family_id, corrected_invoice_id, credit_note_id,
         replacement_id, correction_ids, fingerprint, credit_total, replacement_total, credit_lines, replacement_lines,
         reasons, warnings, excluded, excluded_reason)
       select v.id, ?, ?, v.family_id, v.corrected_invoice_id, v.credit_note_id, v.replacement_id,
              array(select json_array_elements_text(v.correction_ids)::uuid), v.fingerprint, v.credit_total,
              v.replacement_total, v.credit_lines, v.replacement_lines, v.reasons,
              array(select json_array_elements_text(v.warnings)), v.excluded, v.excluded_reason
       from json_to_recordset(?::json) as v(id uuid, family_id uuid, corrected_invoice_id uuid, credit_note_id uuid,
         replacement_id uuid, correction_ids json, fingerprint text, credit_total int, replacement_total int,
         credit_lines jsonb, replacement_lines jsonb, reasons text, warnings json, excluded boolean, excluded_reason text)`,
      [tenant.id, run.id, JSON.stringify(drafts)],
      'run',
      log,
    );
  }
  // A corrective run's figures: documents drafted, corrected charges, and the net change.
  run.invoicesCreated = drafts.length;
  run.chargesInvoiced = charges;
  run.amountInvoiced = change;
  run.builtAt = ctx.now();
  run.finishedAt = new Date();
}
