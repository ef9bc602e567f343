import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { Facility } from '../../facilities/facility.entity';
import { FacilityType } from '../../facilities/facility.types';
import { Access, DASHBOARD_READERS, STAFF } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { ListLength } from '../../graphql/cost';
import { IdField, idempotencyKeyField, TextField } from '../../graphql/inputs';
import { afterCommit, payloadType } from '../../graphql/payload';
import { LocalDate, YearMonth } from '../../graphql/scalars';
import { endPlacement } from '../ending/end.service';
import { AgeGroup } from '../entities';
import { addMonths } from '../../shared/dates';
import { freePlacesByMonth, MAX_MONTHS, nextSixMonths, type GroupMonths } from '../free-places.service';
import { PlacementType } from './objects';
import { present } from '../../shared/loaders';

// Also on the dashboard (placementStatistics), which dashboard:read keys read.
@Access(DASHBOARD_READERS)
@ObjectType('PlacementMonthPlaces', { description: 'A facility age group’s places in one month.' })
export class MonthPlacesType {
  @Field(() => YearMonth, { description: 'The month, YYYY-MM.' })
  month!: string;
  @Field(() => Int, { description: 'Places that month (0 once a temporary facility has closed).' })
  capacity!: number;
  @Field(() => Int, { description: 'Placements running on at least one day of the month.' })
  placed!: number;
  @Field(() => Int, {
    description:
      'Open offers starting on or before the month’s last day (each holds a place from its start).',
  })
  offered!: number;
  @Field(() => Int, { description: 'Free places: capacity − placed − offered, never below 0.' })
  free!: number;
}

@Access(STAFF)
@ObjectType('PlacementGroupMonths', { description: 'A facility age group’s free places, month by month.' })
class GroupMonthsType {
  @Field(() => AgeGroup, { description: 'The age group.' })
  ageGroup!: AgeGroup;
  @Field(() => [MonthPlacesType], { description: 'Each month of the range, in order.' })
  months!: MonthPlacesType[];
  facilityId!: string;
}

@ArgsType()
class FreePlacesArgs {
  @IdField('Facility', { nullable: true, description: 'One facility; omitted: every facility.' })
  facilityId?: string | null;
  @Field(() => AgeGroup, { nullable: true, description: 'One age group; omitted: all.' })
  ageGroup?: AgeGroup | null;
  @Field(() => YearMonth, { description: 'First month, YYYY-MM.' })
  from!: string;
  @Field(() => YearMonth, { description: `Last month, YYYY-MM (at most ${MAX_MONTHS} months in all).` })
  to!: string;
}

@ArgsType()
export class MonthRangeArgs {
  @Field(() => YearMonth, {
    nullable: true,
    description: 'First month of the free places by month, YYYY-MM; omitted: this month.',
  })
  from?: string | null;
  @Field(() => YearMonth, {
    nullable: true,
    description: `Last month, YYYY-MM (at most ${MAX_MONTHS} months in all); omitted: five months after \`from\`.`,
  })
  to?: string | null;
}

/** The months asked, or this month and the five after it (in the tenant's calendar). */
export function monthRangeOf(ctx: GraphQLContext, args: MonthRangeArgs): { from: string; to: string } {
  const from = args.from ?? nextSixMonths(ctx).from;
  return { from, to: args.to ?? addMonths(`${from}-01`, 5).slice(0, 7) };
}

@InputType('EndPlacementInput', { description: 'A child leaves: the placement’s last day and why.' })
class EndPlacementInput {
  @IdField('Placement', { description: 'The placement.' })
  placementId!: string;
  @Field(() => LocalDate, {
    description: 'Its last day: not before its start, not after the end it already has (ageing out).',
  })
  endDate!: string;
  @TextField({ maxLength: 1000, description: 'Why (required, audited).' })
  reason!: string;
  @idempotencyKeyField()
  idempotencyKey!: string;
}

const EndPlacementPayload = payloadType('EndPlacementPayload', 'Result of endPlacement.', {
  placement: { type: () => PlacementType, nullable: true, description: 'The placement, as it now ends.' },
});

@Resolver(() => GroupMonthsType)
export class GroupMonthsResolver {
  @Access(STAFF)
  @ListLength((args) => (args.facilityId ? 3 : 60))
  @Query(() => [GroupMonthsType], {
    description: `Free places per facility age group and month (agents), by dates: capacity minus the placements running that month (a placement ended, aged out or transferred frees its place from the month after its last day) minus the open offers starting by the month's end. By facility name, then age. BAD_USER_INPUT (field \`to\`) for a range of more than ${MAX_MONTHS} months or backwards.`,
  })
  placementFreePlaces(@Args() args: FreePlacesArgs, @Ctx() ctx: GraphQLContext): Promise<GroupMonths[]> {
    return freePlacesByMonth(ctx, args);
  }

  @FieldResolver(() => FacilityType, { description: 'The facility.' })
  facility(@Root() g: GroupMonths, @Ctx() ctx: GraphQLContext): Promise<Facility> {
    return present(ctx.loaders.facilityById.load(g.facilityId));
  }

  @Access(STAFF)
  @Mutation(() => EndPlacementPayload, {
    description:
      'Ends a placement: the child leaves after `endDate` (agents; audited with the reason). Its place goes back to the age group at once, so it can be offered from the next day; the monthly charge stops after the end date’s month. NOT_FOUND, or INVALID when it has already ended, the date is before its start or after the end it already has (the child ageing out).',
  })
  async endPlacement(
    @Arg('input', { description: 'The placement, its last day and why.' }) input: EndPlacementInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await endPlacement(ctx, input);
    return {
      placement: afterCommit((read: GraphQLContext) =>
        value ? read.loaders.placementById.load(value.placementId) : null,
      ),
      userErrors,
    };
  }
}
