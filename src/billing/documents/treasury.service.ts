import type { TenantContext } from '../../auth/context';
import { can, Scope } from '../../auth/viewer';
import { writeCsv, type CsvCell, type CsvFlavour } from '../../shared/csv';
import { monthBounds } from '../../shared/dates';
import { currencyDigits } from '../../shared/money';
import { msg, render, tenantLanguage, type TreasuryColumn } from '../../shared/i18n';
import { forbidden } from '../../auth/requirement';

interface TreasuryRow {
  type: string;
  number: string;
  date: string;
  due_date: string | null;
  family: string;
  family_ref: string | null;
  amount: number;
  method: string | null;
  reference: string | null;
}

/** The columns, in order; their headers are in the tenant's language (the message catalogue). */
const COLUMNS: TreasuryColumn[] = [
  'type',
  'number',
  'date',
  'dueDate',
  'family',
  'familyRef',
  'minorUnits',
  'amount',
  'currency',
  'method',
  'reference',
];

/**
 * The municipal treasury's export of a month (YYYY-MM): every document issued and every payment
 * received in it, one CSV line each, amounts in minor units and in decimal. Billing readers only
 * (staff, billing:read keys). Spreadsheet flavour by default (BOM, `;`, decimal comma, local
 * dates); `rfc4180` for scripts.
 */
export async function treasuryCsv(ctx: TenantContext, period: string, flavour: CsvFlavour): Promise<Buffer> {
  const { tenant } = ctx;
  if (!can(ctx.viewer, Scope.BILLING_READ)) {
    throw forbidden('access.treasury', { scopes: [Scope.BILLING_READ] });
  }
  const { from, to } = monthBounds(period);
  const rows = await ctx.em.execute<TreasuryRow[]>(
    `select * from (
       select i.kind::text as type, i.number, to_char(i.issue_date, 'YYYY-MM-DD') as date,
              to_char(i.due_date, 'YYYY-MM-DD') as due_date, f.name as family, f.external_ref as family_ref,
              case when i.kind = 'CREDIT_NOTE' then -i.total else i.total end as amount, null as method, null as reference
       from invoices i join families f on f.tenant_id = i.tenant_id and f.id = i.family_id
       where i.tenant_id = ? and i.issue_date between ?::date and ?::date
       union all
       select case when p.is_deposit then 'DEPOSIT' else 'PAYMENT' end, p.id::text, to_char(p.received_on, 'YYYY-MM-DD'),
              null, f.name, f.external_ref, p.amount, p.method::text, p.reference
       from payments p join families f on f.tenant_id = p.tenant_id and f.id = p.family_id
       where p.tenant_id = ? and p.received_on between ?::date and ?::date
     ) x order by date, type, number`,
    [tenant.id, from, to, tenant.id, from, to],
    'all',
    ctx.em.getLoggerContext(),
  );
  const digits = currencyDigits(tenant.currency);
  const language = tenantLanguage(tenant);
  const cells: ((row: TreasuryRow) => CsvCell)[] = [
    (r) => ({ text: r.type }),
    (r) => ({ text: r.number }),
    (r) => ({ date: r.date }),
    (r) => ({ date: r.due_date }),
    (r) => ({ text: r.family }),
    (r) => ({ text: r.family_ref }),
    (r) => ({ integer: Number(r.amount) }),
    (r) => ({ money: Number(r.amount), digits }),
    () => ({ text: tenant.currency }),
    (r) => ({ text: r.method }),
    (r) => ({ text: r.reference }),
  ];
  return writeCsv(
    rows,
    cells.map((cell, i) => ({
      header: render(msg('treasury.column', { column: COLUMNS[i] }), language),
      cell,
    })),
    { flavour, locale: tenant.locale },
  );
}
