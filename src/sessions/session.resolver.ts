import { Args, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { Facility } from '../facilities/facility.entity';
import { CATALOG_READERS, FacilityType, ServiceType } from '../facilities/facility.types';
import type { Service } from '../facilities/service.entity';
import { Access } from '../graphql/access';
import { toConnection, type ConnectionShape } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { registerNode } from '../graphql/node';
import { DateTime } from '../graphql/scalars';
import { bookingWindow } from './booking-window';
import { Session } from './session.entity';
import { SessionConnection, SessionsArgs, SessionType } from './session.types';
import { listSessions, placesLeft } from './sessions.service';
import { present } from '../shared/loaders';

registerNode({
  typeName: 'Session',
  entity: Session,
  load: (ctx, id) => ctx.loaders.sessionById.load(id),
});

async function windowOf(session: Session, ctx: GraphQLContext) {
  const service = (await ctx.loaders.serviceById.load(session.service.id))!;
  return bookingWindow(session.date, service, ctx.tenant);
}

@Resolver(() => SessionType)
export class SessionResolver {
  @Access(CATALOG_READERS)
  @Query(() => SessionConnection, {
    description:
      'Bookable sessions, by date and period. Parents, staff, and API keys with catalog:read (or any operational scope).',
  })
  async sessions(
    @Args() { filter, ...page }: SessionsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Session>> {
    const sessions = await listSessions(ctx, filter ?? {}, page);
    if (filter?.childId) {
      for (const session of sessions.items) ctx.loaders.childListedFor.set(session.id, filter.childId);
    }
    return toConnection(sessions);
  }

  @FieldResolver(() => Int, { description: 'Places still free.' })
  placesLeft(@Root() session: Session): number {
    return placesLeft(session);
  }

  @FieldResolver(() => DateTime, {
    nullable: true,
    description: 'When booking opens; null: open since the session exists.',
  })
  async bookingOpensAt(@Root() session: Session, @Ctx() ctx: GraphQLContext): Promise<Date | null> {
    return (await windowOf(session, ctx)).opensAt;
  }

  @FieldResolver(() => DateTime, {
    description: "When booking closes (tenant's time zone, working days where the service says so).",
  })
  async bookingClosesAt(@Root() session: Session, @Ctx() ctx: GraphQLContext): Promise<Date> {
    return (await windowOf(session, ctx)).closesAt;
  }

  @FieldResolver(() => DateTime, {
    description: 'Cancelling before this instant is free; from it on, it is billed.',
  })
  async freeCancellationUntil(@Root() session: Session, @Ctx() ctx: GraphQLContext): Promise<Date> {
    return (await windowOf(session, ctx)).freeCancellationUntil;
  }

  @FieldResolver(() => ServiceType, { description: 'The service this session belongs to.' })
  service(@Root() session: Session, @Ctx() ctx: GraphQLContext): Promise<Service> {
    return present(ctx.loaders.serviceById.load(session.service.id));
  }

  @FieldResolver(() => FacilityType, { nullable: true, description: 'Where the session takes place.' })
  async facility(@Root() session: Session, @Ctx() ctx: GraphQLContext): Promise<Facility | null> {
    return session.facility ? ctx.loaders.facilityById.load(session.facility.id) : null;
  }
}
