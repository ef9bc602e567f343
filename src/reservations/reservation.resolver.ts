import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { ListLength } from '../graphql/cost';
import { Scope } from '../auth/viewer';
import type { Service } from '../facilities/service.entity';
import { ServiceType } from '../facilities/facility.types';
import type { Child } from '../families/child.entity';
import type { Family } from '../families/family.entity';
import { canSeeFamilyBilling } from '../families/families.service';
import { ChildType, FamilyType } from '../families/family.types';
import { Access, SIGNED_IN } from '../graphql/access';
import { toConnection, type ConnectionShape } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { moneyOf, MoneyType } from '../graphql/money';
import { registerNode } from '../graphql/node';
import { afterCommit } from '../graphql/payload';
import type { Session } from '../sessions/session.entity';
import { SessionType } from '../sessions/session.types';
import { Charge } from './charge.entity';
import { Reservation } from './reservation.entity';
import {
  BILLING_READERS,
  CancelReservationInput,
  CancelReservationPayload,
  CancelReservationsInput,
  CancelReservationsPayload,
  ChargeConnection,
  ChargesArgs,
  ChargeType,
  ReservationConnection,
  ReservationsArgs,
  ReservationType,
  ReserveInput,
  ReservePayload,
  SessionChildBookingType,
} from './reservation.types';
import { cancelReservation, cancelReservations, visibleReservation } from './cancel.service';
import { reserve } from './reserve.service';
import { present } from '../shared/loaders';

registerNode({
  typeName: 'Reservation',
  entity: Reservation,
  load: (ctx, id) => visibleReservation(ctx, id),
});
registerNode({
  typeName: 'Charge',
  entity: Charge,
  load: async (ctx, id) => {
    const charge = await ctx.em.findOne(Charge, { id });
    return charge && canSeeFamilyBilling(ctx, charge.familyId) ? charge : null;
  },
});

const BOOKERS = { scopes: [Scope.RESERVATIONS_WRITE], parents: true };

@Resolver(() => ReservationType)
export class ReservationResolver {
  @Access(BOOKERS)
  @Mutation(() => ReservePayload, {
    description:
      'Book a child on sessions (a whole month of canteen in one call). Parents for their children, staff, and API keys with reservations:write. With waitlistIfFull, a full session puts the child on its waitlist (waitlistEntries) instead of answering FULL. Retry-safe with idempotencyKey.',
  })
  async reserve(
    @Arg('input', { description: 'What to book.' }) input: ReserveInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await reserve(ctx, input);
    return {
      reservations: afterCommit((read) =>
        value ? read.loaders.reservationById.loadMany(value.reservationIds) : [],
      ),
      waitlistEntries: afterCommit((read) =>
        value?.waitlistEntryIds ? read.loaders.waitlistEntryById.loadMany(value.waitlistEntryIds) : [],
      ),
      userErrors,
    };
  }

  @Access(BOOKERS)
  @Mutation(() => CancelReservationPayload, {
    description:
      "Cancel a reservation: free before the notice deadline, billed (LATE_CANCELLED) after it. The place goes to the session's waitlist in the same transaction (a late cancellation's too, when someone waits). Parents for their children, staff, and API keys with reservations:write.",
  })
  async cancelReservation(
    @Arg('input', { description: 'What to cancel.' }) input: CancelReservationInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await cancelReservation(ctx, input);
    return {
      reservation: afterCommit((read) =>
        value ? read.loaders.reservationById.load(value.reservationId) : null,
      ),
      userErrors,
    };
  }

  @Access(BOOKERS)
  @Mutation(() => CancelReservationsPayload, {
    description:
      'Cancel many reservations at once (at most 100), each as cancelReservation decides it: free before the notice deadline, billed after; the refused come back as userErrors naming their index. Parents for their children, staff, and API keys with reservations:write.',
  })
  async cancelReservations(
    @Arg('input', { description: 'What to cancel.' }) input: CancelReservationsInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await cancelReservations(ctx, input);
    return {
      reservations: afterCommit((read) =>
        value ? read.loaders.reservationById.loadMany(value.reservationIds) : [],
      ),
      userErrors,
    };
  }

  @FieldResolver(() => SessionType, { description: 'The session booked.' })
  session(@Root() reservation: Reservation, @Ctx() ctx: GraphQLContext): Promise<Session> {
    return present(ctx.loaders.sessionById.load(reservation.session.id));
  }

  @FieldResolver(() => ChildType, { description: 'The child booked.' })
  child(@Root() reservation: Reservation, @Ctx() ctx: GraphQLContext): Promise<Child> {
    return present(ctx.loaders.childById.load(reservation.child.id));
  }

