import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Access } from '../../graphql/access';
import { IdField, TextField } from '../../graphql/inputs';
import { MoneyType } from '../../graphql/money';
import { Node } from '../../graphql/node';
import { payloadType } from '../../graphql/payload';
import { DateTime, LocalDate } from '../../graphql/scalars';
import { BILLING_READERS, PAYMENT_READERS } from '../../reservations/reservation.types';
import { idempotencyKeyField } from '../../graphql/inputs';
import { PaymentMethod } from '../../tenants/tenant.entity';
import { PaymentChannel } from './payment.entity';

registerEnumType(PaymentChannel, {
  name: 'PaymentChannel',
  description: 'Where a payment was received.',
  valuesConfig: {
    ONLINE: { description: 'Online, through the payment provider.' },
    COUNTER: { description: 'At the counter (guichet), by an agent.' },
    DIRECT_DEBIT_RUN: { description: 'Collected by a direct-debit run.' },
  },
});

@Access(BILLING_READERS)
@ObjectType('Allocation', { description: 'Money put on an invoice, from a payment or a credit note.' })
export class AllocationType {
  @Field(() => MoneyType, { description: 'How much.' })
  amount!: MoneyType;

  @Field(() => DateTime, { description: 'When.' })
  createdAt!: Date;
}

@Access(PAYMENT_READERS)
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

@InputType('AllocationInput', { description: 'Part of a payment for one invoice.' })
export class AllocationInput {
  @IdField('Invoice', { description: 'The invoice.' })
  invoiceId!: string;

  @Field(() => Int, { description: 'Minor units.' })
  amount!: number;
}

@InputType('RecordPaymentInput', { description: 'Money received from a family.' })
export class RecordPaymentInput {
  @IdField('Family', { description: 'The family.' })
  familyId!: string;

  @Field(() => Int, { description: 'Minor units, positive (at most 10 000 000).' })
  amount!: number;

  @Field(() => PaymentMethod, { description: 'Cash and cheques at the counter only, as the tenant accepts.' })
  method!: PaymentMethod;

  @TextField({
    nullable: true,
    maxLength: 255,
    description: 'Cheque number, transaction id… (at most 255 characters).',
  })
  reference?: string | null;

  @Field(() => [AllocationInput], {
    nullable: true,
    description:
      'Where it goes (at most 100 invoices); by default the oldest open invoices. The rest becomes credit.',
  })
  allocations?: AllocationInput[] | null;

  @IdField('CashOffice', {
    nullable: true,
    description:
      'At the counter: the cash office (régie) taking it, which numbers its receipt. Required when the tenant has several active offices; defaults to its only one.',
  })
  cashOfficeId?: string | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('RecordDepositInput', { description: 'A deposit (acompte) taken at the counter.' })
export class RecordDepositInput {
  @IdField('Family', { description: 'The family.' })
  familyId!: string;

  @Field(() => Int, { description: 'Minor units, positive (at most 10 000 000).' })
  amount!: number;

  @Field(() => PaymentMethod, { description: 'A method the counter accepts.' })
  method!: PaymentMethod;

  @TextField({
    nullable: true,
    maxLength: 255,
    description: 'Receipt or cheque number (at most 255 characters).',
  })
  reference?: string | null;

  @IdField('CashOffice', {
    nullable: true,
    description:
      'At the counter: the cash office (régie) taking it, which numbers its receipt. Required when the tenant has several active offices; defaults to its only one.',
  })
  cashOfficeId?: string | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const RecordPaymentPayload = payloadType(
  'RecordPaymentPayload',
  'Result of recordPayment or recordDeposit.',
  {
    payment: { type: () => PaymentType, nullable: true, description: 'The payment.' },
  },
);
