import { Args, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { toConnection, type ConnectionShape } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { registerNode } from '../graphql/node';
import { assertCanReadCatalog } from '../facilities/facilities.service';
import type { Facility } from '../facilities/facility.entity';
import { FacilityType, ServiceType } from '../facilities/facility.types';
import type { Service } from '../facilities/service.entity';
import { expectGlobalId } from '../shared/ids';
import { Session } from './session.entity';
import { SessionConnection, SessionsArgs, SessionType } from './session.types';
import { listSessions, placesLeft } from './sessions.service';

registerNode({
  typeName: 'Session',
  entity: Session,
  load: async (ctx, id) => {
    assertCanReadCatalog(ctx);
    return ctx.loaders.sessionById.load(id);
  },
});

@Resolver(() => SessionType)
export class SessionResolver {
  @Authorized()
  @Query(() => SessionConnection, { description: 'Bookable sessions, by date and period.' })
  sessions(
    @Args() { filter, ...page }: SessionsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Session>> {
    return listSessions(
      ctx,
      {
        ...filter,
        serviceId: filter?.serviceId ? expectGlobalId(filter.serviceId, 'Service', 'filter.serviceId') : null,
        facilityId: filter?.facilityId
          ? expectGlobalId(filter.facilityId, 'Facility', 'filter.facilityId')
          : null,
      },
      page,
    ).then(toConnection);
  }

  @FieldResolver(() => Int, { description: 'Places still free.' })
  placesLeft(@Root() session: Session): number {
    return placesLeft(session);
  }

  @FieldResolver(() => ServiceType, { description: 'The service this session belongs to.' })
  async service(@Root() session: Session, @Ctx() ctx: GraphQLContext): Promise<Service> {
    return (await ctx.loaders.serviceById.load(session.service.id))!;
  }

  @FieldResolver(() => FacilityType, { nullable: true, description: 'Where the session takes place.' })
  async facility(@Root() session: Session, @Ctx() ctx: GraphQLContext): Promise<Facility | null> {
    return session.facility ? ctx.loaders.facilityById.load(session.facility.id) : null;
  }
}