  @FieldResolver(() => ChargeType, {
    nullable: true,
    description: 'What its outcome costs, if it is billed (billing:read, staff, or the family).',
  })
  charge(@Root() reservation: Reservation, @Ctx() ctx: GraphQLContext): Promise<Charge | null> {
    return ctx.loaders.chargeByReservationId.load(reservation.id);
  }
}

@Resolver(() => ChargeType)
export class ChargeResolver {
  @FieldResolver(() => MoneyType, { description: 'Price of one unit, fixed when the charge arose.' })
  unitPrice(@Root() charge: Charge, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(charge.unitPrice, ctx.tenant);
  }

  @FieldResolver(() => MoneyType, { description: 'quantity × unitPrice.' })
  amount(@Root() charge: Charge, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(charge.amount, ctx.tenant);
  }

  @FieldResolver(() => Boolean, {
    description: 'Whether it is on an issued invoice (then it never changes).',
  })
  invoiced(@Root() charge: Charge): boolean {
    return Boolean(charge.invoiceId);
  }

  @FieldResolver(() => ServiceType, {
    nullable: true,
    description: 'The service rendered; null for an opening balance (OPENING_BALANCE).',
  })
  async service(@Root() charge: Charge, @Ctx() ctx: GraphQLContext): Promise<Service | null> {
    return charge.service ? (await ctx.loaders.serviceById.load(charge.service.id))! : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "OPENING_BALANCE: the document's reference in the previous software (at most 64 characters; one charge per family and reference, the import's idempotency key); null for other charges.",
  })
  legacyReference(@Root() charge: Charge): string | null {
    return charge.externalRef ?? null;
  }

  @FieldResolver(() => ChildType, {
    nullable: true,
    description: 'The child concerned (none for water or an opening balance).',
  })
  child(@Root() charge: Charge, @Ctx() ctx: GraphQLContext): Promise<Child | null> | null {
    return charge.childId ? ctx.loaders.childById.load(charge.childId) : null;
  }

  @FieldResolver(() => ReservationType, {
    nullable: true,
    description: 'The reservation whose outcome is billed (none for a water consumption).',
  })
  reservation(@Root() charge: Charge, @Ctx() ctx: GraphQLContext): Promise<Reservation | null> | null {
    return charge.reservation ? ctx.loaders.reservationById.load(charge.reservation.id) : null;
  }
}

@Resolver(() => SessionType)
export class SessionReservationsResolver {
  @Access({ scopes: [Scope.ATTENDANCE_WRITE, Scope.FAMILIES_READ] })
  @ListLength(40)
  @FieldResolver(() => [ReservationType], {
    description:
      'The roll: every reservation not cancelled in time, walk-ins included (staff, and API keys with attendance:write or families:read).',
  })
  reservations(@Root() session: Session, @Ctx() ctx: GraphQLContext): Promise<Reservation[]> {
    return ctx.loaders.rollBySessionId.load(session.id);
  }

  @Access(SIGNED_IN)
  @ListLength(3)
  @FieldResolver(() => [SessionChildBookingType], {
    description:
      'For a parent: each of their children and whether it is booked on this session. Empty for others.',
  })
  async viewerChildren(@Root() session: Session, @Ctx() ctx: GraphQLContext) {
    if (!ctx.viewer.familyId) return [];
    // Two loaders, two statements: one after the other on the unit's connection (each still
    // batched across the sessions of the page).
    const children = await ctx.loaders.childrenByFamilyId.load(ctx.viewer.familyId);
    const bookings = await ctx.loaders.familyBookingsBySessionId.load(session.id);
    return children.map((child) => {
      const reservation = bookings.find((r) => r.child.id === child.id) ?? null;
      return { child, booked: reservation !== null, reservation };
    });
  }
}

@Resolver(() => FamilyType)
export class FamilyReservationsResolver {
  @Access(BILLING_READERS)
  @FieldResolver(() => ChargeConnection, {
    description: "The family's charges, newest first (billing:read, staff, or the family).",
  })
  async charges(
    @Root() family: Family,
    @Args() args: ChargesArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Charge>> {
    return toConnection(
      await ctx.loaders.chargePagesByFamilyId.load({ parentId: family.id, args: { ...args } }),
    );
  }

  @FieldResolver(() => ReservationConnection, { description: "The family's reservations, newest first." })
  async reservations(
    @Root() family: Family,
    @Args() args: ReservationsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Reservation>> {
    return toConnection(
      await ctx.loaders.reservationPagesByFamilyId.load({ parentId: family.id, args: { ...args } }),
    );
  }
}
