import { Args, Ctx, Field, FieldResolver, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { Facility } from '../../facilities/facility.entity';
import { FacilityType } from '../../facilities/facility.types';
import { Access, DASHBOARD_READERS } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { ListLength } from '../../graphql/cost';
import { AgeGroup } from '../entities';
import { MonthPlacesType, MonthRangeArgs, monthRangeOf } from './places.resolver';
import { placementStatistics, type GroupFigures, type PlacementStatistics } from '../statistics.service';
import { present } from '../../shared/loaders';

@Access(DASHBOARD_READERS)
@ObjectType('PlacementGroupFigures', { description: 'One facility age group on the dashboard.' })
class GroupFiguresType {
  @Field(() => AgeGroup, { description: 'The age group.' })
  ageGroup!: AgeGroup;
  @Field(() => Int, { description: 'Places.' })
  capacity!: number;
  @Field(() => Int, { description: 'Places held by placements.' })
  placesTaken!: number;
  @Field(() => Int, { description: 'Open offers.' })
  openOffers!: number;
  @Field(() => Int, { description: 'Applications waiting there.' })
  waiting!: number;
  @Field(() => [MonthPlacesType], {
    description:
      'Free places month by month over the dashboard’s range (as placementFreePlaces counts them).',
  })
  months!: MonthPlacesType[];
  facilityId!: string;
}

@Access(DASHBOARD_READERS)
@ObjectType('PlacementStatistics', {
  description: 'The commission’s dashboard (staff, dashboard:read keys).',
})
class PlacementStatisticsType {
  @Field(() => [GroupFiguresType], { description: 'Each facility age group, by facility name then age.' })
  groups!: GroupFigures[];
  @Field(() => Int, {
    nullable: true,
    description:
      'Median days from registration to placement (placements from applications); null if none yet.',
  })
  medianDaysToPlacement!: number | null;
  @Field(() => Int, { description: 'Offers open.' })
  offered!: number;
  @Field(() => Int, { description: 'Offers accepted.' })
  accepted!: number;
  @Field(() => Int, { description: 'Offers declined.' })
  declined!: number;
  @Field(() => Int, { description: 'Offers expired unanswered.' })
  expired!: number;
  @Field(() => Int, {
    description: 'Offers withdrawn (application withdrawn, or the place taken meanwhile).',
  })
  withdrawn!: number;
  @Field(() => Int, {
    description: 'Urgent applications (proof verified) still waiting past the tenant’s urgent deadline.',
  })
  urgentPastDeadline!: number;
}

@Resolver(() => PlacementStatisticsType)
export class PlacementStatisticsResolver {
  @Access(DASHBOARD_READERS)
  @Query(() => PlacementStatisticsType, {
    description:
      'The commission’s dashboard (staff, dashboard:read keys): places, free places by month and queues per facility age group, the median wait from registration to placement, offers by outcome, urgent applications past their deadline.',
  })
  placementStatistics(
    @Args() args: MonthRangeArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PlacementStatistics> {
    return placementStatistics(ctx, monthRangeOf(ctx, args));
  }
}

@Resolver(() => GroupFiguresType)
export class GroupFiguresResolver {
  @ListLength(1)
  @FieldResolver(() => FacilityType, { description: 'The facility.' })
  facility(@Root() g: GroupFigures, @Ctx() ctx: GraphQLContext): Promise<Facility> {
    return present(ctx.loaders.facilityById.load(g.facilityId));
  }
}
