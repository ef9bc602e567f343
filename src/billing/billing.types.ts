import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionOf, PageArgs } from '../graphql/connection';
import { MoneyType } from '../graphql/money';
import { Node } from '../graphql/node';
import { DateTime, LocalDate } from '../graphql/scalars';
import { UserErrorType } from '../graphql/user-error';
import { PaymentMethod } from '../tenants/tenant.entity';
import { ChargeType } from '../reservations/reservation.types';
import { BillingRunKind, BillingRunStatus } from './billing-run.entity';
import { InvoiceKind } from './invoice.entity';
import { InvoiceStatus } from './invoices.service';
import { PaymentChannel } from './payment.entity';
import { InstalmentStatus } from './payment-plans.service';

registerEnumType(InvoiceKind, {
  name: 'InvoiceKind',
  description: 'What an issued document is.',
  valuesConfig: {
    INVOICE: { description: "A month's charges." },
    CATCH_UP: { description: 'Every charge of a suspended billing period, issued on resumption.' },
    CREDIT_NOTE: { description: 'A correction of an issued invoice (avoir).' },
    REGULARISATION: { description: "A year's water consumption against what was debited." },
  },
});
registerEnumType(InvoiceStatus, {
  name: 'InvoiceStatus',
  description: 'Where an invoice stands, derived from its payments.',
  valuesConfig: {
    OPEN: { description: 'Something is left to pay; not due yet.' },
    OVERDUE: { description: 'Something is left to pay past the due date.' },
    ON_PLAN: { description: 'Spread by a payment plan (see its instalments).' },
    PAID: { description: 'Fully paid or credited.' },
    CREDIT_NOTE: { description: 'A credit note (nothing to pay).' },
  },
});
registerEnumType(BillingRunStatus, {
  name: 'BillingRunStatus',
  description: 'What a billing run did.',
  valuesConfig: {
    COMPLETED: { description: 'Invoices issued (possibly none, when nothing was billable).' },
    SUSPENDED: { description: 'Billing is suspended: nothing was issued, charges keep accruing.' },
  },
});
registerEnumType(BillingRunKind, {
  name: 'BillingRunKind',
  description: 'Which kind of run.',
  valuesConfig: {
    MONTHLY: { description: 'Month-end billing of a period.' },
    CATCH_UP: { description: 'Catch-up invoices when billing resumes.' },
    WATER_REGULARISATION: { description: 'Annual water regularisation.' },
  },
});
registerEnumType(PaymentChannel, {
  name: 'PaymentChannel',
  description: 'Where a payment was received.',
  valuesConfig: {
    ONLINE: { description: 'Online, through the payment provider.' },
    COUNTER: { description: 'At the counter (guichet), by an agent.' },
    DIRECT_DEBIT_RUN: { description: 'Collected by a direct-debit run.' },
  },
});
registerEnumType(InstalmentStatus, {
  name: 'InstalmentStatus',
  description: 'Where an instalment stands.',
  valuesConfig: {
    PAID: { description: 'Paid in full.' },
    DUE: { description: 'Not (fully) paid, not late yet.' },
    OVERDUE: { description: 'Not (fully) paid past its due date.' },
  },
});

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

