import { ArgsType, Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Scope } from '../../auth/viewer';
import { Access } from '../../graphql/access';
import { connectionOf, PageArgs } from '../../graphql/connection';
import { IdField, TextField } from '../../graphql/inputs';
import { MoneyType } from '../../graphql/money';
import { Node } from '../../graphql/node';
import { payloadType } from '../../graphql/payload';
import { LocalDate, YearMonth } from '../../graphql/scalars';
import { BILLING_READERS } from '../../reservations/reservation.types';
import { idempotencyKeyField } from '../../graphql/inputs';
import { InvoiceKind } from './invoice.entity';
import { InvoiceStatus } from './invoices.service';

registerEnumType(InvoiceKind, {
  name: 'InvoiceKind',
  description: 'What an issued document is.',
  valuesConfig: {
    INVOICE: { description: "A month's charges." },
    CATCH_UP: { description: 'Every charge of a suspended billing period, issued on resumption.' },
    CREDIT_NOTE: { description: 'A correction of an issued invoice (avoir).' },
    REGULARISATION: { description: "A year's water consumption against what was debited." },
    FEE: { description: 'A fee, e.g. for a rejected direct debit.' },
    REPLACEMENT: {
      description:
        "A corrective run's replacement invoice: the corrected charges billed again, pointing (`corrects`) to the invoice it corrects.",
    },
  },
});
/** The two flavours of the treasury CSV (src/shared/csv.ts). */
export enum TreasuryCsvFormat {
  SPREADSHEET = 'SPREADSHEET',
  RFC4180 = 'RFC4180',
}
registerEnumType(TreasuryCsvFormat, {
  name: 'TreasuryCsvFormat',
  description: 'How the treasury CSV is written.',
  valuesConfig: {
    SPREADSHEET: {
      description: 'For people: UTF-8 with BOM, `;`, decimal comma, dates as the tenant writes them.',
    },
    RFC4180: { description: 'For scripts: `,`, `.` decimals, ISO dates, no BOM.' },
  },
});

registerEnumType(InvoiceStatus, {
  name: 'InvoiceStatus',
  description:
    'Where an invoice stands, derived from its payments, its plan and its hand-over to the treasury.',
  valuesConfig: {
    OPEN: { description: 'Something is left to pay; not due yet.' },
    OVERDUE: { description: 'Something is left to pay past the due date.' },
    ON_PLAN: { description: 'Spread by a payment plan (see its instalments).' },
    PAID: { description: 'Fully paid or credited.' },
    CREDIT_NOTE: { description: 'A credit note (nothing to pay).' },
    HANDED_OVER: {
      description:
        'Handed over to the public treasury in a collection batch (see `treasuryHandOver`): the treasury collects what it still owed (`amountDue`); no payment, credit note, corrective run, plan or direct debit is put on it here any more. Takes precedence over OVERDUE and ON_PLAN.',
    },
  },
});

@Access(BILLING_READERS)
@ObjectType('InvoiceLine', { implements: Node, description: 'One line of an issued document.' })
export class InvoiceLineType extends Node {
  @Field(() => Int, { description: 'Order on the document, from 1.' })
  position!: number;

  @Field({ description: 'Month of the service rendered, YYYY-MM.' })
  month!: string;

  @Field({ description: 'What is billed, as printed.' })
  label!: string;

  @Field(() => Int, { description: 'Units (meals, days…).' })
  quantity!: number;

  @Field(() => MoneyType, { description: 'Price of one unit.' })
  unitPrice!: MoneyType;

  @Field(() => MoneyType, { description: 'quantity × unitPrice.' })
  amount!: MoneyType;
}

@Access(BILLING_READERS)
@ObjectType('Invoice', {
  implements: Node,
  description:
    'An issued invoice, catch-up invoice, credit note or regularisation. Never changes once issued. Staff, billing:read keys, and the family.',
})
export class InvoiceType extends Node {
  @Field({
    description:
      'Number, gapless per tenant and series (and year where the tenant wants), e.g. F2026-000042.',
  })
  number!: string;

  @Field(() => InvoiceKind, { description: 'What kind of document.' })
  kind!: InvoiceKind;

