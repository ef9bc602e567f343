import { Arg, Ctx, Field, Float, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { Access, DASHBOARD_READERS } from '../graphql/access';
import type { GraphQLContext } from '../graphql/context';
import { ListLength } from '../graphql/cost';
import { LocalDate } from '../graphql/scalars';
import { toGlobalId } from '../shared/ids';
import { occupancy } from './dashboard.service';

@Access(DASHBOARD_READERS)
@ObjectType('OccupancyFigures', { description: "One facility's service over a date range." })
export class OccupancyFiguresType {
  @Field(() => ID, { nullable: true, description: 'The facility (null for a service of no facility).' })
  facilityId!: string | null;

  @Field(() => String, { nullable: true, description: "The facility's name." })
  facilityName!: string | null;

  @Field(() => ID, { description: 'The service.' })
  serviceId!: string;

  @Field({ description: "The service's name." })
  serviceName!: string;

  @Field(() => Int, { description: 'Sessions in the range.' })
  sessions!: number;

  @Field(() => Int, { description: 'Places offered: the sessions’ capacities summed.' })
  capacity!: number;

  @Field(() => Int, { description: 'Places taken (booked, attended or late-cancelled), summed.' })
  booked!: number;

  @Field(() => Int, { description: 'Children recorded present, walk-ins included.' })
  attended!: number;

  @Field(() => Int, { description: 'Children who came without booking.' })
  walkIns!: number;

  @Field(() => Int, { description: 'Reservations cancelled after the free-cancellation deadline.' })
  lateCancellations!: number;

  @Field(() => Float, { description: 'booked / capacity, between 0 and 1 (0 without capacity).' })
  occupancyRate!: number;
}

@Resolver()
export class DashboardResolver {
  @Access(DASHBOARD_READERS)
  @ListLength(50)
  @Query(() => [OccupancyFiguresType], {
    description:
      'Occupancy per facility and service over a date range (both days included, at most 400 days), computed in SQL: agents, tenant admins, dashboard:read keys. BAD_USER_INPUT when to is before from or the range is too long.',
  })
  async occupancy(
    @Arg('from', () => LocalDate, { description: 'First day, YYYY-MM-DD.' }) from: string,
    @Arg('to', () => LocalDate, { description: 'Last day, YYYY-MM-DD.' }) to: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<OccupancyFiguresType[]> {
    return (await occupancy(ctx, from, to)).map((row) => ({
      ...row,
      facilityId: row.facilityId && toGlobalId('Facility', row.facilityId),
      serviceId: toGlobalId('Service', row.serviceId),
      occupancyRate: row.capacity ? row.booked / row.capacity : 0,
    }));
  }
}
