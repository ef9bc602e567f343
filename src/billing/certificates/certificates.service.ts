import type { TenantContext } from '../../auth/context';
import { ServiceKind } from '../../facilities/service.entity';
import { canSeeFamilyBilling } from '../../families/families.service';
import { Child } from '../../families/child.entity';
import { NotFoundError } from '../../shared/errors';
import { Invoice, InvoiceKind } from '../invoices/invoice.entity';
import { certify, shareOf, type AllocatedPayment } from './split';

/** Services whose costs are childcare (frais de garde): not meals, not water. */
export const CHILDCARE_KINDS = [
  ServiceKind.PERISCHOOL,
  ServiceKind.LEISURE_CENTRE,
  ServiceKind.NURSERY,
  ServiceKind.CHILDCARE_PLACE,
];

/** One payment as a certificate lists it. */
export interface CertificatePayment {
  paidOn: string;
  /** CARD, DIRECT_DEBIT, CASH, CHEQUE — or CREDIT_NOTE for a credit applied (payment certificates). */
  method: string;
  reference: string | null;
  /** The invoice paid (childcare certificates) or the credit note applied (payment certificates). */
  documentNumber: string;
  amount: number;
}

export interface ChildcareCertificate {
  year: number;
  familyId: string;
  child: Child;
  /** The age the child must be under on 1 January of the year (6 in France, 16 in Québec). */
  ageLimit: number;
  eligible: boolean;
  amount: number;
  payments: CertificatePayment[];
}

/**
 * The age limit of the tenant's childcare certificate: France's attestation de frais de garde
 * (children under six on 1 January of the tax year), Québec's relevé 24 (under sixteen).
 */
export const ageLimitOf = (tenant: { locale: string }) => (tenant.locale.endsWith('-CA') ? 16 : 6);

interface AllocationRow {
  invoice_id: string;
  amount: number;
  total: number;
  number: string;
  paid_on: string;
  method: string;
  reference: string | null;
}

/**
 * A family's yearly childcare certificates, one per child whose childcare it paid for in the
 * year: what the family actually paid — payments received in the year (tenant-local dates),
 * through their allocations to invoices, each allocation shared pro rata over what its invoice
 * billed (split.ts) and only the childcare part of the child kept. Credit notes are not payments;
 * deposits and credit not applied to an invoice are not counted yet. A replacement invoice's
 * contents are its corrected charges. Billing readers and the family only (NOT_FOUND otherwise).
 */
