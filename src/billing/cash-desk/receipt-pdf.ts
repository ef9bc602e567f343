import PDFDocument from 'pdfkit';
import type { TenantContext } from '../../auth/context';
import { canSeeFamilyBilling } from '../../families/families.service';
import { Family } from '../../families/family.entity';
import { NotFoundError } from '../../shared/errors';
import { amount, date, msg, render, tenantLanguage } from '../../shared/i18n';
import { Payment } from '../payments/payment.entity';
import { CashOffice, Receipt } from './cash-desk.entity';

/**
 * A receipt as a PDF (pdfkit), in the tenant's language: the tenant, the cash office, the
 * number, the family, the amount, how and when it was paid. Billing readers and the family only;
 * NOT_FOUND for anyone else.
 */
export async function receiptPdf(
  ctx: TenantContext,
  number: string,
): Promise<{ filename: string; pdf: Buffer }> {
  const { tenant } = ctx;
  const receipt = await ctx.em.findOne(Receipt, { number });
  if (!receipt || !canSeeFamilyBilling(ctx, receipt.familyId)) throw new NotFoundError('Receipt');
  const family = await ctx.em.findOneOrFail(Family, { id: receipt.familyId });
  const office = await ctx.em.findOneOrFail(CashOffice, { id: receipt.cashOfficeId });
  const payment = await ctx.em.findOneOrFail(Payment, { id: receipt.paymentId });
  const language = tenantLanguage(tenant);
  const title = render(msg('receipt.title', { number: receipt.number }), language);
  const doc = new PDFDocument({ size: 'A5', margin: 40, info: { Title: title } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.fontSize(14).text(tenant.name);
  doc.fontSize(10).text(office.name);
  doc.moveDown().fontSize(18).text(title);
  doc.moveDown().fontSize(11);
  doc.text(
    render(
      msg('receipt.received', {
        amount: amount(receipt.amount, payment.currency),
        method: receipt.method,
        day: date(receipt.day),
        family: family.name,
        deposit: payment.isDeposit ? 'yes' : 'no',
      }),
      language,
    ),
  );
  if (payment.reference)
    doc.text(render(msg('receipt.reference', { reference: payment.reference }), language));
  doc.end();
  return { filename: `recu-${receipt.number}.pdf`, pdf: await done };
}
