import { Extensions, Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Access, STAFF } from '../../graphql/access';
import { idempotencyKeyField } from '../../graphql/inputs';
import { MoneyType } from '../../graphql/money';
import { Node } from '../../graphql/node';
import { payloadType } from '../../graphql/payload';
import { DateTime, LocalDate } from '../../graphql/scalars';
import { Scope } from '../../auth/viewer';
import { BILLING_READERS } from '../../reservations/reservation.types';
import { ReminderSource } from './reminder.entity';

registerEnumType(ReminderSource, {
  name: 'ReminderSource',
  description: 'Who sent a batch of reminders.',
  valuesConfig: {
    JOB: { description: 'The daily job.' },
    AGENT: { description: 'An agent (runReminders).' },
  },
});

@Access(STAFF)
@ObjectType('ReminderLevel', { description: 'One reminder level of the tenant.' })
export class ReminderLevelType {
  @Field(() => Int, { description: 'Days after the due date it is sent (1–365).' })
  days!: number;

  @Field(() => MoneyType, { description: 'The fee it charges, once per debt (zero: none).' })
  fee!: MoneyType;
}

@Access(STAFF)
@ObjectType('ReminderPolicy', {
  description: "The tenant's reminder levels and when debts go to the public treasury (staff).",
})
export class ReminderPolicyType {
  @Field(() => [ReminderLevelType], { description: 'The levels, in order.' })
  levels!: ReminderLevelType[];

  @Field(() => Int, {
    description: 'Days after the due date when a debt past its last reminder is handed over to the treasury.',
  })
  handOverDays!: number;
}

@Access(BILLING_READERS)
@ObjectType('Reminder', {
  implements: Node,
  description:
    'One reminder level sent for an overdue invoice or a missed instalment. Never changes. Staff, billing:read keys, and the family.',
})
export class ReminderType extends Node {
  @Field(() => Int, { description: 'Its level, 1 for the first.' })
  level!: number;

  @Field(() => LocalDate, { description: 'The due date it is about (the invoice’s or the instalment’s).' })
  dueDate!: string;

  @Field(() => LocalDate, { description: 'The day it was sent.' })
  sentOn!: string;
}

@Access(STAFF)
@ObjectType('ReminderBatch', {
  implements: Node,
  description: 'One batch of reminders, from the daily job or an agent (staff).',
})
export class ReminderBatchType extends Node {
  @Field(() => LocalDate, { description: 'The tenant-local day it ran.' })
  runOn!: string;

  @Field(() => ReminderSource, { description: 'Who ran it.' })
  source!: ReminderSource;

  @Field(() => Int, { description: 'Reminders sent.' })
  reminders!: number;

  @Field(() => Int, { description: 'Fees charged (each a FEE invoice).' })
  fees!: number;

  @Field(() => DateTime, { description: 'When it ran.' })
  createdAt!: Date;
}

@Access({ scopes: [Scope.BILLING_READ] })
@ObjectType('TreasuryBatch', {
  implements: Node,
  description:
    'A numbered collection batch: invoices handed over to the public treasury. Staff and billing:read keys.',
})
export class TreasuryBatchType extends Node {
  @Field({ description: 'Its number, gapless per tenant and year, e.g. TP2026-000001.' })
  number!: string;

  @Field(() => LocalDate, { description: 'The day the invoices were handed over.' })
  handedOverOn!: string;

  @Field(() => Int, { description: 'Invoices handed over.' })
  invoices!: number;
}

@Access(BILLING_READERS)
@ObjectType('TreasuryHandOver', {
  description: 'An invoice handed over to the public treasury, which collects it from then on.',
})
export class TreasuryHandOverType {
  @Field({ description: 'The collection batch’s number, e.g. TP2026-000001.' })
  batchNumber!: string;

  @Field(() => LocalDate, { description: 'The day it was handed over.' })
  handedOverOn!: string;

  @Field(() => Int, { description: 'Its position in the batch (1, 2, …).' })
  position!: number;

  @Field(() => MoneyType, { description: 'What it still owed then: what the treasury collects.' })
  amount!: MoneyType;
}

@InputType('ReminderLevelInput', { description: 'One reminder level.' })
export class ReminderLevelInput {
  @Field(() => Int, { description: 'Days after the due date (1–365), more than the level before.' })
  days!: number;

  @Field(() => Int, { description: 'Fee in minor units, charged once per debt (0 to 100,000; 0: none).' })
  fee!: number;
}

@InputType('SetReminderPolicyInput', { description: "The tenant's reminder levels and hand-over delay." })
export class SetReminderPolicyInput {
  @Extensions({ maxItems: 5 })
  @Field(() => [ReminderLevelInput], {
    description: 'The levels, in order (1 to 5), each later than the one before.',
  })
  levels!: ReminderLevelInput[];

  @Field(() => Int, {
    description: 'Days after the due date for the hand-over: after the last level, at most 730.',
  })
  handOverDays!: number;
}

@InputType('RunRemindersInput', { description: 'Send the reminders that are due today.' })
export class RunRemindersInput {
  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('HandOverToTreasuryInput', { description: 'Hand over the debts past their last reminder.' })
export class HandOverToTreasuryInput {
  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const ReminderPolicyPayload = payloadType('ReminderPolicyPayload', 'Result of setReminderPolicy.', {
  policy: { type: () => ReminderPolicyType, nullable: true, description: 'The policy as set.' },
});
export const RunRemindersPayload = payloadType('RunRemindersPayload', 'Result of runReminders.', {
  batch: {
    type: () => ReminderBatchType,
    nullable: true,
    description: 'The batch sent; null when no reminder was due (nothing was written).',
  },
});
export const HandOverToTreasuryPayload = payloadType(
  'HandOverToTreasuryPayload',
  'Result of handOverToTreasury.',
  { treasuryBatch: { type: () => TreasuryBatchType, nullable: true, description: 'The collection batch.' } },
);
