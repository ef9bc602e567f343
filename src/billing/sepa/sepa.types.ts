import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Access, STAFF } from '../../graphql/access';
import { IdField, idempotencyKeyField, TextField } from '../../graphql/inputs';
import { MoneyType } from '../../graphql/money';
import { Node } from '../../graphql/node';
import { payloadType } from '../../graphql/payload';
import { DateTime, LocalDate } from '../../graphql/scalars';
import { TenantType } from '../../directory/tenant.types';
import { DebitBatchStatus, DebitStatus, MandateStatus, SequenceType } from './sepa.entity';

registerEnumType(SequenceType, {
  name: 'SepaSequenceType',
  description: "The SEPA sequence type of a mandate's next debit.",
  valuesConfig: {
    FRST: { description: 'First debit of a recurrent mandate (again after a rejected first debit).' },
    RCUR: { description: 'Recurrent debit.' },
    OOFF: { description: "A one-off mandate's only debit." },
    FNAL: { description: 'Last debit of a recurrent mandate, which then closes.' },
  },
});
registerEnumType(MandateStatus, {
  name: 'MandateStatus',
  description: 'Whether a mandate may be debited.',
  valuesConfig: { ACTIVE: { description: 'May be debited.' }, CLOSED: { description: 'Closed.' } },
});
registerEnumType(DebitBatchStatus, {
  name: 'DebitBatchStatus',
  description: 'Where a debit batch stands.',
  valuesConfig: {
    PREPARED: {
      description:
        "Prepared (createDebitBatch with prepare: true), not exported yet: each debit follows the family's payments and credits (a credit note, a corrective run, a counter payment…) — reduced to what its invoices still owe, WITHDRAWN at zero — until exportDebitBatch freezes it.",
    },
    EXPORTED: {
      description:
        "Its pain.008 is frozen for the bank (exportedAt); the debits await the bank's answer and never change.",
    },
    SETTLED: { description: 'Its return file was imported: each debit collected or rejected.' },
  },
});
registerEnumType(DebitStatus, {
  name: 'DebitStatus',
  description: 'Where one debit stands.',
  valuesConfig: {
    PENDING: { description: "Sent, awaiting the bank's answer: its invoices are still due." },
    COLLECTED: { description: 'Collected: a DIRECT_DEBIT payment settled its invoices.' },
    REJECTED: { description: 'Rejected by the bank (reasonCode): its invoices are due again.' },
    WITHDRAWN: {
      description:
        'Taken out of a prepared batch before export because its invoices no longer owed anything (paid or credited meanwhile); not in the pain.008, never collected.',
    },
  },
});

@Access(STAFF)
@ObjectType('Mandate', {
  implements: Node,
  description: "A household's SEPA direct-debit mandate (mandat de prélèvement SEPA). Staff.",
})
export class MandateType extends Node {
  @Field({ description: 'Unique mandate reference (RUM), at most 35 characters.' })
  reference!: string;

  @Field(() => LocalDate, { description: 'Date of signature.' })
  signedOn!: string;

  @Field({ description: "The account holder's name." })
  debtorName!: string;

  @Field({ description: 'IBAN, electronic format (no spaces), checksum validated.' })
  iban!: string;

  @Field(() => String, { nullable: true, description: "The debtor's bank BIC, when given." })
  bic?: string | null;

  @Field(() => SequenceType, { description: 'The sequence type of its next debit.' })
  sequence!: SequenceType;

  @Field(() => MandateStatus, { description: 'Active or closed.' })
  status!: MandateStatus;

  @Field(() => DateTime, { nullable: true, description: 'When it was closed.' })
  closedAt?: Date | null;
}

@Access(STAFF)
@ObjectType('DebitInstalment', { description: 'A payment-plan instalment a debit pays (staff).' })
export class DebitInstalmentType {
  @Field(() => ID, { description: 'The global id of its PaymentPlan.' })
  paymentPlanId!: string;

  @Field(() => Int, { description: 'Its position in the plan, from 1.' })
  position!: number;

  @Field(() => LocalDate, { description: "Its due date (tenant's calendar)." })
  dueDate!: string;
}

@Access(STAFF)
@ObjectType('Debit', { description: "One family's debit in a batch (staff)." })
export class DebitType {
  @Field({ description: 'The end-to-end id sent to the bank (and found in its return file).' })
  endToEndId!: string;

  @Field(() => MoneyType, {
    description:
      'Amount debited: what its invoices owed (as adjusted while its batch was PREPARED), plus instalmentAmount, plus waterAmount.',
  })
  amount!: MoneyType;

  @Field(() => MoneyType, {
    description:
      "The household's monthly water debit it carries (0 when none), recorded as that month's water payment (earmarked for the regularisation) when collected.",
  })
  waterAmount!: MoneyType;

  @Field(() => String, { nullable: true, description: 'The month (YYYY-MM) of the water debit it carries.' })
  waterPeriod?: string | null;

  @Field(() => MoneyType, {
    description:
      "What the payment-plan instalments it pays still owed (0 when none; as reduced while its batch was PREPARED). Collected, it goes to the plans' invoices, oldest due first, as a counter payment of the instalments would.",
  })
  instalmentAmount!: MoneyType;

  @Field(() => [DebitInstalmentType], {
    description:
      "The payment-plan instalments it pays: those due by the batch's collection date and not paid, oldest due first. A plan's invoices are never in invoiceNumbers: their instalments are debited instead.",
  })
  instalments!: DebitInstalmentType[];

  @Field(() => SequenceType, { description: 'Its SEPA sequence type.' })
  sequence!: SequenceType;

