import { ArgsType, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Scope } from '../auth/viewer';
import { Diet } from '../families/child.entity';
import { Access } from '../graphql/access';
import { IdField } from '../graphql/inputs';
import { LocalDate } from '../graphql/scalars';
import { FORECAST_LOOKBACK_DAYS, FORECAST_SESSIONS } from './meal-forecast';
import { daysIn, MAX_MEAL_COUNT_DAYS, MealCountSource } from './meal-counts.service';

registerEnumType(MealCountSource, {
  name: 'MealCountSource',
  description: 'How a meal count was obtained.',
  valuesConfig: {
    RESERVATIONS: {
      description:
        'The children booked (reservations still BOOKED): the canteen takes bookings, no roll call yet.',
    },
    ATTENDANCE: {
      description:
        "The children present at the day's roll call, walk-ins included (the roll call was taken).",
    },
    FORECAST: {
      description: `Nobody books (the canteen runs in WALK_IN mode) and no roll call yet: the mean of the children of the diet present on the school's last ${FORECAST_SESSIONS} days on the same weekday whose roll call was taken (within ${FORECAST_LOOKBACK_DAYS / 7} weeks), rounded up, and never fewer than the children booked; 0 without such days. \`basis\` says how many days it rests on.`,
    },
  },
});

@Access({ scopes: [Scope.MEALS_READ] })
@ObjectType('MealCount', {
  description:
    'Meals of one diet at one school on one day, for the kitchen: one row of the caterer’s grid (effectifs).',
})
/** The row as the service computes it; `facilityId` and `facility` are resolved (meal-counts.resolver.ts). */
export class MealCountType {
  @Field(() => LocalDate, { description: 'The day, in the tenant’s calendar.' })
  date!: string;

  @Field({ description: 'The school’s name.' })
  facilityName!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The school’s national code (UAI, e.g. 0301001A); null when the facility has none.',
  })
  nationalCode!: string | null;

  @Field(() => Diet, { description: 'The diet.' })
  diet!: Diet;

  @Field(() => Int, { description: 'Meals to cook for this diet, obtained as `source` says; 0 included.' })
  count!: number;

  @Field(() => MealCountSource, { description: 'How `count` was obtained.' })
  source!: MealCountSource;

  @Field(() => Int, {
    nullable: true,
    description: `FORECAST only: how many past days (0 to ${FORECAST_SESSIONS}) the forecast rests on; 0 means no history (count is then the bookings, usually 0). Null for the other sources.`,
  })
  basis!: number | null;

  @Field(() => Int, {
    description: 'Reservations made in advance for this diet, cancellations and walk-ins excluded.',
  })
  booked!: number;

  @Field(() => Int, { description: 'Meals eaten per the roll call, walk-ins included (0 before it).' })
  eaten!: number;

  @Field(() => Int, { description: 'Of the meals eaten, those without a reservation.' })
  walkIns!: number;
}

/** Diets per school and day in the grid: every value of Diet. */
const DIETS = Object.keys(Diet).length;
/** Schools assumed when no facilityIds are given (Nîmes has 83), for the cost estimate only. */
export const EXPECTED_SCHOOLS = 100;

/**
 * The expected rows of a mealCounts answer, for its cost: the open days of the range (five in
 * seven, at most a month's), times the schools asked for (else EXPECTED_SCHOOLS), times the diets.
 * A month of every school costs about 9,200 with flat fields, twice that with `facility { … }`.
 */
export function expectedMealCountRows(args: Record<string, unknown>): number {
  const { from, to, date, facilityId, facilityIds } = args as Partial<MealCountsArgs>;
  let days = 1;
  if (!date && typeof from === 'string' && typeof to === 'string') {
    days = Math.min(MAX_MEAL_COUNT_DAYS, Math.max(1, daysIn(from, to)));
  }
  const openDays = Math.ceil((days * 5) / 7);
  const schools = facilityId ? 1 : Array.isArray(facilityIds) ? facilityIds.length : EXPECTED_SCHOOLS;
  return openDays * schools * DIETS;
}

@ArgsType()
export class MealCountsArgs {
  @Field(() => LocalDate, {
    nullable: true,
    description:
      'First day, in the tenant’s calendar. Required (with `to`) unless the deprecated `date` is given.',
  })
  from?: string | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: `Last day, included: on or after \`from\`, at most ${MAX_MEAL_COUNT_DAYS} days in all (BAD_USER_INPUT otherwise).`,
  })
  to?: string | null;

  @IdField('Facility', {
    list: true,
    nullable: true,
    description:
      'Only these schools (Facility IDs, at most 100); omitted: every school with a canteen. A school without a canteen session in the range gives no rows.',
  })
  facilityIds?: string[] | null;

  @Field(() => LocalDate, {
    nullable: true,
    deprecationReason: 'Use `from` and `to` (the same day twice for one day).',
    description: 'One day: the same as `from` and `to` both set to it.',
  })
  date?: string | null;

  @IdField('Facility', {
    nullable: true,
    deprecationReason: 'Use `facilityIds`.',
    description: 'Only this school: the same as `facilityIds` with one ID.',
  })
  facilityId?: string | null;
}