export async function childcareCertificates(
  ctx: TenantContext,
  familyId: string,
  year: number,
): Promise<ChildcareCertificate[]> {
  if (!canSeeFamilyBilling(ctx, familyId)) throw new NotFoundError('Family');
  const { tenant } = ctx;
  const log = ctx.em.getLoggerContext();
  const allocations = await ctx.em.execute<AllocationRow[]>(
    `select a.invoice_id, a.amount, i.total, i.number, to_char(p.received_on, 'YYYY-MM-DD') as paid_on,
            p.method::text as method, p.reference
     from allocations a
     join payments p on p.tenant_id = a.tenant_id and p.id = a.payment_id
     join invoices i on i.tenant_id = a.tenant_id and i.id = a.invoice_id
     where a.tenant_id = ? and a.family_id = ? and p.received_on between ?::date and ?::date
     order by p.received_on, i.number, a.id`,
    [tenant.id, familyId, `${year}-01-01`, `${year}-12-31`],
    'all',
    log,
  );
  const kinds = JSON.stringify(CHILDCARE_KINDS);
  const invoiceIds = JSON.stringify([...new Set(allocations.map((a) => a.invoice_id))]);
  const contents = await ctx.em.execute<{ invoice_id: string; child_id: string; amount: number }[]>(
    `select c.invoice_id, c.child_id, sum(c.amount)::int as amount
     from charges c join services s on s.tenant_id = c.tenant_id and s.id = c.service_id
     where c.tenant_id = ? and c.invoice_id in (select value::uuid from json_array_elements_text(?::json))
       and c.child_id is not null and s.kind::text in (select json_array_elements_text(?::json))
     group by c.invoice_id, c.child_id
     union all
     select k.replacement_id, c.child_id, sum(k.new_unit_price * k.quantity)::int
     from charge_corrections k
     join charges c on c.tenant_id = k.tenant_id and c.id = k.charge_id
     join services s on s.tenant_id = c.tenant_id and s.id = c.service_id
     where k.tenant_id = ? and k.replacement_id in (select value::uuid from json_array_elements_text(?::json))
       and c.child_id is not null and s.kind::text in (select json_array_elements_text(?::json))
     group by k.replacement_id, c.child_id`,
    [tenant.id, invoiceIds, kinds, tenant.id, invoiceIds, kinds],
    'all',
    log,
  );
  const byInvoice = new Map<string, Map<string, number>>();
  for (const row of contents) {
    const map = byInvoice.get(row.invoice_id) ?? new Map<string, number>();
    map.set(row.child_id, (map.get(row.child_id) ?? 0) + Number(row.amount));
    byInvoice.set(row.invoice_id, map);
  }
  const paid: (AllocatedPayment & { row: AllocationRow })[] = allocations.map((row) => ({
    row,
    amount: Number(row.amount),
    invoiceTotal: Number(row.total),
    contents: byInvoice.get(row.invoice_id) ?? new Map(),
  }));
  const totals = certify(paid);
  if (totals.size === 0) return [];
  const children = await ctx.em.find(
    Child,
    { id: { $in: [...totals.keys()] } },
    { orderBy: { birthDate: 'asc' } },
  );
  const ageLimit = ageLimitOf(tenant);
  return children.map((child) => ({
    year,
    familyId,
    child,
    ageLimit,
    eligible: child.birthDate >= `${year - ageLimit}-01-01`,
    amount: totals.get(child.id) ?? 0,
    payments: paid
      .map((p) => ({ p, share: shareOf(p, child.id) }))
      .filter(({ share }) => share > 0)
      .map(({ p, share }) => ({
        paidOn: p.row.paid_on,
        method: p.row.method,
        reference: p.row.reference,
        documentNumber: p.row.number,
        amount: share,
      })),
  }));
}

export interface PaymentCertificate {
  invoice: Invoice;
  paid: number;
  payments: CertificatePayment[];
}

/**
 * What was paid on an invoice, when and how: each payment allocated to it (its day received, its
 * method and reference) and each credit note applied (its issue day and number). Null for a
 * credit note. Visibility is the invoice's (the caller read it).
 */
export async function paymentCertificate(
  ctx: TenantContext,
  invoice: Invoice,
): Promise<PaymentCertificate | null> {
  if (invoice.kind === InvoiceKind.CREDIT_NOTE) return null;
  const rows = await ctx.em.execute<
    { paid_on: string; method: string; reference: string | null; number: string; amount: number }[]
  >(
    `select to_char(coalesce(p.received_on, n.issue_date), 'YYYY-MM-DD') as paid_on,
            coalesce(p.method::text, 'CREDIT_NOTE') as method, p.reference, coalesce(n.number, ?) as number, a.amount
     from allocations a
     left join payments p on p.tenant_id = a.tenant_id and p.id = a.payment_id
     left join invoices n on n.tenant_id = a.tenant_id and n.id = a.credit_note_id
     where a.tenant_id = ? and a.invoice_id = ?
     order by coalesce(p.received_on, n.issue_date), a.created_at, a.id`,
    [invoice.number, ctx.tenant.id, invoice.id],
    'all',
    ctx.em.getLoggerContext(),
  );
  const payments = rows.map((r) => ({
    paidOn: r.paid_on,
    method: r.method,
    reference: r.reference,
    documentNumber: r.number,
    amount: Number(r.amount),
  }));
  return { invoice, paid: payments.reduce((sum, p) => sum + p.amount, 0), payments };
}