@ObjectType('Invoice', {
  implements: Node,
  description:
    'An issued invoice, catch-up invoice, credit note or regularisation. Never changes once issued.',
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

@ObjectType('Allocation', { description: 'Money put on an invoice, from a payment or a credit note.' })
export class AllocationType {
  @Field(() => MoneyType, { description: 'How much.' })
  amount!: MoneyType;

  @Field(() => DateTime, { description: 'When.' })
  createdAt!: Date;
}

@ObjectType('Payment', { implements: Node, description: 'Money received from a family (or a deposit).' })
export class PaymentType extends Node {
  @Field(() => PaymentMethod, { description: 'How it was paid.' })
  method!: PaymentMethod;

  @Field(() => PaymentChannel, { description: 'Where it was received.' })
  channel!: PaymentChannel;

  @Field(() => String, { nullable: true, description: 'Cheque number, card transaction, bank reference…' })
  reference?: string | null;

  @Field({ description: 'Whether it is a deposit (acompte) taken before any invoice.' })
  isDeposit!: boolean;

  @Field(() => LocalDate, { description: 'Day received.' })
  receivedOn!: string;
}

@ObjectType('Instalment', { description: 'One monthly share of a payment plan.' })
export class InstalmentType {
  @Field(() => Int, { description: 'Order in the plan, from 1.' })
  position!: number;

  @Field(() => LocalDate, { description: "Due date (tenant's calendar)." })
  dueDate!: string;

  @Field(() => MoneyType, { description: 'Amount due.' })
  amount!: MoneyType;

  @Field(() => MoneyType, { description: 'Paid so far.' })
  paid!: MoneyType;

  @Field(() => InstalmentStatus, { description: 'Paid, due or overdue.' })
  status!: InstalmentStatus;
}

@ObjectType('PaymentPlan', {
  implements: Node,
  description:
    'Open invoices spread over monthly instalments (échelonnement). The rounding cents go to the first.',
})
export class PaymentPlanType extends Node {
  @Field(() => DateTime, { description: 'When it was agreed.' })
  createdAt!: Date;
}

@ObjectType('FamilyAccount', {
  description: "A family's account, derived from the ledger (charges, invoices, credit notes, payments).",
})
export class FamilyAccountType {
  @Field(() => MoneyType, {
    description: 'Owed (positive) or in credit (negative): invoiced − credited − paid.',
  })
  balance!: MoneyType;

  @Field(() => MoneyType, { description: 'Money received or credited not yet on any invoice.' })
  credit!: MoneyType;

  @Field(() => MoneyType, { description: 'Left to pay on open invoices.' })
  due!: MoneyType;

  @Field(() => MoneyType, {
    description: 'Of what is due, what is late (invoices off a plan, late instalments).',
  })
  overdue!: MoneyType;

  @Field(() => MoneyType, { description: 'Charges not invoiced yet (e.g. while billing is suspended).' })
  unbilled!: MoneyType;

  @Field(() => MoneyType, { description: 'Total invoiced.' })
  invoiced!: MoneyType;

  @Field(() => MoneyType, { description: 'Total of credit notes.' })
  credited!: MoneyType;

  @Field(() => MoneyType, { description: 'Total paid (deposits included).' })
  paid!: MoneyType;

  @Field(() => [InvoiceType], { description: 'Invoices with something left to pay, oldest first.' })
  openInvoices!: unknown[];
}

@ObjectType('BillingRun', { implements: Node, description: 'What one billing run did.' })
export class BillingRunType extends Node {
  @Field(() => BillingRunKind, { description: 'Monthly, catch-up or water regularisation.' })
  kind!: BillingRunKind;

  @Field(() => String, { nullable: true, description: 'The period billed, YYYY-MM (monthly runs).' })
  period?: string | null;

  @Field(() => LocalDate, { description: 'Charges dated up to this day were gathered.' })
  throughDate!: string;

  @Field(() => BillingRunStatus, { description: 'Completed, or suspended (nothing issued).' })
  status!: BillingRunStatus;

  @Field(() => Int, { description: 'Invoices issued.' })
  invoicesCreated!: number;

  @Field(() => Int, { description: 'Charges put on them.' })
  chargesInvoiced!: number;

  @Field(() => DateTime, { description: 'Start.' })
  startedAt!: Date;

  @Field(() => DateTime, { description: 'End.' })
  finishedAt!: Date;
}

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
}

@InputType('InvoiceFilter', { description: 'Which documents to list.' })
export class InvoiceFilterInput {
  @Field(() => String, {
    nullable: true,
    description: 'YYYY-MM: its monthly invoices and what was issued in it.',
  })
  period?: string | null;

  @Field(() => InvoiceStatus, { nullable: true, description: 'Only documents in this status.' })
  status?: InvoiceStatus | null;

  @Field(() => ID, { nullable: true, description: 'Only this family.' })
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

@InputType('RunBillingInput', { description: 'Bill a period.' })
export class RunBillingInput {
  @Field({ description: 'The month billed, YYYY-MM; it must be over.' })
  period!: string;

  @Field({ description: 'Unique per attempt; retry with the same key to replay the first result.' })
  idempotencyKey!: string;
}

@InputType('ResumeBillingInput', { description: 'End a billing suspension with catch-up invoices.' })
export class ResumeBillingInput {
  @Field(() => LocalDate, {
    nullable: true,
    description: 'Gather charges up to this day (default: the end of last month).',
  })
  through?: string | null;

  @Field({ description: 'Unique per attempt; retry with the same key to replay the first result.' })
  idempotencyKey!: string;
}

@InputType('SuspendBillingInput', { description: 'Suspend billing.' })
export class SuspendBillingInput {
  @Field(() => LocalDate, { nullable: true, description: 'Since when (default: today).' })
  since?: string | null;
}

@ObjectType('BillingRunPayload', { description: 'Result of runBilling or resumeBilling.' })
export class BillingRunPayload {
  @Field(() => BillingRunType, { nullable: true, description: 'The run.' })
  billingRun!: unknown;

  @Field(() => [UserErrorType], { description: 'Why it was refused, if it was.' })
  userErrors!: UserErrorType[];
}

@InputType('CreditNoteLineInput', { description: 'Units of an invoice line to credit.' })
export class CreditNoteLineInput {
  @Field(() => ID, { description: 'The invoice line.' })
  lineId!: string;

  @Field(() => Int, { description: 'How many of its units.' })
  quantity!: number;
}

@InputType('IssueCreditNoteInput', { description: 'Correct an issued invoice.' })
export class IssueCreditNoteInput {
  @Field(() => ID, { description: 'The invoice corrected.' })
  invoiceId!: string;

  @Field(() => [CreditNoteLineInput], { nullable: true, description: 'Credit these units of these lines…' })
  lines?: CreditNoteLineInput[] | null;

  @Field(() => Int, { nullable: true, description: '…or this amount (minor units) off the invoice.' })
  amount?: number | null;

  @Field({ description: 'Why (printed on the credit note).' })
  reason!: string;

  @Field({ description: 'Unique per attempt; retry with the same key to replay the first result.' })
  idempotencyKey!: string;
}

@ObjectType('IssueCreditNotePayload', { description: 'Result of issueCreditNote.' })
export class IssueCreditNotePayload {
  @Field(() => InvoiceType, { nullable: true, description: 'The credit note.' })
  creditNote!: unknown;

  @Field(() => [UserErrorType], { description: 'Why it was refused, if it was.' })
  userErrors!: UserErrorType[];
}

@InputType('CreatePaymentPlanInput', { description: 'Spread open invoices over monthly instalments.' })
export class CreatePaymentPlanInput {
  @Field(() => ID, { nullable: true, description: 'One invoice…' })
  invoiceId?: string | null;

  @Field(() => ID, { nullable: true, description: "…or all of a family's open invoices." })
  familyId?: string | null;

  @Field(() => Int, { description: "How many monthly instalments (within the tenant's limits)." })
  instalments!: number;

  @Field({ description: 'Unique per attempt; retry with the same key to replay the first result.' })
  idempotencyKey!: string;
}

@ObjectType('CreatePaymentPlanPayload', { description: 'Result of createPaymentPlan.' })
export class CreatePaymentPlanPayload {
  @Field(() => PaymentPlanType, { nullable: true, description: 'The plan.' })
  paymentPlan!: unknown;

  @Field(() => [UserErrorType], { description: 'Why it was refused, if it was.' })
  userErrors!: UserErrorType[];
}

@InputType('AllocationInput', { description: 'Part of a payment for one invoice.' })
export class AllocationInput {
  @Field(() => ID, { description: 'The invoice.' })
  invoiceId!: string;

  @Field(() => Int, { description: 'Minor units.' })
  amount!: number;
}

@InputType('RecordPaymentInput', { description: 'Money received from a family.' })
export class RecordPaymentInput {
  @Field(() => ID, { description: 'The family.' })
  familyId!: string;

  @Field(() => Int, { description: 'Minor units, positive.' })
  amount!: number;

  @Field(() => PaymentMethod, { description: 'Cash and cheques at the counter only, as the tenant accepts.' })
  method!: PaymentMethod;

  @Field(() => String, { nullable: true, description: 'Cheque number, transaction id…' })
  reference?: string | null;

  @Field(() => [AllocationInput], {
    nullable: true,
    description: 'Where it goes; by default the oldest open invoices. The rest becomes credit.',
  })
  allocations?: AllocationInput[] | null;

  @Field({ description: 'Unique per attempt; retry with the same key to replay the first result.' })
  idempotencyKey!: string;
}

@InputType('RecordDepositInput', { description: 'A deposit (acompte) taken at the counter.' })
export class RecordDepositInput {
  @Field(() => ID, { description: 'The family.' })
  familyId!: string;

  @Field(() => Int, { description: 'Minor units, positive.' })
  amount!: number;

  @Field(() => PaymentMethod, { description: 'A method the counter accepts.' })
  method!: PaymentMethod;

  @Field(() => String, { nullable: true, description: 'Receipt or cheque number.' })
  reference?: string | null;

  @Field({ description: 'Unique per attempt; retry with the same key to replay the first result.' })
  idempotencyKey!: string;
}

@ObjectType('RecordPaymentPayload', { description: 'Result of recordPayment or recordDeposit.' })
export class RecordPaymentPayload {
  @Field(() => PaymentType, { nullable: true, description: 'The payment.' })
  payment!: unknown;

  @Field(() => [UserErrorType], { description: 'Why it was refused, if it was.' })
  userErrors!: UserErrorType[];
}

@InputType('RecordWaterConsumptionInput', { description: 'A water meter reading.' })
export class RecordWaterConsumptionInput {
  @Field(() => ID, { description: 'The household.' })
  familyId!: string;

  @Field(() => LocalDate, { description: 'Day of the reading: the consumption is dated then.' })
  readingDate!: string;

  @Field(() => Int, { description: 'Cubic metres consumed since the previous reading.' })
  cubicMetres!: number;

  @Field({ description: 'Unique per attempt; retry with the same key to replay the first result.' })
  idempotencyKey!: string;
}

@ObjectType('RecordWaterConsumptionPayload', { description: 'Result of recordWaterConsumption.' })
export class RecordWaterConsumptionPayload {
  @Field(() => ChargeType, {
    nullable: true,
    description: 'The consumption charge (billed at the regularisation).',
  })
  charge!: unknown;

  @Field(() => [UserErrorType], { description: 'Why it was refused, if it was.' })
  userErrors!: UserErrorType[];
}

@InputType('SetWaterDebitInput', { description: "A household's monthly water direct debit." })
export class SetWaterDebitInput {
  @Field(() => ID, { description: 'The household.' })
  familyId!: string;

  @Field(() => Int, { description: 'Minor units per month; 0 stops the debit.' })
  monthlyAmount!: number;
}

@ObjectType('SetWaterDebitPayload', { description: 'Result of setWaterDebit.' })
export class SetWaterDebitPayload {
  @Field(() => Int, { nullable: true, description: 'The monthly amount now debited (0: stopped).' })
  monthlyAmount!: number | null;

  @Field(() => [UserErrorType], { description: 'Why it was refused, if it was.' })
  userErrors!: UserErrorType[];
}

@InputType('CollectWaterDebitsInput', { description: "Take a month's water debits." })
export class CollectWaterDebitsInput {
  @Field({ description: 'The month, YYYY-MM. Safe to retry: each household is debited once per month.' })
  period!: string;
}

@ObjectType('CollectWaterDebitsPayload', { description: 'Result of collectWaterDebits.' })
export class CollectWaterDebitsPayload {
  @Field(() => Int, { nullable: true, description: 'Debits taken now.' })
  debits!: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'True when billing is suspended: the month is skipped and settled at the regularisation.',
  })
  skipped!: boolean | null;

  @Field(() => [UserErrorType], { description: 'Why it was refused, if it was.' })
  userErrors!: UserErrorType[];
}

@InputType('RegulariseWaterInput', { description: 'The annual water regularisation.' })
export class RegulariseWaterInput {
  @Field(() => Int, { description: 'The year, once it is over.' })
  year!: number;

  @Field({ description: 'Unique per attempt; retry with the same key to replay the first result.' })
  idempotencyKey!: string;
}
