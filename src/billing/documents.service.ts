import { stringify } from 'csv-stringify/sync';
import PDFDocument from 'pdfkit';
import { can, Scope } from '../auth/viewer';
import { Family } from '../families/family.entity';
import { formatMoney } from '../shared/money';
import { BadInputError, ForbiddenError, NotFoundError } from '../shared/errors';
import { requireTenant, type ServiceContext } from '../shared/service-context';
import { periodBounds } from './billing-run.service';
import { Invoice, InvoiceKind, InvoiceLine } from './invoice.entity';
import { settlements } from './invoices.service';
import { PaymentPlan } from './payment-plan.entity';
import { instalmentStates } from './payment-plans.service';

const TITLES: Record<InvoiceKind, string> = {
  [InvoiceKind.INVOICE]: 'Facture',
  [InvoiceKind.CATCH_UP]: 'Facture de rattrapage',
  [InvoiceKind.CREDIT_NOTE]: 'Avoir',
  [InvoiceKind.REGULARISATION]: 'Facture de régularisation',
};

/**
 * An issued document as a PDF (pdfkit): the tenant, the family, the lines, the totals, the number,
 * the due date and the payment plan if any. Visible to agents and to the family's parents only.
 */
export async function invoicePdf(
  ctx: ServiceContext,
  number: string,
): Promise<{ filename: string; pdf: Buffer }> {
  const tenant = requireTenant(ctx);
  const invoice = await ctx.em.findOne(Invoice, { number });
  if (!invoice || !(can(ctx.viewer, Scope.FAMILIES_READ) || ctx.viewer.familyId === invoice.family.id)) {
    throw new NotFoundError('Invoice');
  }
  const [family, lines, [settlement]] = await Promise.all([
    ctx.em.findOneOrFail(Family, { id: invoice.family.id }),
    ctx.em.find(InvoiceLine, { invoiceId: invoice.id }, { orderBy: { position: 'asc' } }),
    settlements(ctx.em, tenant.id, [invoice.id]),
  ]);
  const plan = settlement.planId ? await ctx.em.findOne(PaymentPlan, { id: settlement.planId }) : null;
  const instalments = plan ? await instalmentStates(ctx, plan) : [];
  const money = (amount: number) => formatMoney({ amount, currency: invoice.currency }, tenant.locale);

  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `${TITLES[invoice.kind]} ${invoice.number}` },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  doc.fontSize(16).text(tenant.name);
  doc.moveDown(0.5).fontSize(20).text(`${TITLES[invoice.kind]} n° ${invoice.number}`);
  doc.moveDown(0.5).fontSize(10);
  doc.text(`Émise le ${invoice.issueDate} — à régler avant le ${invoice.dueDate}`);
  doc.text(`Période : du ${invoice.periodFrom} au ${invoice.periodTo}`);
  if (invoice.reason) doc.text(`Motif : ${invoice.reason}`);
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
  row('Désignation', 'Qté', 'Prix unit.', 'Montant');
  doc.font('Helvetica');
  for (const line of lines) row(line.label, String(line.quantity), money(line.unitPrice), money(line.amount));
  doc.moveDown();
  doc.font('Helvetica-Bold');
  row('Total', '', '', money(invoice.total));
  doc.font('Helvetica');
  if (invoice.kind !== InvoiceKind.CREDIT_NOTE) {
    row('Déjà réglé (paiements, acomptes, avoirs)', '', '', money(settlement.allocated));
    row('Reste à payer', '', '', money(invoice.total - settlement.allocated));
  }
  if (instalments.length) {
    doc.moveDown().font('Helvetica-Bold').text('Échéancier').font('Helvetica');
    for (const { instalment, paid } of instalments) {
      row(
        `Échéance ${instalment.position} — ${instalment.dueDate}`,
        '',
        money(paid),
        money(instalment.amount),
      );
    }
  }
  doc.end();
  return { filename: `${invoice.number}.pdf`, pdf: await done };
}

/**
 * The municipal treasury's export of a period (YYYY-MM): every document issued and every payment
 * received in it, one CSV line each, amounts in minor units and in decimal. Agents only.
 */
export async function treasuryCsv(ctx: ServiceContext, period: string): Promise<string> {
  const tenant = requireTenant(ctx);
  if (!can(ctx.viewer, Scope.FAMILIES_READ)) throw new ForbiddenError('The treasury export is for agents.');
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw new BadInputError('A period is YYYY-MM.', ['period']);
  const { from, to } = periodBounds(period);
  const rows = await ctx.em.execute<
    {
      type: string;
      number: string;
      date: string;
      due_date: string | null;
      family: string;
      family_ref: string | null;
      amount: number;
      method: string | null;
      reference: string | null;
    }[]
  >(
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
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency: tenant.currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  return stringify(
    rows.map((r) => [
      r.type,
      r.number,
      r.date,
      r.due_date ?? '',
      r.family,
      r.family_ref ?? '',
      r.amount,
      (r.amount / 10 ** digits).toFixed(digits),
      tenant.currency,
      r.method ?? '',
      r.reference ?? '',
    ]),
    {
      header: true,
      columns: [
        'type',
        'number',
        'date',
        'due_date',
        'family',
        'family_ref',
        'amount_minor',
        'amount',
        'currency',
        'method',
        'reference',
      ],
    },
  );
}
