import PDFDocument from 'pdfkit';
import type { TenantContext } from '../../auth/context';
import { canSeeFamilyBilling } from '../../families/families.service';
import { Family } from '../../families/family.entity';
import { NotFoundError } from '../../shared/errors';
import { formatMoney } from '../../shared/money';
import { date, msg, render, tenantLanguage, type Message } from '../../shared/i18n';
import { instalmentStates } from '../payment-plans/payment-plans.service';
import { Invoice, InvoiceKind, InvoiceLine } from '../invoices/invoice.entity';
import { settlements } from '../invoices/invoices.service';

/**
 * An issued document as a PDF (pdfkit), in the tenant's language (its labels from the message
 * catalogue, dates and amounts as its locale writes them): the tenant, the family, the lines, the
 * totals, the number, the due date and the payment plan if any. Visible to billing readers (staff, billing:read keys) and to the family's parents only; NOT_FOUND
 * for anyone else.
 */
export async function invoicePdf(
  ctx: TenantContext,
  number: string,
): Promise<{ filename: string; pdf: Buffer }> {
  const { tenant } = ctx;
  const invoice = await ctx.em.findOne(Invoice, { number });
  if (!invoice || !canSeeFamilyBilling(ctx, invoice.family.id)) throw new NotFoundError('Invoice');
  const family = await ctx.em.findOneOrFail(Family, { id: invoice.family.id });
  const lines = await ctx.em.find(InvoiceLine, { invoiceId: invoice.id }, { orderBy: { position: 'asc' } });
  const [settlement] = await settlements(ctx.em, tenant.id, [invoice.id]);
  const instalments = settlement.planId
    ? ((await instalmentStates(ctx, [settlement.planId])).get(settlement.planId) ?? [])
    : [];
  const money = (amount: number) => formatMoney({ amount, currency: invoice.currency }, tenant.locale);
  const language = tenantLanguage(tenant);
  const t = (message: Message) => render(message, language);
  const title = t(msg('pdf.title', { kind: invoice.kind, number: invoice.number }));

  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: title },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  doc.fontSize(16).text(tenant.name);
  doc.moveDown(0.5).fontSize(20).text(title);
  doc.moveDown(0.5).fontSize(10);
  doc.text(
    t(msg('pdf.issued', { kind: invoice.kind, issued: date(invoice.issueDate), due: date(invoice.dueDate) })),
  );
  doc.text(t(msg('pdf.period', { from: date(invoice.periodFrom), to: date(invoice.periodTo) })));
  if (invoice.reason) doc.text(t(msg('pdf.reason', { reason: invoice.reason })));
  doc.moveDown();
  doc.fontSize(12).text(family.name);
  doc
    .fontSize(10)
    .text(
      [family.address, [family.postalCode, family.city].filter(Boolean).join(' ')].filter(Boolean).join('\n'),
    );
  doc.moveDown();

  const columns = { label: 50, quantity: 330, unit: 390, amount: 470 };
  const row = (label: string, quantity: string, unit: string, amount: string) => {
    const y = doc.y;
    doc.text(label, columns.label, y, { width: 270 });
    const after = doc.y;
    doc.text(quantity, columns.quantity, y, { width: 50, align: 'right' });
    doc.text(unit, columns.unit, y, { width: 70, align: 'right' });
    doc.text(amount, columns.amount, y, { width: 75, align: 'right' });
    doc.y = Math.max(after, doc.y);
    doc.x = columns.label;
  };
  doc.font('Helvetica-Bold');
  row(
    t(msg('pdf.column.label')),
    t(msg('pdf.column.quantity')),
    t(msg('pdf.column.unitPrice')),
    t(msg('pdf.column.amount')),
  );
  doc.font('Helvetica');
  for (const line of lines) row(line.label, String(line.quantity), money(line.unitPrice), money(line.amount));
  doc.moveDown();
  doc.font('Helvetica-Bold');
  row(t(msg('pdf.total')), '', '', money(invoice.total));
  doc.font('Helvetica');
  if (invoice.kind !== InvoiceKind.CREDIT_NOTE) {
    row(t(msg('pdf.settled')), '', '', money(settlement.allocated));
    row(t(msg('pdf.balance')), '', '', money(invoice.total - settlement.allocated));
  }
  if (instalments.length) {
    doc
      .moveDown()
      .font('Helvetica-Bold')
      .text(t(msg('pdf.schedule')))
      .font('Helvetica');
    for (const { instalment, paid } of instalments) {
      row(
        t(msg('pdf.instalment', { position: instalment.position, due: date(instalment.dueDate) })),
        '',
        money(paid),
        money(instalment.amount),
      );
    }
  }
  doc.end();
  return { filename: `${invoice.number}.pdf`, pdf: await done };
}
