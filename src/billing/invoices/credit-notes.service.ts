import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { todayIn } from '../../shared/dates';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { lockAccount, settleAccount } from '../ledger';
import { formatNumber, Series, takeNumbers } from '../numbering';
import { Invoice, InvoiceKind, InvoiceLine } from './invoice.entity';
import { amount, msg } from '../../shared/i18n';
import { handedOverRefusal } from '../reminders/handed-over';

export interface CreditNoteInput {
  invoiceId: string;
  /** Credit some units of some lines (each line once)… */
  lines?: { lineId: string; quantity: number }[] | null;
  /** …or an amount off the whole invoice. */
  amount?: number | null;
  reason: string;
}

/**
 * Corrects an issued invoice with a credit note (avoir), numbered in its own gapless series
 * (staff). The invoice itself never changes. Lines are credited by units — each line at most once
 * per note, and never beyond the units not credited yet — or an amount off the whole invoice,
 * never beyond what is left uncredited. The credit goes first to what is still due on that
 * invoice, and what is left to the family's other open invoices, or stays as credit.
 */
export const issueCreditNote = idempotentMutation(
  'issueCreditNote',
  async (ctx: TenantContext, input: CreditNoteInput): Promise<Outcome<{ creditNoteId: string }>> => {
    const { tenant } = ctx;
    const reason = input.reason.trim();
    if (!reason)
      return refuse(UserErrorCode.INVALID, msg('creditNote.reasonRequired', { max: 500 }), ['reason']);
    if (Boolean(input.lines?.length) === (input.amount !== null && input.amount !== undefined)) {
      return refuse(UserErrorCode.INVALID, msg('creditNote.linesOrAmount'), ['lines']);
    }
    const invoice = await ctx.em.findOne(Invoice, { id: input.invoiceId });
    if (!invoice) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Invoice' }), ['invoiceId']);
    if (invoice.kind === InvoiceKind.CREDIT_NOTE) {
      return refuse(UserErrorCode.INVALID, msg('creditNote.ofCreditNote'), ['invoiceId']);
    }
    await lockAccount(ctx, invoice.family.id);
    // The treasury collects a handed-over invoice: a correction goes through it, not through a credit here.
    const handedOver = await handedOverRefusal(ctx, [invoice.id], ['invoiceId']);
    if (handedOver) return { value: null, userErrors: [handedOver] };

    const lines = await ctx.em.find(InvoiceLine, { invoiceId: invoice.id }, { orderBy: { position: 'asc' } });
    const previous = await ctx.em.find(Invoice, { creditedInvoiceId: invoice.id });
    const previousLines = previous.length
      ? await ctx.em.find(InvoiceLine, { invoiceId: { $in: previous.map((p) => p.id) } })
      : [];
    const creditable = invoice.total - previous.reduce((sum, p) => sum + p.total, 0);

    const noteLines: Omit<InvoiceLine, 'id' | 'tenantId' | 'invoiceId' | 'position'>[] = [];
    if (input.lines?.length) {
      const named = new Set<string>();
      for (const [index, wanted] of input.lines.entries()) {
        const field = ['lines', String(index)];
        const line = lines.find((l) => l.id === wanted.lineId);
        if (!line) return refuse(UserErrorCode.NOT_FOUND, msg('creditNote.notALine'), field);
        if (named.has(line.id)) return refuse(UserErrorCode.INVALID, msg('creditNote.lineTwice'), field);
        named.add(line.id);
        const creditedUnits = previousLines
          .filter((p) => p.creditedLineId === line.id)
          .reduce((sum, p) => sum + p.quantity, 0);
        const left = line.quantity - creditedUnits;
        if (left < 1) return refuse(UserErrorCode.INVALID, msg('creditNote.lineCredited'), field);
        if (!Number.isInteger(wanted.quantity) || wanted.quantity < 1 || wanted.quantity > left) {
          return refuse(UserErrorCode.INVALID, msg('creditNote.units', { max: left }), field);
        }
        noteLines.push({
          month: line.month,
          serviceId: line.serviceId,
          label: `Avoir — ${line.label}`,
          quantity: wanted.quantity,
          unitPrice: line.unitPrice,
          amount: line.unitPrice * wanted.quantity,
          creditedLineId: line.id,
        });
      }
    } else {
      const amount = input.amount!;
      if (!Number.isInteger(amount) || amount < 1) {
        return refuse(UserErrorCode.INVALID, msg('amount.positive'), ['amount']);
      }
      noteLines.push({
        month: invoice.periodTo.slice(0, 7),
        serviceId: null,
        label: `Avoir sur la facture ${invoice.number} — ${reason}`,
        quantity: 1,
        unitPrice: amount,
        amount,
        creditedLineId: null,
      });
    }
    const total = noteLines.reduce((sum, l) => sum + l.amount, 0);
    if (total > creditable) {
      return refuse(
        UserErrorCode.INVALID,
        msg('creditNote.tooMuch', { max: amount(creditable, invoice.currency) }),
        input.lines?.length ? ['lines'] : ['amount'],
      );
    }

    const issueDate = todayIn(tenant.timeZone, ctx.now());
    const block = await takeNumbers(ctx, Series.CREDIT_NOTE, issueDate, 1);
    const note = ctx.em.create(Invoice, {
      id: randomUUID(),
      tenantId: tenant.id,
      family: invoice.family,
      kind: InvoiceKind.CREDIT_NOTE,
      series: block.series,
      year: block.year,
      sequence: block.first,
      number: formatNumber(block.series, block.year, block.first),
      period: null,
      periodFrom: invoice.periodFrom,
      periodTo: invoice.periodTo,
      issueDate,
      dueDate: issueDate,
      issuedAt: new Date(),
      total,
      currency: invoice.currency,
      billingRunId: null,
      creditedInvoiceId: invoice.id,
      reason,
    });
    // Plain uuid columns carry no ORM relation: the note is written before its lines.
    await ctx.em.flush();
    noteLines.forEach((line, index) =>
      ctx.em.create(InvoiceLine, { ...line, tenantId: tenant.id, invoiceId: note.id, position: index + 1 }),
    );
    audit(ctx, {
      action: 'CREDIT_NOTE_ISSUED',
      familyId: invoice.family.id,
      subjectId: note.id,
      details: { invoice: invoice.number, creditNote: note.number, total, reason },
    });
    await ctx.em.flush();
    await settleAccount(ctx, invoice.family.id, {
      first: [invoice.id],
      onlySource: { kind: 'CREDIT_NOTE', id: note.id },
    });
    return done({ creditNoteId: note.id });
  },
);
