import PDFDocument from 'pdfkit';
import type { TenantContext } from '../../auth/context';
import { canSeeFamilyBilling } from '../../families/families.service';
import { Family } from '../../families/family.entity';
import { NotFoundError } from '../../shared/errors';
import { todayIn } from '../../shared/dates';
import { amount, date, msg, render, tenantLanguage, type Message } from '../../shared/i18n';
import { Invoice } from '../invoices/invoice.entity';
import { childcareCertificates, paymentCertificate, type CertificatePayment } from './certificates.service';

/** A pdfkit document and the promise of its bytes. */
function newDocument(title: string) {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: title } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const bytes = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  return { doc, bytes };
}

/** The payments listed on a certificate, one line each, then the day it was made. */
function paymentLines(
  doc: PDFKit.PDFDocument,
  payments: CertificatePayment[],
  currency: string,
  t: (message: Message) => string,
  today: string,
) {
  doc.moveDown();
  for (const payment of payments) {
    const line = t(
      msg('certificate.payment.line', {
        day: date(payment.paidOn),
        method: payment.method,
        amount: amount(payment.amount, currency),
      }),
    );
    const reference = [payment.documentNumber, payment.reference].filter(Boolean).join(' — ');
    doc.text(`${line} (${reference})`);
  }
  doc.moveDown().text(t(msg('certificate.issuedOn', { day: date(today) })));
}

/**
 * A child's yearly childcare certificate as a PDF, in the tenant's language and currency: the
 * tenant certifies what the household paid in the year for the child's childcare, with the
 * payments counted. NOT_FOUND when the family paid no childcare for this child that year, or for
 * a reader who may not see the family's billing.
 */
export async function childcareCertificatePdf(
  ctx: TenantContext,
  familyId: string,
  childId: string,
  year: number,
): Promise<{ filename: string; pdf: Buffer }> {
  const { tenant } = ctx;
  if (!canSeeFamilyBilling(ctx, familyId)) throw new NotFoundError('Family');
  const certificate = (await childcareCertificates(ctx, familyId, year)).find((c) => c.child.id === childId);
  if (!certificate) throw new NotFoundError('Child');
  const family = await ctx.em.findOneOrFail(Family, { id: familyId });
  const language = tenantLanguage(tenant);
  const t = (message: Message) => render(message, language);
  const title = t(msg('certificate.childcare.title', { year }));
  const { doc, bytes } = newDocument(title);
  const { child } = certificate;
  doc.fontSize(16).text(tenant.name);
  doc.moveDown(0.5).fontSize(18).text(title);
  doc.moveDown().fontSize(11);
  doc.text(
    t(
      msg('certificate.childcare.body', {
        tenant: tenant.name,
        child: `${child.firstName} ${child.lastName}`,
        born: date(child.birthDate),
        family: family.name,
        year,
        amount: amount(certificate.amount, tenant.currency),
      }),
    ),
  );
  doc
    .moveDown()
    .fontSize(9)
    .text(t(msg('certificate.childcare.scope', { age: certificate.ageLimit })));
  if (!certificate.eligible) {
    doc.moveDown().text(t(msg('certificate.childcare.notEligible', { age: certificate.ageLimit })));
  }
  doc.fontSize(10);
  paymentLines(doc, certificate.payments, tenant.currency, t, todayIn(tenant.timeZone, ctx.now()));
  doc.end();
  return { filename: `attestation-garde-${year}-${child.firstName}.pdf`, pdf: await bytes };
}

/**
 * An invoice's payment certificate as a PDF: its total, what was paid and what is left, and each
 * payment — when, how, its reference — or credit note applied. NOT_FOUND for a credit note or a
 * reader who may not see the invoice.
 */
export async function paymentCertificatePdf(
  ctx: TenantContext,
  number: string,
): Promise<{ filename: string; pdf: Buffer }> {
  const { tenant } = ctx;
  const invoice = await ctx.em.findOne(Invoice, { number });
  if (!invoice || !canSeeFamilyBilling(ctx, invoice.family.id)) throw new NotFoundError('Invoice');
  const certificate = await paymentCertificate(ctx, invoice);
  if (!certificate) throw new NotFoundError('Invoice');
  const family = await ctx.em.findOneOrFail(Family, { id: invoice.family.id });
  const language = tenantLanguage(tenant);
  const t = (message: Message) => render(message, language);
  const title = t(msg('certificate.payment.title', { number: invoice.number }));
  const { doc, bytes } = newDocument(title);
  doc.fontSize(16).text(tenant.name);
  doc.moveDown(0.5).fontSize(18).text(title);
  doc.moveDown().fontSize(11);
  doc.text(
    t(
      msg('certificate.payment.body', {
        tenant: tenant.name,
        family: family.name,
        number: invoice.number,
        total: amount(invoice.total, invoice.currency),
        paid: amount(certificate.paid, invoice.currency),
        due: amount(invoice.total - certificate.paid, invoice.currency),
      }),
    ),
  );
  doc.fontSize(10);
  paymentLines(doc, certificate.payments, invoice.currency, t, todayIn(tenant.timeZone, ctx.now()));
  doc.end();
  return { filename: `attestation-paiement-${invoice.number}.pdf`, pdf: await bytes };
}
