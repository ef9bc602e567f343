import { Field, InputType, Int } from 'type-graphql';
import { ServiceType } from '../../facilities/facility.types';
import { IdField, idempotencyKeyField } from '../../graphql/inputs';
import { payloadType } from '../../graphql/payload';
import { LocalDate } from '../../graphql/scalars';
import { MAX_BRACKETS, MAX_UNIT_PRICE } from './price-grid';

@InputType('PriceBracketInput', {
  description: 'One line of a price grid: quotients in [minQuotient, maxQuotient).',
})
export class PriceBracketInput {
  @Field(() => Int, { description: 'Lowest quotient of the bracket (inclusive), from 0.' })
  minQuotient!: number;

  @Field(() => Int, {
    nullable: true,
    description:
      'First quotient above the bracket (exclusive); null for the top bracket (also families without a quotient).',
  })
  maxQuotient?: number | null;

  @Field(() => Int, { description: `Price of one unit in minor units (cents), 0 to ${MAX_UNIT_PRICE}.` })
  unitPrice!: number;
}

@InputType('SetPriceGridInput', { description: "A service's price grid from a date." })
export class SetPriceGridInput {
  @IdField('Service', { description: 'The service.' })
  serviceId!: string;

  @Field(() => LocalDate, {
    description:
      'First date the grid applies to; it runs until the next grid that starts later, if any. A past date is refused (INVALID) once a charge of the service is dated on or after it.',
  })
  validFrom!: string;

  @Field(() => [PriceBracketInput], {
    description: `1 to ${MAX_BRACKETS} brackets covering every quotient exactly once: from 0, each starting where another ends, the last without upper bound. A gap or an overlap is INVALID naming the bracket (\`["brackets", "<i>", "minQuotient"]\`).`,
  })
  brackets!: PriceBracketInput[];

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const SetPriceGridPayload = payloadType('SetPriceGridPayload', 'Result of setPriceGrid.', {
  service: {
    type: () => ServiceType,
    nullable: true,
    description: 'The service; read `priceGrid(on: validFrom)` for the new grid.',
  },
});
