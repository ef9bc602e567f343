import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { toConnection, type ConnectionShape } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { registerNode } from '../graphql/node';
import type { Child } from '../families/child.entity';
import type { Family } from '../families/family.entity';
import { ChildType, FamilyType } from '../families/family.types';
import type { Session } from '../sessions/session.entity';
import { SessionType } from '../sessions/session.types';
import { expectGlobalId } from '../shared/ids';
import { Reservation } from './reservation.entity';
import {
  CancelReservationInput,
  CancelReservationPayload,
  ReservationConnection,
  ReservationsArgs,
  ReservationType,
  ReserveInput,
  ReservePayload,
} from './reservation.types';
import { cancelReservation, familyReservations, reserve, visibleReservation } from './reservations.service';

registerNode({
  typeName: 'Reservation',
  entity: Reservation,
  load: (ctx, id) => visibleReservation(ctx, id),
});

@Resolver(() => ReservationType)
export class ReservationResolver {
  @Authorized()
  @Mutation(() => ReservePayload, {
    description:
      'Book a child on sessions (a whole month of canteen in one call). Retry-safe with idempotencyKey.',
  })
  reserve(@Arg('input', { description: 'What to book.' }) input: ReserveInput, @Ctx() ctx: GraphQLContext) {
    return reserve(ctx, {
      childId: expectGlobalId(input.childId, 'Child', 'input.childId'),
      sessionIds: input.sessionIds.map((id, i) => expectGlobalId(id, 'Session', `input.sessionIds.${i}`)),
      idempotencyKey: input.idempotencyKey,
    });
  }

  @Authorized()
  @Mutation(() => CancelReservationPayload, {
    description: 'Cancel a reservation: free before the notice deadline, billed (LATE_CANCELLED) after it.',
  })
  cancelReservation(
    @Arg('input', { description: 'What to cancel.' }) input: CancelReservationInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return cancelReservation(ctx, {
      reservationId: expectGlobalId(input.reservationId, 'Reservation', 'input.reservationId'),
      idempotencyKey: input.idempotencyKey,
    });
  }

  @FieldResolver(() => SessionType, { description: 'The session booked.' })
  async session(@Root() reservation: Reservation, @Ctx() ctx: GraphQLContext): Promise<Session> {
    return (await ctx.loaders.sessionById.load(reservation.session.id))!;
  }

  @FieldResolver(() => ChildType, { description: 'The child booked.' })
  async child(@Root() reservation: Reservation, @Ctx() ctx: GraphQLContext): Promise<Child> {
    return (await ctx.loaders.childById.load(reservation.child.id))!;
  }
}

@Resolver(() => FamilyType)
export class FamilyReservationsResolver {
  @FieldResolver(() => ReservationConnection, { description: "The family's reservations, newest first." })
  async reservations(
    @Root() family: Family,
    @Args() args: ReservationsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Reservation>> {
    return toConnection(await familyReservations(ctx, family.id, args));
  }
}
