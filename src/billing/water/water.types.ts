import { Extensions, Field, InputType, Int } from 'type-graphql';
import { IdField } from '../../graphql/inputs';
import { payloadType } from '../../graphql/payload';
import { LocalDate, YearMonth } from '../../graphql/scalars';
import { ChargeType } from '../../reservations/reservation.types';
import { idempotencyKeyField } from '../../graphql/inputs';

@InputType('RecordWaterConsumptionInput', { description: 'A water meter reading.' })
export class RecordWaterConsumptionInput {
  @IdField('Family', { description: 'The household.' })
  familyId!: string;

  @Field(() => LocalDate, {
    description:
      "Day of the reading, in the last two years and not after today (tenant's calendar): the consumption is dated then.",
  })
  readingDate!: string;

  @Field(() => Int, { description: 'Cubic metres consumed since the previous reading (1 to 5000).' })
  cubicMetres!: number;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const RecordWaterConsumptionPayload = payloadType(
  'RecordWaterConsumptionPayload',
  'Result of recordWaterConsumption.',
  {
    charge: {
      type: () => ChargeType,
      nullable: true,
      description: 'The consumption charge (billed at the regularisation).',
    },
  },
);

@InputType('SetWaterDebitInput', { description: "A household's monthly water direct debit." })
export class SetWaterDebitInput {
  @IdField('Family', { description: 'The household.' })
  familyId!: string;

  @Field(() => Int, { description: 'Minor units per month (at most 1 000 000); 0 stops the debit.' })
  monthlyAmount!: number;
}

export const SetWaterDebitPayload = payloadType('SetWaterDebitPayload', 'Result of setWaterDebit.', {
  monthlyAmount: {
    type: () => Int,
    nullable: true,
    description: 'The monthly amount now debited, minor units (0: stopped).',
  },
});

@InputType('CollectWaterDebitsInput', { description: "Take a month's water debits." })
export class CollectWaterDebitsInput {
  @Field(() => YearMonth, {
    description: 'The month, YYYY-MM. Safe to retry: each household is debited once per month.',
  })
  period!: string;
}

export const CollectWaterDebitsPayload = payloadType(
  'CollectWaterDebitsPayload',
  'Result of collectWaterDebits.',
  {
    debits: { type: () => Int, nullable: true, description: 'Debits taken now.' },
    skipped: {
      type: () => Boolean,
      nullable: true,
      description: 'True when billing is suspended: the month is skipped and settled at the regularisation.',
    },
  },
);

@InputType('RegulariseWaterInput', { description: 'The annual water regularisation.' })
export class RegulariseWaterInput {
  @Field(() => Int, { description: 'The year, once it is over (2000 to 2199).' })
  @Extensions({ range: [2000, 2199] })
  year!: number;

  @idempotencyKeyField()
  idempotencyKey!: string;
}