  @Field(() => DebitStatus, { description: 'Pending, collected, rejected or withdrawn.' })
  status!: DebitStatus;

  @Field(() => String, {
    nullable: true,
    description:
      "A rejection: the bank's ISO 20022 reason code (AM04 insufficient funds, AC04 account closed, MD01 no mandate…).",
  })
  reasonCode?: string | null;

  @Field(() => [String], { description: 'Numbers of the invoices it pays, oldest due first.' })
  invoiceNumbers!: string[];
}

@Access(STAFF)
@ObjectType('DebitBatch', {
  implements: Node,
  description: 'The debits of one collection date, exported as one ISO 20022 pain.008 message (staff).',
})
export class DebitBatchType extends Node {
  @Field({ description: 'Its message id, gapless per tenant, e.g. PRLV2026-000003.' })
  reference!: string;

  @Field(() => LocalDate, { description: 'Requested collection date.' })
  collectionDate!: string;

  @Field(() => DebitBatchStatus, { description: 'Prepared, exported or settled.' })
  status!: DebitBatchStatus;

  @Field(() => DateTime, { description: 'When it was created.' })
  createdAt!: Date;

  @Field(() => DateTime, {
    nullable: true,
    description:
      'When its file was frozen for the bank (exportDebitBatch, or at creation); null while PREPARED.',
  })
  exportedAt?: Date | null;
}

@InputType('SetSepaCreditorInput', { description: "The tenant's creditor details for SEPA direct debits." })
export class SetSepaCreditorInput {
  @TextField({
    maxLength: 35,
    description: 'SEPA creditor identifier (ICS), e.g. FR12ZZZ123456; check digits verified.',
  })
  creditorId!: string;

  @TextField({ maxLength: 70, description: 'Creditor name on debits (at most 70 characters).' })
  name!: string;

  @TextField({ maxLength: 42, description: 'The IBAN debits are paid into (spaces allowed).' })
  iban!: string;

  @TextField({ nullable: true, maxLength: 11, description: 'Its BIC (optional).' })
  bic?: string | null;

  @Field(() => Int, {
    description: 'Fee invoiced per rejected debit, minor units (0: none; at most 100000).',
  })
  rejectionFee!: number;
}

@InputType('CreateMandateInput', { description: "A household's signed SEPA mandate." })
export class CreateMandateInput {
  @IdField('Family', { description: 'The family (at most one active mandate).' })
  familyId!: string;

  @TextField({
    maxLength: 35,
    description: "Unique mandate reference (RUM): 1–35 letters, digits, spaces, + ? / - : ( ) . , '.",
  })
  reference!: string;

  @Field(() => LocalDate, { description: 'Date of signature (today or before).' })
  signedOn!: string;

  @TextField({ maxLength: 70, description: "The account holder's name." })
  debtorName!: string;

  @TextField({
    maxLength: 42,
    description: 'IBAN (spaces allowed); length and check digits verified, SEPA countries only.',
  })
  iban!: string;

  @TextField({ nullable: true, maxLength: 11, description: 'BIC (optional).' })
  bic?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'A one-off mandate (OOFF); default recurrent (FRST then RCUR).',
  })
  oneOff?: boolean | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('CloseMandateInput', { description: 'Close a mandate.' })
export class CloseMandateInput {
  @IdField('Mandate', { description: 'The mandate.' })
  mandateId!: string;

  @Field(() => Boolean, {
    nullable: true,
    description: 'After its next debit, sent FNAL (default: at once).',
  })
  afterNextDebit?: boolean | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('CreateDebitBatchInput', { description: 'Debit what is due by a collection date.' })
export class CreateDebitBatchInput {
  @Field(() => LocalDate, { description: 'Requested collection date (after today).' })
  collectionDate!: string;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "true: the batch is PREPARED — until exportDebitBatch, each debit follows the family's payments and credits (reduced to what its invoices still owe, WITHDRAWN at zero), and DebitBatch.pain008 is a preview. Default false: EXPORTED at once (the file is frozen as created).",
  })
  prepare?: boolean | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('ExportDebitBatchInput', { description: 'Freeze a prepared debit batch for the bank.' })
export class ExportDebitBatchInput {
  @IdField('DebitBatch', { description: 'The prepared batch.' })
  batchId!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('ImportDebitReturnsInput', { description: "The bank's return file for a batch." })
export class ImportDebitReturnsInput {
  @IdField('DebitBatch', { description: 'The batch.' })
  batchId!: string;

  @TextField({
    maxLength: 99_000,
    description:
      'The ISO 20022 pain.002.001.03 payment status report, as XML text (at most 99,000 characters: split a larger report).',
  })
  file!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const SetSepaCreditorPayload = payloadType('SetSepaCreditorPayload', 'Result of setSepaCreditor.', {
  tenant: { type: () => TenantType, description: 'The tenant.' },
});
export const MandatePayload = payloadType('MandatePayload', 'Result of createMandate or closeMandate.', {
  mandate: { type: () => MandateType, nullable: true, description: 'The mandate.' },
});
export const DebitBatchPayload = payloadType(
  'DebitBatchPayload',
  'Result of createDebitBatch or exportDebitBatch.',
  {
    debitBatch: { type: () => DebitBatchType, nullable: true, description: 'The batch.' },
  },
);
export const ImportDebitReturnsPayload = payloadType(
  'ImportDebitReturnsPayload',
  'Result of importDebitReturns.',
  {
    debitBatch: { type: () => DebitBatchType, nullable: true, description: 'The batch, settled.' },
    rejected: { type: () => Int, nullable: true, description: 'Debits rejected (their invoices due again).' },
    collected: { type: () => Int, nullable: true, description: 'Debits collected (paid).' },
  },
);
