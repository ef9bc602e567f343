import type { TenantContext } from '../../auth/context';
import { Service } from '../../facilities/service.entity';
import { ChargeReason } from '../../reservations/charge.entity';
import { InvoiceKind } from '../invoices/invoice.entity';

/**
 * What a run gathers and how it composes an invoice from charges — shared by the direct run
 * (issue-invoices.ts) and draft runs (src/billing/drafts), so a draft shows exactly what
 * the direct run would have issued.
 */

/** How charges read on an invoice line (the documents are in the tenants' language). */
const REASON_LABELS: Record<ChargeReason, string> = {
  [ChargeReason.ATTENDED]: '',
  [ChargeReason.WALK_IN]: 'sans réservation',
  [ChargeReason.LATE_CANCELLATION]: 'annulation tardive',
  [ChargeReason.UNJUSTIFIED_ABSENCE]: 'absence non justifiée',
  [ChargeReason.BILLABLE_ABSENCE]: 'absence facturée',
  [ChargeReason.CONSUMPTION]: 'consommation',
  [ChargeReason.PLACEMENT_MONTH]: 'place en service de garde, mois',
  [ChargeReason.OPENING_BALANCE]: 'solde antérieur',
};

export interface ChargeRow {
  id: string;
  family_id: string;
  /** Null for an opening balance. */
  service_id: string | null;
  date: string;
  reason: ChargeReason;
  unit_price: number;
  quantity: number;
  amount: number;
  /** An opening balance's origin and legacy reference (null for the others). */
  label?: string | null;
  external_ref?: string | null;
}

/** Which charges a run gathers. */
export interface GatherScope {
  kind: InvoiceKind.INVOICE | InvoiceKind.CATCH_UP | InvoiceKind.REGULARISATION;
  /** Charges dated from this day only (the regularisation's year). */
  from?: string;
  /** For monthly invoices: the period (one invoice per family and period). */
  period: string | null;
  /** Charges dated up to this day are gathered. */
  through: string;
}

export interface ComposedLine {
  position: number;
  month: string;
  serviceId: string | null;
  label: string;
  quantity: number;
  unitPrice: number;
  amount: number;
}

/** A line names its service and where it was rendered: two schools' canteens are two lines. */
export async function serviceNamesOf(ctx: TenantContext): Promise<Map<string, string>> {
  return new Map(
    (await ctx.em.find(Service, {}, { populate: ['facility'] })).map((s) => [
      s.id,
      s.facility ? `${s.name} (${s.facility.getEntity().name})` : s.name,
    ]),
  );
}

// Water consumption is billed at the annual regularisation only; everything else by the other runs.
const scopeSql = (scope: GatherScope) =>
  `and c.reason ${scope.kind === InvoiceKind.REGULARISATION ? '=' : '<>'} 'CONSUMPTION' and c.date >= ?::date`;

/**
 * The next batch of families with uninvoiced charges, after `afterFamily` (and, monthly, no
 * invoice for the period yet: a charge that arose after its month's run waits for the next
 * month's).
 */
export async function nextFamilies(
  ctx: TenantContext,
  scope: GatherScope,
  afterFamily: string,
  batchSize: number,
): Promise<string[]> {
  const from = scope.from ?? '0001-01-01';
  const rows = await ctx.em.execute<{ family_id: string }[]>(
    `select c.family_id from charges c
     where c.tenant_id = ? and c.invoice_id is null and c.date <= ? and c.family_id > ? ${scopeSql(scope)}
       ${
         scope.period
           ? `and not exists (select 1 from invoices i where i.tenant_id = c.tenant_id
            and i.family_id = c.family_id and i.kind = 'INVOICE' and i.period = ?)`
           : ''
       }
     group by c.family_id
     -- A family whose corrections (reversing charges) outweigh its new charges waits for more.
     having sum(c.amount) >= 0
     order by c.family_id limit ?`,
    scope.period
      ? [ctx.tenant.id, scope.through, afterFamily, from, scope.period, batchSize]
      : [ctx.tenant.id, scope.through, afterFamily, from, batchSize],
    'all',
    ctx.em.getLoggerContext(),
  );
  return rows.map((r) => r.family_id);
}

/**
 * The uninvoiced charges of these families, by family. `lock`: the issuing run locks exactly the
 * charges it bills (a roll call correcting one waits); a draft reads them and changes nothing.
 */
export async function chargesOf(
  ctx: TenantContext,
  scope: GatherScope,
  familyIds: string[],
  lock: boolean,
): Promise<{ charges: ChargeRow[]; byFamily: Map<string, ChargeRow[]> }> {
  const charges = await ctx.em.execute<ChargeRow[]>(
    `select id, family_id, service_id, to_char(date, 'YYYY-MM-DD') as date, reason, unit_price, quantity, amount,
            label, external_ref
     from charges c
     where tenant_id = ? and invoice_id is null and date <= ? and family_id = any(array(select value::uuid from json_array_elements_text(?::json))) ${scopeSql(scope)}
     order by family_id, date, id
     ${lock ? 'for update' : ''}`,
    [ctx.tenant.id, scope.through, JSON.stringify(familyIds), scope.from ?? '0001-01-01'],
    'all',
    ctx.em.getLoggerContext(),
  );
  const byFamily = new Map<string, ChargeRow[]>();
  for (const charge of charges) {
    const list = byFamily.get(charge.family_id) ?? [];
    list.push(charge);
    byFamily.set(charge.family_id, list);
  }
  return { charges, byFamily };
}

/** A line's service name for sorting: '' for an opening balance (first in its month). */
const nameOf = (serviceId: string | null, names: Map<string, string>) =>
  serviceId ? (names.get(serviceId) ?? '') : '';

/** One family's invoice from its charges: lines by month, service, reason and price; its total and dates. */
export function composeInvoice(
  rows: ChargeRow[],
  serviceNames: Map<string, string>,
): { total: number; firstDate: string; lines: ComposedLine[] } {
  const grouped = new Map<
    string,
    Omit<ComposedLine, 'position' | 'label'> & { reason: ChargeReason; reversal: boolean; origin?: string }
  >();
  for (const row of rows) {
    const month = row.date.slice(0, 7);
    // A reversal (quantity -1: an invoiced outcome corrected) is a line of its own.
    const reversal = row.quantity < 0;
    // An opening balance is a line of its own, named by its origin and legacy reference.
    const opening = row.reason === ChargeReason.OPENING_BALANCE;
    const key = opening
      ? `opening|${row.id}`
      : `${month}|${row.service_id}|${row.reason}|${row.unit_price}|${reversal}`;
    const line = grouped.get(key) ?? {
      reversal,
      origin: opening ? `Solde antérieur — ${row.label} — réf. ${row.external_ref}` : undefined,
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
  }
  const lines = [...grouped.values()]
    .sort(
      (a, b) =>
        a.month.localeCompare(b.month) ||
        nameOf(a.serviceId, serviceNames).localeCompare(nameOf(b.serviceId, serviceNames)),
    )
    .map(({ reason: why, reversal, origin, ...line }, position) => {
      const reason = [REASON_LABELS[why], reversal ? 'correction, annulé' : ''].filter(Boolean).join(', ');
      return {
        ...line,
        position: position + 1,
        label:
          origin ??
          `${serviceNames.get(line.serviceId ?? '') ?? 'Service'} — ${line.month}${reason ? ` — ${reason}` : ''}`,
      };
    });
  return {
    total: rows.reduce((sum, r) => sum + r.amount, 0),
    firstDate: rows.map((r) => r.date).sort()[0],
    lines,
  };
}
