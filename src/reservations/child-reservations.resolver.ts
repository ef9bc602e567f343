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
      "The child's reservations, newest first: seen by whoever sees the child. A parent sees their own household's only (in shared custody, the other household's days are `otherHouseholdBookings`); staff see every household's.",
  })
  async reservations(
    @Root() child: Child,
    @Args() args: ReservationsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Reservation>> {
    const familyId = ctx.viewer.familyId;
    return toConnection(
      familyId
        ? await ctx.loaders.reservationPagesByFamilyId.load({
            parentId: familyId,
            args: { ...args, childId: child.id },
          })
        : await ctx.loaders.reservationPagesByChildId.load({ parentId: child.id, args: { ...args } }),
    );
  }
}
