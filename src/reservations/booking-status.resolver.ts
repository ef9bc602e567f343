import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Access } from '../graphql/access';
import type { GraphQLContext } from '../graphql/context';
import { IdArg } from '../graphql/inputs';
import { Session } from '../sessions/session.entity';
import { SessionType } from '../sessions/session.types';
import { BadInputError } from '../shared/errors';
import { BookingStatus, decideBooking, type BookingDecision } from './booking-status';
import { BOOKING_STATUS_READERS, SessionBookingType } from './booking-status.types';
import { msg } from '../shared/i18n';

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
): Promise<BookingDecision> {
  const child =
    childId ?? ctx.loaders.childListedFor.get(session.id) ?? (await ctx.loaders.onlyChildOfViewer.load(''));
  if (!child) {
    throw new BadInputError(msg('bookingStatus.childRequired'), ['childId']);
  }
  return decideBooking(await ctx.loaders.bookingFacts.load(`${child}|${session.id}`));
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
  ): Promise<BookingDecision> {
    return decisionFor(session, childId, ctx);
  }
}
