import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { Access, STAFF } from '../../graphql/access';
import { IdField, idempotencyKeyField, TextField } from '../../graphql/inputs';
import { MoneyType } from '../../graphql/money';
import { Node } from '../../graphql/node';
import { payloadType } from '../../graphql/payload';
import { DateTime, LocalDate } from '../../graphql/scalars';
import { BILLING_READERS } from '../../reservations/reservation.types';
import { PaymentMethod } from '../../tenants/tenant.entity';

@Access(STAFF)
@ObjectType('CashOffice', {
  implements: Node,
  description: 'A cash office (régie): a counter with its own till and gapless receipt numbers (staff).',
})
export class CashOfficeType extends Node {
  @Field({ description: 'Short code printed in its receipt numbers, e.g. CANT (CANT-2026-000042).' })
  code!: string;

  @Field({ description: 'Its name, e.g. "Régie de la restauration scolaire".' })
  name!: string;

  @Field({ description: 'Whether it takes payments.' })
  active!: boolean;
}

@Access(BILLING_READERS)
@ObjectType('Receipt', {
  implements: Node,
  description:
    'The numbered receipt of a counter payment or deposit, gapless per cash office (and year). Never changes. Staff, billing:read keys, and the family.',
})
export class ReceiptType extends Node {
  @Field({ description: 'Its number, e.g. CANT-2026-000042: the office code, the year, the sequence.' })
  number!: string;

  @Field(() => LocalDate, { description: 'The day it was issued (the till it belongs to).' })
  day!: string;

  @Field(() => PaymentMethod, { description: 'How it was paid.' })
  method!: PaymentMethod;

  @Field(() => DateTime, { description: 'When it was issued.' })
  issuedAt!: Date;
}

@Access(STAFF)
@ObjectType('TillClosing', {
  description: "A till's closing for a day: counted against what its receipts say, differences kept (staff).",
})
export class TillClosingType {
  @Field(() => LocalDate, { description: 'The day closed.' })
  day!: string;

  @Field(() => Int, { description: 'Receipts issued that day.' })
  receipts!: number;

  @Field(() => MoneyType, { description: 'Cash the receipts say.' })
  expectedCash!: MoneyType;

  @Field(() => MoneyType, { description: 'Cash counted.' })
  countedCash!: MoneyType;

  @Field(() => MoneyType, { description: 'countedCash − expectedCash (negative: missing).' })
  cashDifference!: MoneyType;

  @Field(() => MoneyType, { description: 'Cheques the receipts say.' })
  expectedCheques!: MoneyType;

  @Field(() => MoneyType, { description: 'Cheques counted.' })
  countedCheques!: MoneyType;

  @Field(() => MoneyType, { description: 'countedCheques − expectedCheques.' })
  chequeDifference!: MoneyType;

  @Field(() => String, { nullable: true, description: "The agent's note (why a difference, who counted)." })
  note?: string | null;

  @Field(() => DateTime, { description: 'When it was closed.' })
  closedAt!: Date;
}

@InputType('CreateCashOfficeInput', { description: 'Open a cash office.' })
export class CreateCashOfficeInput {
  @TextField({
    maxLength: 8,
    description: 'Code printed in its receipt numbers: 1–8 capitals or digits, unique.',
  })
  code!: string;

  @TextField({ maxLength: 255, description: 'Its name.' })
  name!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('CloseTillInput', { description: "Close a cash office's till for a day." })
export class CloseTillInput {
  @IdField('CashOffice', { description: 'The cash office.' })
  cashOfficeId!: string;

  @Field(() => LocalDate, { nullable: true, description: 'The day (default: today); not in the future.' })
  day?: string | null;

  @Field(() => Int, { description: 'Cash counted, minor units (0 to 100,000,000).' })
  countedCash!: number;

  @Field(() => Int, { description: 'Total of the cheques counted, minor units (0 to 100,000,000).' })
  countedCheques!: number;

  @TextField({ nullable: true, maxLength: 1000, description: 'A note (at most 1000 characters).' })
  note?: string | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const CashOfficePayload = payloadType('CashOfficePayload', 'Result of createCashOffice.', {
  cashOffice: { type: () => CashOfficeType, nullable: true, description: 'The cash office.' },
});
export const CloseTillPayload = payloadType('CloseTillPayload', 'Result of closeTill.', {
  closing: { type: () => TillClosingType, nullable: true, description: 'The closing, as recorded.' },
});
