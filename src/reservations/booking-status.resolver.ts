import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Access } from '../graphql/access';
import type { GraphQLContext } from '../graphql/context';
import { IdArg } from '../graphql/inputs';
import { Session } from '../sessions/session.entity';
import { SessionType } from '../sessions/session.types';
import { BadInputError } from '../shared/errors';
import { decideBooking, type BookingDecision } from './booking-status';
import { BOOKING_STATUS_READERS, SessionBookingStatusType } from './booking-status.types';
import { msg } from '../shared/i18n';

@Resolver(() => SessionType)
export class SessionBookingStatusResolver {
  @Access(BOOKING_STATUS_READERS)
  @FieldResolver(() => SessionBookingStatusType, {
    description:
      'Whether this child can be booked on this session now, and if not why (the same rule `reserve` applies). `childId` may be left out by a parent with one child. NOT_FOUND for a child the caller may not act for; BAD_USER_INPUT without a child to decide for. Parents, staff, and API keys with reservations:write.',
  })
  async bookingStatus(
    @Root() session: Session,
    @IdArg('childId', 'Child', { nullable: true, description: 'The child who would attend.' })
    childId: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BookingDecision> {
    const child = childId ?? (await ctx.loaders.onlyChildOfViewer.load(''));
    if (!child) {
      throw new BadInputError(msg('bookingStatus.childRequired'), ['childId']);
    }
    const facts = await ctx.loaders.bookingFacts.load(`${child}|${session.id}`);
    return decideBooking(facts);
  }
}
