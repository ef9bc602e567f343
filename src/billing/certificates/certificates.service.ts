import type { TenantContext } from '../../auth/context';
import { canSeeFamilyBilling } from '../../families/families.service';
import { Child } from '../../families/child.entity';
import { NotFoundError } from '../../shared/errors';
import { Invoice, InvoiceKind } from '../invoices/invoice.entity';
import { netChildcareContents } from './contents';
import { splitInvoice, type PaidInvoice } from './split';

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
  id: string;
  invoice_id: string;
  amount: number;
  total: number;
  net_total: number;
  number: string;
  paid_on: string;
  method: string;
  reference: string | null;
}

/**
 * A family's yearly childcare certificates, one per child whose childcare it paid for in the
 * year: what the family actually paid — payments received in the year (tenant-local dates),
 * through their allocations to invoices, each allocation shared pro rata over what its invoice
 * bills net of credit notes, only the child's childcare kept (split.ts, contents.ts). Credit
 * notes are not payments; deposits and credit not applied to an invoice are not counted yet.
 * Billing readers and the family only (NOT_FOUND otherwise).
 */
export async function childcareCertificates(
  ctx: TenantContext,
  familyId: string,
  year: number,
): Promise<ChildcareCertificate[]> {
  if (!canSeeFamilyBilling(ctx, familyId)) throw new NotFoundError('Family');
  const { tenant } = ctx;
  // Every payment on the invoices paid in the year, whatever its year: earlier ones come first
  // in what each invoice can still certify.
  const allocations = await ctx.em.execute<AllocationRow[]>(
    `with paid as (select distinct a.invoice_id from allocations a
                   join payments p on p.tenant_id = a.tenant_id and p.id = a.payment_id
                   where a.tenant_id = ? and a.family_id = ? and p.received_on between ?::date and ?::date)
     select a.id, a.invoice_id, a.amount, i.total, i.number, to_char(p.received_on, 'YYYY-MM-DD') as paid_on,
            p.method::text as method, p.reference,
            i.total - coalesce((select sum(n.total) from invoices n where n.tenant_id = i.tenant_id
                                and n.credited_invoice_id = i.id), 0) as net_total
     from allocations a
     join payments p on p.tenant_id = a.tenant_id and p.id = a.payment_id
     join invoices i on i.tenant_id = a.tenant_id and i.id = a.invoice_id
     where a.tenant_id = ? and a.invoice_id in (select invoice_id from paid)
     order by p.received_on, p.recorded_at, a.created_at, a.id`,
    [tenant.id, familyId, `${year}-01-01`, `${year}-12-31`, tenant.id],
    'all',
    ctx.em.getLoggerContext(),
  );
  const invoiceIds = [...new Set(allocations.map((a) => a.invoice_id))];
  const contents = await netChildcareContents(
    ctx,
    invoiceIds.map((id) => ({ id, total: Number(allocations.find((a) => a.invoice_id === id)!.total) })),
  );
  const shares = new Map<string, Map<string, number>>();
  for (const id of invoiceIds) {
    const mine = allocations.filter((a) => a.invoice_id === id);
    const invoice: PaidInvoice = {
      netTotal: Number(mine[0].net_total),
      netContents: contents.get(id) ?? new Map(),
      payments: mine.map((a) => ({
        key: a.id,
        amount: Number(a.amount),
        year: Number(a.paid_on.slice(0, 4)),
      })),
    };
    for (const [key, share] of splitInvoice(invoice)) shares.set(key, share);
  }
  const counted = allocations.filter((a) => a.paid_on.startsWith(`${year}-`));
  const totals = new Map<string, number>();
  for (const allocation of counted) {
    for (const [child, share] of shares.get(allocation.id)!)
      totals.set(child, (totals.get(child) ?? 0) + share);
  }
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
    payments: counted
      .map((a) => ({ a, share: shares.get(a.id)!.get(child.id) ?? 0 }))
      .filter(({ share }) => share > 0)
      .map(({ a, share }) => ({
        paidOn: a.paid_on,
        method: a.method,
        reference: a.reference,
        documentNumber: a.number,
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
