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
import { AbsenceReasonType } from '../attendance/attendance.types';
import type { AbsenceReason } from '../attendance/absence-reason.entity';
import { ServiceType } from '../facilities/facility.types';
import type { Service } from '../facilities/service.entity';
import { moneyOf, MoneyType } from '../graphql/money';
import { requireTenant } from '../shared/service-context';
import { Charge } from './charge.entity';
import { familyCharges } from './charges.service';
import {
  CancelReservationInput,
  ChargeConnection,
  ChargesArgs,
  ChargeType,
  SessionChildBookingType,
  CancelReservationPayload,
  ReservationConnection,
  ReservationsArgs,
  ReservationType,
  ReserveInput,
  ReservePayload,
} from './reservation.types';
import {
  assertCanSeeRoll,
  cancelReservation,
  familyReservations,
  reserve,
  visibleCharge,
  visibleReservation,
} from './reservations.service';

registerNode({
  typeName: 'Reservation',
  entity: Reservation,
  load: (ctx, id) => visibleReservation(ctx, id),
});
registerNode({
  typeName: 'Charge',
  entity: Charge,
  load: (ctx, id) => visibleCharge(ctx, id),
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

  @FieldResolver(() => AbsenceReasonType, {
    nullable: true,
    description: 'Why the child was absent, if justified.',
  })
  absenceReason(
    @Root() reservation: Reservation,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AbsenceReason | null> | null {
    return reservation.absenceReason
      ? ctx.loaders.absenceReasonById.load(reservation.absenceReason.id)
      : null;
  }

  @FieldResolver(() => ChargeType, {
    nullable: true,
    description: 'What its outcome costs, if it is billed.',
  })
  charge(@Root() reservation: Reservation, @Ctx() ctx: GraphQLContext): Promise<Charge | null> {
    return ctx.loaders.chargeByReservationId.load(reservation.id);
  }
}

@Resolver(() => ChargeType)
export class ChargeResolver {
  @FieldResolver(() => MoneyType, { description: 'Price of one unit, fixed when the charge arose.' })
  unitPrice(@Root() charge: Charge, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(charge.unitPrice, requireTenant(ctx));
  }

  @FieldResolver(() => MoneyType, { description: 'quantity × unitPrice.' })
  amount(@Root() charge: Charge, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(charge.amount, requireTenant(ctx));
  }

  @FieldResolver(() => Boolean, {
    description: 'Whether it is on an issued invoice (then it never changes).',
  })
  invoiced(@Root() charge: Charge): boolean {
    return Boolean(charge.invoiceId);
  }

  @FieldResolver(() => ServiceType, { description: 'The service rendered.' })
  async service(@Root() charge: Charge, @Ctx() ctx: GraphQLContext): Promise<Service> {
    return (await ctx.loaders.serviceById.load(charge.service.id))!;
  }

  @FieldResolver(() => ChildType, { nullable: true, description: 'The child concerned (none for water).' })
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
  @FieldResolver(() => [ReservationType], {
    description:
      'The roll: every reservation not cancelled in time, walk-ins included (agents and attendance keys).',
  })
  async reservations(@Root() session: Session, @Ctx() ctx: GraphQLContext): Promise<Reservation[]> {
    assertCanSeeRoll(ctx);
    return ctx.loaders.rollBySessionId.load(session.id);
  }

  @FieldResolver(() => [SessionChildBookingType], {
    description:
      'For a parent: each of their children and whether it is booked on this session. Empty for others.',
  })
  async viewerChildren(@Root() session: Session, @Ctx() ctx: GraphQLContext) {
    if (!ctx.viewer.familyId) return [];
    const [children, bookings] = await Promise.all([
      ctx.loaders.childrenByFamilyId.load(ctx.viewer.familyId),
      ctx.loaders.familyBookingsBySessionId.load(session.id),
    ]);
    return children.map((child) => {
      const reservation = bookings.find((r) => r.child.id === child.id) ?? null;
      return { child, booked: reservation !== null, reservation };
    });
  }
}

@Resolver(() => FamilyType)
export class FamilyReservationsResolver {
  @FieldResolver(() => ChargeConnection, { description: "The family's charges, newest first." })
  async charges(
    @Root() family: Family,
    @Args() args: ChargesArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Charge>> {
    return toConnection(await familyCharges(ctx, family.id, args));
  }

  @FieldResolver(() => ReservationConnection, { description: "The family's reservations, newest first." })
  async reservations(
    @Root() family: Family,
    @Args() args: ReservationsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Reservation>> {
    return toConnection(await familyReservations(ctx, family.id, args));
  }
}