  @Field(() => String, { nullable: true, description: 'For a monthly invoice: the period, YYYY-MM.' })
  period?: string | null;

  @Field(() => LocalDate, { description: 'First day of the services billed.' })
  periodFrom!: string;

  @Field(() => LocalDate, { description: 'Last day of the services billed.' })
  periodTo!: string;

  @Field(() => LocalDate, { description: 'Issue date.' })
  issueDate!: string;

  @Field(() => LocalDate, { description: 'Due date.' })
  dueDate!: string;

  @Field(() => String, { nullable: true, description: 'For a credit note: why it was issued.' })
  reason?: string | null;
}

export const InvoiceConnection = connectionOf(InvoiceType, 'Invoice');

@Access({ scopes: [Scope.BILLING_READ, Scope.DASHBOARD_READ] })
@ObjectType('BillingTotals', { description: 'Dashboard figures for the documents issued in a period.' })
export class BillingTotalsType {
  @Field(() => Int, { description: 'Invoices issued.' })
  invoices!: number;

  @Field(() => MoneyType, { description: 'Total invoiced.' })
  billed!: MoneyType;

  @Field(() => MoneyType, { description: 'Total of credit notes.' })
  credited!: MoneyType;

  @Field(() => MoneyType, { description: 'Paid or credited on those invoices.' })
  paid!: MoneyType;

  @Field(() => MoneyType, { description: 'Left to pay on those invoices.' })
  outstanding!: MoneyType;

  @Field(() => MoneyType, { description: 'Of what is left, what payment plans spread.' })
  onPaymentPlans!: MoneyType;

  @Field(() => MoneyType, {
    description: "Of what is left, what is past its due date (the tenant's today, in its time zone).",
  })
  overdue!: MoneyType;

  @Field(() => Int, { description: 'Invoices with something left to pay past their due date.' })
  overdueInvoices!: number;
}

@InputType('InvoiceFilter', { description: 'Which documents to list.' })
export class InvoiceFilterInput {
  @Field(() => YearMonth, {
    nullable: true,
    description: 'YYYY-MM: its monthly invoices and what was issued in it.',
  })
  period?: string | null;

  @Field(() => InvoiceStatus, { nullable: true, description: 'Only documents in this status.' })
  status?: InvoiceStatus | null;

  @IdField('Family', { nullable: true, description: 'Only this family (required for parents: their own).' })
  familyId?: string | null;

  @Field(() => InvoiceKind, { nullable: true, description: 'Only this kind.' })
  kind?: InvoiceKind | null;
}

@ArgsType()
export class InvoicesArgs extends PageArgs {
  @Field(() => InvoiceFilterInput, { nullable: true, description: 'Filters.' })
  filter?: InvoiceFilterInput | null;
}

@ArgsType()
export class FamilyInvoicesArgs extends PageArgs {
  @Field(() => InvoiceStatus, { nullable: true, description: 'Only documents in this status.' })
  status?: InvoiceStatus | null;
}

@InputType('CreditNoteLineInput', { description: 'Units of an invoice line to credit.' })
export class CreditNoteLineInput {
  @IdField('InvoiceLine', { description: 'The invoice line (each line at most once per credit note).' })
  lineId!: string;

  @Field(() => Int, { description: 'How many of its units (at most those not credited yet).' })
  quantity!: number;
}

@InputType('IssueCreditNoteInput', { description: 'Correct an issued invoice.' })
export class IssueCreditNoteInput {
  @IdField('Invoice', { description: 'The invoice corrected.' })
  invoiceId!: string;

  @Field(() => [CreditNoteLineInput], {
    nullable: true,
    description: 'Credit these units of these lines (at most 100 lines)…',
  })
  lines?: CreditNoteLineInput[] | null;

  @Field(() => Int, { nullable: true, description: '…or this amount (minor units) off the invoice.' })
  amount?: number | null;

  @TextField({ maxLength: 500, description: 'Why (printed on the credit note), at most 500 characters.' })
  reason!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const IssueCreditNotePayload = payloadType('IssueCreditNotePayload', 'Result of issueCreditNote.', {
  creditNote: { type: () => InvoiceType, nullable: true, description: 'The credit note.' },
});
