import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Child } from '../families/child.entity';
import { ChildType } from '../families/family.types';
import { toConnection, type ConnectionShape } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import type { Reservation } from './reservation.entity';
import { ReservationConnection, ReservationsArgs } from './reservation.types';

@Resolver(() => ChildType)
export class ChildReservationsResolver {
  @FieldResolver(() => ReservationConnection, {
    description:
      "The child's reservations, newest first (as its family's `reservations` with `childId`): seen by whoever sees the child.",
  })
  async reservations(
    @Root() child: Child,
    @Args() args: ReservationsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Reservation>> {
    return toConnection(
      await ctx.loaders.reservationPagesByFamilyId.load({
        parentId: child.family.id,
        args: { ...args, childId: child.id },
      }),
    );
  }
}
