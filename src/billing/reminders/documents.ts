import PDFDocument from 'pdfkit';
import type { TenantContext } from '../../auth/context';
import { can, Scope } from '../../auth/viewer';
import { canSeeFamilyBilling } from '../../families/families.service';
import { Family } from '../../families/family.entity';
import { writeCsv, type CsvCell, type CsvFlavour } from '../../shared/csv';
import { NotFoundError } from '../../shared/errors';
import { amount, date, day, msg, render, tenantLanguage, type CollectionColumn } from '../../shared/i18n';
import { currencyDigits } from '../../shared/money';
import { Invoice } from '../invoices/invoice.entity';
import { Instalment } from '../payment-plans/payment-plan.entity';
import { Reminder, TreasuryBatch } from './reminder.entity';

/** Draws one reminder letter on the current page. */
async function drawLetter(ctx: TenantContext, doc: PDFKit.PDFDocument, reminder: Reminder): Promise<void> {
  const { tenant } = ctx;
  const language = tenantLanguage(tenant);
  const levels = tenant.config.reminderLevels ?? [];
  const last = reminder.level >= levels.length ? 'yes' : 'no';
  const family = await ctx.em.findOneOrFail(Family, { id: reminder.familyId });
  const invoice = reminder.invoiceId ? await ctx.em.findOneOrFail(Invoice, { id: reminder.invoiceId }) : null;
  const instalment = reminder.instalmentId
    ? await ctx.em.findOneOrFail(Instalment, { id: reminder.instalmentId })
    : null;
  const common = {
    level: reminder.level,
    last,
    amount: amount(reminder.amount, tenant.currency),
    dueDate: day(reminder.dueDate),
    fee: amount(reminder.fee, tenant.currency),
    hasFee: reminder.fee > 0 ? 'yes' : 'no',
  };
  doc.fontSize(14).text(tenant.name);
  doc.moveDown();
  doc.fontSize(11).text(family.name);
  doc.text(
    [family.address, [family.postalCode, family.city].filter(Boolean).join(' ')].filter(Boolean).join('\n'),
  );
  doc.moveDown(2).fontSize(18);
  doc.text(render(msg('reminders.letterTitle', { level: reminder.level, last }), language));
  doc.moveDown().fontSize(11);
  doc.text(render(msg('reminders.letterGreeting', { family: family.name }), language));
  doc.moveDown();
  doc.text(
    render(
      invoice
        ? msg('reminders.invoice', { ...common, number: invoice.number })
        : msg('reminders.instalment', { ...common, position: instalment!.position }),
      language,
    ),
  );
  doc.moveDown();
  doc.text(render(msg('reminders.letterPay', { date: date(reminder.sentOn) }), language));
}

