import PDFDocument from 'pdfkit';
import type { TenantContext } from '../../auth/context';
import { canSeeFamilyBilling } from '../../families/families.service';
import { Family } from '../../families/family.entity';
import { todayIn } from '../../shared/dates';
import { NotFoundError } from '../../shared/errors';
import { formatMoney } from '../../shared/money';
import { date, msg, render, tenantLanguage, type Message } from '../../shared/i18n';
import { accountFigures } from '../ledger';
import { Invoice, InvoiceKind } from '../invoices/invoice.entity';
import { settlements } from '../invoices/invoices.service';
import { Payment } from '../payments/payment.entity';
import { instalmentStates, plansOfFamilies } from '../payment-plans/payment-plans.service';

/** Payments listed on a statement (the most recent). */
const RECENT_PAYMENTS = 10;

/**
 * A family's statement, printable at the counter when a family comes to pay in cash during an
 * outage (pdfkit, A4, the tenant's language): what it was invoiced, credited and paid, what is
 * left to pay and late, each open invoice with what is left on it, its payment plans'
 * instalments, and its latest payments. Billing readers (staff, billing:read keys) and the
 * family's parents; NOT_FOUND for anyone else.
 */
export async function familyStatementPdf(
  ctx: TenantContext,
  familyId: string,
): Promise<{ filename: string; pdf: Buffer }> {
  const { tenant } = ctx;
  const family = await ctx.em.findOne(Family, { id: familyId });
  if (!family || !canSeeFamilyBilling(ctx, family.id)) throw new NotFoundError('Family');
  const figures = await accountFigures(ctx, [family.id]);
  const invoices = await ctx.em.find(
    Invoice,
    { family: family.id },
    { orderBy: { dueDate: 'asc', number: 'asc' } },
  );
  const payments = await ctx.em.find(
    Payment,
    { familyId: family.id },
    { orderBy: { receivedOn: 'desc' }, limit: RECENT_PAYMENTS },
  );
  const plans = await plansOfFamilies(ctx, [family.id]);
  const account = figures.get(family.id)!;
  const open = new Set(account.openInvoiceIds);
  const openInvoices = invoices.filter((i) => open.has(i.id) && i.kind !== InvoiceKind.CREDIT_NOTE);
  const settled = await settlements(
    ctx.em,
    tenant.id,
    openInvoices.map((i) => i.id),
  );
  const states = plans.length
    ? await instalmentStates(
        ctx,
        plans.map((p) => p.id),
      )
    : new Map();
  const money = (amount: number) => formatMoney({ amount, currency: tenant.currency }, tenant.locale);
  const language = tenantLanguage(tenant);
  const t = (message: Message) => render(message, language);
  const today = todayIn(tenant.timeZone, ctx.now());
  const title = t(msg('statement.title', { family: family.name, date: date(today) }));

  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: title } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const row = (cells: string[], widths: number[], bold = false) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    const y = doc.y;
    let x = 50;
    let bottom = y;
    cells.forEach((cell, i) => {
      doc.text(cell, x, y, { width: widths[i] - 6, align: i === 0 ? 'left' : 'right' });
      bottom = Math.max(bottom, doc.y);
      x += widths[i];
    });
    doc.x = 50;
    doc.y = bottom;
  };

  doc.fontSize(16).text(tenant.name);
  doc.moveDown(0.5).fontSize(18).text(title);
  doc.moveDown(0.5).fontSize(10);
  doc.text(
    [family.externalRef, family.address, [family.postalCode, family.city].filter(Boolean).join(' ')]
      .filter(Boolean)
      .join('\n'),
  );
  doc.moveDown();
  const figure = (label: Message, amount: number) => row([t(label), money(amount)], [300, 195]);
  figure(msg('statement.invoiced'), account.invoiced);
  figure(msg('statement.credited'), account.credited);
  figure(msg('statement.paid'), account.paid);
  doc.moveDown(0.3);
  row([t(msg('statement.due')), money(account.due)], [300, 195], true);
  figure(msg('statement.overdue'), account.overdue);
  if (account.credit) figure(msg('statement.credit'), account.credit);
  if (account.unbilled) figure(msg('statement.unbilled'), account.unbilled);

  const widths = [150, 115, 115, 115];
  if (openInvoices.length) {
    doc
      .moveDown()
      .fontSize(12)
      .font('Helvetica-Bold')
      .text(t(msg('statement.openInvoices')), 50);
    doc.fontSize(10);
    row(t(msg('statement.invoiceColumns')).split('|'), widths, true);
    openInvoices.forEach((invoice, i) =>
      row(
        [
          invoice.number,
          t(msg('statement.date', { date: date(invoice.dueDate) })),
          money(invoice.total),
          money(invoice.total - settled[i].allocated),
        ],
        widths,
      ),
    );
  }
  for (const plan of plans) {
    const list = states.get(plan.id) ?? [];
    if (!list.length) continue;
    doc
      .moveDown()
      .fontSize(12)
      .font('Helvetica-Bold')
      .text(t(msg('pdf.schedule')), 50);
    doc.fontSize(10);
    row(t(msg('statement.instalmentColumns')).split('|'), widths, true);
    for (const { instalment, paid, status } of list) {
      row(
        [
          t(msg('pdf.instalment', { position: instalment.position, due: date(instalment.dueDate) })),
          money(instalment.amount),
          money(paid),
          t(msg('statement.instalmentStatus', { status })),
        ],
        widths,
      );
    }
  }
  if (payments.length) {
    doc
      .moveDown()
      .fontSize(12)
      .font('Helvetica-Bold')
      .text(t(msg('statement.payments')), 50);
    doc.fontSize(10);
    for (const payment of payments) {
      row(
        [t(msg('statement.date', { date: date(payment.receivedOn) })), payment.method, money(payment.amount)],
        [150, 230, 115],
      );
    }
  }
  doc.end();
  return { filename: `releve-${family.externalRef ?? family.id}-${today}.pdf`, pdf: await done };
}
