import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Access, STAFF } from '../../graphql/access';
import { IdField, idempotencyKeyField, TextField } from '../../graphql/inputs';
import { Node } from '../../graphql/node';
import { payloadType } from '../../graphql/payload';
import { DateTime, LocalDate } from '../../graphql/scalars';
import { BILLING_READERS } from '../../reservations/reservation.types';
import { PaymentMethod } from '../../tenants/tenant.entity';
import { DepositSlipStatus, RefundMethod } from './bank.entity';

registerEnumType(DepositSlipStatus, {
  name: 'DepositSlipStatus',
  description: 'Where a bank deposit slip stands.',
  valuesConfig: {
    PREPARED: { description: 'Numbered and printed, on its way to the bank.' },
    BANKED: { description: 'The bank took it: it never changes again.' },
  },
});
registerEnumType(RefundMethod, {
  name: 'RefundMethod',
  description: 'How a credit balance is paid back.',
  valuesConfig: {
    CASH: { description: "In cash, from the day's till (its closing expects that much less cash)." },
    CHEQUE: { description: 'By cheque.' },
    TRANSFER: { description: 'By bank transfer.' },
  },
});

@Access(STAFF)
@ObjectType('DepositSlip', {
  implements: Node,
  description:
    "A bank deposit slip (bordereau de remise): a cash office's cash, or its cheques, counted at till closings; numbered per office without gaps; never changes once banked (staff).",
})
export class DepositSlipType extends Node {
  @Field({ description: 'Its number, e.g. CANT-BR2026-000001: office code, BR, year, sequence.' })
  number!: string;

  @Field(() => PaymentMethod, { description: 'CASH or CHEQUE.' })
  method!: PaymentMethod;

  @Field(() => DepositSlipStatus, { description: 'PREPARED, then BANKED.' })
  status!: DepositSlipStatus;

  @Field(() => Int, { description: 'Till closings it groups.' })
  closings!: number;

  @Field(() => DateTime, { description: 'When it was prepared.' })
  createdAt!: Date;

  @Field(() => LocalDate, { nullable: true, description: 'The day the bank took it (null while PREPARED).' })
  bankedOn?: string | null;

  @Field(() => String, { nullable: true, description: "The bank's reference for the deposit, if given." })
  bankReference?: string | null;
}

@Access(BILLING_READERS)
@ObjectType('Refund', {
  implements: Node,
  description:
    "A numbered refund of a family's credit balance by a cash office; never changes. Staff, billing:read keys, and the family.",
})
export class RefundType extends Node {
  @Field({ description: 'Its number, e.g. CANT-RB2026-000001: office code, RB, year, sequence.' })
  number!: string;

  @Field(() => LocalDate, { description: 'The day it was paid back.' })
  day!: string;

  @Field(() => RefundMethod, { description: 'How it was paid back.' })
  method!: RefundMethod;

  @Field({ description: 'Why.' })
  reason!: string;

  @Field(() => String, { nullable: true, description: 'A reference (cheque or transfer number).' })
  reference?: string | null;

  @Field(() => DateTime, { description: 'When it was recorded.' })
  refundedAt!: Date;
}

@InputType('CreateDepositSlipInput', {
  description: "Prepare a deposit slip of a cash office's cash or cheques.",
})
export class CreateDepositSlipInput {
  @IdField('CashOffice', { description: 'The cash office.' })
  cashOfficeId!: string;

  @Field(() => PaymentMethod, { description: 'CASH or CHEQUE (banks take them on separate slips).' })
  method!: PaymentMethod;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('BankDepositSlipInput', { description: 'Record that the bank took a deposit slip.' })
export class BankDepositSlipInput {
  @IdField('DepositSlip', { description: 'The slip.' })
  slipId!: string;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'The day the bank took it (default: today); not in the future.',
  })
  bankedOn?: string | null;

  @TextField({
    nullable: true,
    maxLength: 100,
    description: "The bank's reference (at most 100 characters).",
  })
  bankReference?: string | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('RefundCreditInput', { description: "Refund part or all of a family's credit balance." })
export class RefundCreditInput {
  @IdField('Family', { description: 'The family.' })
  familyId!: string;

  @IdField('CashOffice', {
    nullable: true,
    description: "The cash office paying it back (default: the tenant's only active one).",
  })
  cashOfficeId?: string | null;

  @Field(() => Int, { description: 'Minor units, at least 1, at most the refundable credit.' })
  amount!: number;

  @Field(() => RefundMethod, { description: 'How it is paid back.' })
  method!: RefundMethod;

  @TextField({ maxLength: 500, description: 'Why (at most 500 characters), e.g. "Départ de la commune".' })
  reason!: string;

  @TextField({ nullable: true, maxLength: 255, description: 'A cheque or transfer number.' })
  reference?: string | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const DepositSlipPayload = payloadType(
  'DepositSlipPayload',
  'Result of createDepositSlip and bankDepositSlip.',
  {
    slip: { type: () => DepositSlipType, nullable: true, description: 'The slip.' },
  },
);
export const RefundPayload = payloadType('RefundPayload', 'Result of refundCredit.', {
  refund: { type: () => RefundType, nullable: true, description: 'The refund.' },
});