function pdfOf(title: string): { doc: PDFKit.PDFDocument; bytes: Promise<Buffer> } {
  const doc = new PDFDocument({ size: 'A4', margin: 60, info: { Title: title } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const bytes = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  return { doc, bytes };
}

/** One reminder's letter (PDF): billing readers and the family; NOT_FOUND for anyone else. */
export async function reminderLetterPdf(
  ctx: TenantContext,
  reminderId: string,
): Promise<{ filename: string; pdf: Buffer }> {
  const reminder = await ctx.em.findOne(Reminder, { id: reminderId });
  if (!reminder || !canSeeFamilyBilling(ctx, reminder.familyId)) throw new NotFoundError('Node');
  const { doc, bytes } = pdfOf(`Relance ${reminder.level}`);
  await drawLetter(ctx, doc, reminder);
  doc.end();
  return { filename: `relance-${reminder.sentOn}-${reminder.level}.pdf`, pdf: await bytes };
}

/** Every letter of a batch, one per page, to print and post (billing readers: staff, their signed links). */
export async function reminderBatchLettersPdf(
  ctx: TenantContext,
  batchId: string,
): Promise<{ filename: string; pdf: Buffer }> {
  if (!can(ctx.viewer, Scope.BILLING_READ)) throw new NotFoundError('Node');
  const reminders = await ctx.em.find(Reminder, { batchId }, { orderBy: { familyId: 'asc', id: 'asc' } });
  if (reminders.length === 0) throw new NotFoundError('Node');
  const { doc, bytes } = pdfOf(`Relances ${reminders[0].sentOn}`);
  for (const [i, reminder] of reminders.entries()) {
    if (i > 0) doc.addPage();
    await drawLetter(ctx, doc, reminder);
  }
  doc.end();
  return { filename: `relances-${reminders[0].sentOn}.pdf`, pdf: await bytes };
}

interface HandOverRow {
  position: number;
  number: string;
  kind: string;
  issue_date: string;
  due_date: string;
  name: string;
  external_ref: string | null;
  address: string | null;
  postal_code: string | null;
  city: string | null;
  email: string | null;
  amount: number;
  period_from: string;
  period_to: string;
  last_name: string | null;
  first_name: string | null;
}

const COLUMNS: CollectionColumn[] = [
  'batch',
  'position',
  'invoice',
  'kind',
  'issueDate',
  'dueDate',
  'debtor',
  'debtorRef',
  'address',
  'postalCode',
  'city',
  'email',
  'minorUnits',
  'amount',
  'currency',
  'object',
  // Added after the first version (columns are only ever appended, so loaders keep working).
  'handedOverOn',
  'debtorLastName',
  'debtorFirstName',
  'budgetCode',
];

/**
 * A collection batch as the treasury loads it: one line per invoice handed over (its number,
 * dates, the debtor and their address, what it still owed, the object; then the batch's date, the
 * debtor's surname and first name — the first guardian's — and the tenant's budget code), headers
 * in the tenant's language. Billing readers only. The PES V2 fields these map to are in docs/billing.md.
 */
export async function treasuryBatchCsv(
  ctx: TenantContext,
  number: string,
  flavour: CsvFlavour,
): Promise<Buffer> {
  const { tenant } = ctx;
  if (!can(ctx.viewer, Scope.BILLING_READ)) throw new NotFoundError('Node');
  const batch = await ctx.em.findOne(TreasuryBatch, { number });
  if (!batch) throw new NotFoundError('Node');
  const rows = await ctx.em.execute<HandOverRow[]>(
    `select h.position, i.number, i.kind::text as kind, to_char(i.issue_date, 'YYYY-MM-DD') as issue_date,
            to_char(i.due_date, 'YYYY-MM-DD') as due_date, f.name, f.external_ref, f.address, f.postal_code, f.city,
            (select g->>'email' from json_array_elements(f.guardians::json) g where g->>'email' is not null limit 1) as email,
            h.amount, to_char(i.period_from, 'YYYY-MM-DD') as period_from, to_char(i.period_to, 'YYYY-MM-DD') as period_to,
            coalesce(f.guardians -> 0 ->> 'last_name', f.guardians -> 0 ->> 'lastName') as last_name,
            coalesce(f.guardians -> 0 ->> 'first_name', f.guardians -> 0 ->> 'firstName') as first_name
     from treasury_handovers h
     join invoices i on i.tenant_id = h.tenant_id and i.id = h.invoice_id
     join families f on f.tenant_id = h.tenant_id and f.id = h.family_id
     where h.tenant_id = ? and h.batch_id = ? order by h.position`,
    [tenant.id, batch.id],
  );
  const digits = currencyDigits(tenant.currency);
  const language = tenantLanguage(tenant);
  const cells: ((row: HandOverRow) => CsvCell)[] = [
    () => ({ text: batch.number }),
    (r) => ({ integer: r.position }),
    (r) => ({ text: r.number }),
    (r) => ({ text: r.kind }),
    (r) => ({ date: r.issue_date }),
    (r) => ({ date: r.due_date }),
    (r) => ({ text: r.name }),
    (r) => ({ text: r.external_ref }),
    (r) => ({ text: r.address }),
    (r) => ({ text: r.postal_code }),
    (r) => ({ text: r.city }),
    (r) => ({ text: r.email }),
    (r) => ({ integer: Number(r.amount) }),
    (r) => ({ money: Number(r.amount), digits }),
    () => ({ text: tenant.currency }),
    (r) => ({ text: `${r.number} ${r.period_from}/${r.period_to}` }),
    () => ({ date: batch.handedOverOn }),
    (r) => ({ text: r.last_name }),
    (r) => ({ text: r.first_name }),
    () => ({ text: tenant.config.treasuryBudgetCode ?? null }),
  ];
  return writeCsv(
    rows,
    cells.map((cell, i) => ({
      header: render(msg('treasuryBatch.column', { column: COLUMNS[i] }), language),
      cell,
    })),
    { flavour, locale: tenant.locale },
  );
}
