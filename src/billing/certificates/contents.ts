import type { TenantContext } from '../../auth/context';
import { ServiceKind } from '../../facilities/service.entity';

/** Services whose costs are childcare (frais de garde): not meals, not water. */
export const CHILDCARE_KINDS = [
  ServiceKind.PERISCHOOL,
  ServiceKind.LEISURE_CENTRE,
  ServiceKind.NURSERY,
  ServiceKind.CHILDCARE_PLACE,
];

interface Row {
  invoice_id: string;
  child_id: string | null;
  service_id: string | null;
  amount: number;
  source: 'BILLED' | 'CORRECTED' | 'LINE_CREDIT' | 'AMOUNT_CREDIT';
}

/**
 * What each of these invoices bills each child for childcare, net of its credit notes (minor
 * units, never negative): its charges (a replacement's: its corrected charges at their corrected
 * price), less what corrective runs credited of them; a credit note by hand crediting a
 * childcare line is taken off that service's children pro rata, and one crediting an amount off
 * the whole invoice takes its share off everything. Credits are rounded up: never certify more.
 */
export async function netChildcareContents(
  ctx: TenantContext,
  invoices: { id: string; total: number }[],
): Promise<Map<string, Map<string, number>>> {
  const result = new Map<string, Map<string, number>>();
  if (invoices.length === 0) return result;
  const { tenant } = ctx;
  const ids = JSON.stringify(invoices.map((i) => i.id));
  const kinds = JSON.stringify(CHILDCARE_KINDS);
  const childcare = `s.kind::text in (select json_array_elements_text(?::json))`;
  const mine = (column: string) =>
    `${column} = any(array(select value::uuid from json_array_elements_text(?::json)))`;
  const rows = await ctx.em.execute<Row[]>(
    `select c.invoice_id, c.child_id, c.service_id, sum(c.amount)::int as amount, 'BILLED' as source
     from charges c join services s on s.tenant_id = c.tenant_id and s.id = c.service_id
     where c.tenant_id = ? and ${mine('c.invoice_id')} and c.child_id is not null and ${childcare}
     group by 1, 2, 3
     union all
     select k.replacement_id, c.child_id, c.service_id, sum(k.new_unit_price * k.quantity)::int, 'BILLED'
     from charge_corrections k join charges c on c.tenant_id = k.tenant_id and c.id = k.charge_id
     join services s on s.tenant_id = c.tenant_id and s.id = c.service_id
     where k.tenant_id = ? and ${mine('k.replacement_id')} and c.child_id is not null and ${childcare}
     group by 1, 2, 3
     union all
     select k.billed_invoice_id, c.child_id, c.service_id, sum(k.old_unit_price * k.quantity)::int, 'CORRECTED'
     from charge_corrections k join charges c on c.tenant_id = k.tenant_id and c.id = k.charge_id
     join services s on s.tenant_id = c.tenant_id and s.id = c.service_id
     where k.tenant_id = ? and k.credit_note_id is not null and ${mine('k.billed_invoice_id')}
       and c.child_id is not null and ${childcare}
     group by 1, 2, 3
     union all
     select n.credited_invoice_id, null, l.service_id, sum(nl.amount)::int,
            case when nl.credited_line_id is null then 'AMOUNT_CREDIT' else 'LINE_CREDIT' end
     from invoices n join invoice_lines nl on nl.tenant_id = n.tenant_id and nl.invoice_id = n.id
     left join invoice_lines l on l.tenant_id = nl.tenant_id and l.id = nl.credited_line_id
     where n.tenant_id = ? and n.billing_run_id is null and ${mine('n.credited_invoice_id')}
     group by 1, 3, 5`,
    [tenant.id, ids, kinds, tenant.id, ids, kinds, tenant.id, ids, kinds, tenant.id, ids],
    'all',
    ctx.em.getLoggerContext(),
  );
  for (const invoice of invoices) {
    const mineRows = rows.filter((r) => r.invoice_id === invoice.id);
    // Per child and service: billed, less what corrective runs credited.
    const cells = new Map<string, { child: string; service: string; amount: number }>();
    for (const row of mineRows.filter((r) => r.source === 'BILLED' || r.source === 'CORRECTED')) {
      const key = `${row.child_id}|${row.service_id}`;
      const cell = cells.get(key) ?? { child: row.child_id!, service: row.service_id!, amount: 0 };
      cell.amount += row.source === 'BILLED' ? Number(row.amount) : -Number(row.amount);
      cells.set(key, cell);
    }
    // Hand credits of a childcare line: off that service's children, pro rata, rounded up.
    for (const credit of mineRows.filter((r) => r.source === 'LINE_CREDIT')) {
      const concerned = [...cells.values()].filter((c) => c.service === credit.service_id && c.amount > 0);
      const base = concerned.reduce((sum, c) => sum + c.amount, 0);
      for (const cell of concerned) cell.amount -= Math.ceil((Number(credit.amount) * cell.amount) / base);
    }
    // Hand credits of an amount off the whole invoice: the same share off everything.
    const off = mineRows
      .filter((r) => r.source === 'AMOUNT_CREDIT')
      .reduce((s, r) => s + Number(r.amount), 0);
    const contents = new Map<string, number>();
    for (const cell of cells.values()) {
      const net =
        off > 0 && invoice.total > 0
          ? cell.amount - Math.ceil((cell.amount * off) / invoice.total)
          : cell.amount;
      contents.set(cell.child, (contents.get(cell.child) ?? 0) + Math.max(0, net));
    }
    result.set(invoice.id, contents);
  }
  return result;
}
