import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Access } from '../graphql/access';
import type { GraphQLContext } from '../graphql/context';
import { IdArg } from '../graphql/inputs';
import { Session } from '../sessions/session.entity';
import { SessionType } from '../sessions/session.types';
import { BadInputError } from '../shared/errors';
import { msg, render } from '../shared/i18n';
import { BookingStatus, bookingRefusal, decideBooking, type BookingFacts } from './booking-status';
import { BOOKING_STATUS_READERS, SessionBookingType, type SessionBooking } from './booking-status.types';

const CHILD_ARG = {
  nullable: true,
  description:
    'The child who would attend. Default: the child the sessions were listed for (`filter.childId`), else the parent’s only child.',
};

/**
 * The decision for the child named, the one the sessions were listed for, or a parent's only
 * child (in that order); BAD_USER_INPUT when there is none to decide for.
 */
async function decisionFor(
  session: Session,
  childId: string | null,
  ctx: GraphQLContext,
): Promise<SessionBooking> {
  const child =
    childId ?? ctx.loaders.childListedFor.get(session.id) ?? (await ctx.loaders.onlyChildOfViewer.load(''));
  if (!child) {
    throw new BadInputError(msg('bookingStatus.childRequired'), ['childId']);
  }
  const facts: BookingFacts = await ctx.loaders.bookingFacts.load(`${child}|${session.id}`);
  const decision = decideBooking(facts);
  return { ...decision, refusal: bookingRefusal(decision, facts, [])?.message ?? null };
}

@Resolver(() => SessionType)
export class SessionBookingStatusResolver {
  @Access(BOOKING_STATUS_READERS)
  @FieldResolver(() => BookingStatus, {
    description:
      'Whether this child can be booked on this session now (the rule `reserve` applies): OPEN, NOT_YET_OPEN, CLOSED, FULL, NOT_ELIGIBLE or ALREADY_BOOKED; `booking` says why and when. NOT_FOUND for a child the caller may not act for; BAD_USER_INPUT without a child to decide for. Parents, staff, and API keys with reservations:write.',
  })
  async bookingStatus(
    @Root() session: Session,
    @IdArg('childId', 'Child', CHILD_ARG) childId: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BookingStatus> {
    return (await decisionFor(session, childId, ctx)).status;
  }

  @Access(BOOKING_STATUS_READERS)
  @FieldResolver(() => SessionBookingType, {
    description:
      'The booking decision for this child with its data: status, reason, when booking opens and closes, places left, the holiday, the age bound — for a portal to word it. Same child and access as `bookingStatus`.',
  })
  async booking(
    @Root() session: Session,
    @IdArg('childId', 'Child', CHILD_ARG) childId: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SessionBooking> {
    return decisionFor(session, childId, ctx);
  }
}

@Resolver(() => SessionBookingType)
export class SessionBookingResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description:
      "Why the child cannot be booked now, for people: the words `reserve` would refuse with, in the tenant's language (or Accept-Language's) with dates and times in its time zone, e.g. « La réservation ouvre le vendredi 4 juin 2027 à 12 h 30. ». Null when OPEN.",
  })
  message(@Root() booking: SessionBooking, @Ctx() ctx: GraphQLContext): string | null {
    return booking.refusal && render(booking.refusal, ctx.language);
  }
}
