import { Arg, Ctx, FieldResolver, Int, ObjectType, Resolver, Root } from 'type-graphql';
import { Scope } from '../auth/viewer';
import type { Child } from '../families/child.entity';
import { ChildType } from '../families/family.types';
import { Access } from '../graphql/access';
import type { GraphQLContext } from '../graphql/context';
import { ListLength } from '../graphql/cost';
import type { Reservation } from '../reservations/reservation.entity';
import { ReservationType } from '../reservations/reservation.types';
import type { Session } from '../sessions/session.entity';
import { SessionType } from '../sessions/session.types';
import type { WaitlistEntry } from './waitlist-entry.entity';
import { WaitlistEntryType, withCountFields } from './waitlist.types';
import type { WaitlistCounts } from './waitlists.loaders';
import { present } from '../shared/loaders';

@Resolver(() => WaitlistEntryType)
export class WaitlistEntryFieldsResolver {
  @FieldResolver(() => Int, {
    nullable: true,
    description:
      "Place in the session's queue, 1 being the next to get a place (e.g. 3 of `waitingCount` 41); null unless WAITING.",
  })
  async rank(@Root() entry: WaitlistEntry, @Ctx() ctx: GraphQLContext): Promise<number | null> {
    return (await ctx.loaders.waitlistStanding.load(entry.id)).rank;
  }

  @FieldResolver(() => Int, { description: 'How many entries wait on the session (WAITING).' })
  async waitingCount(@Root() entry: WaitlistEntry, @Ctx() ctx: GraphQLContext): Promise<number> {
    return (await ctx.loaders.waitlistStanding.load(entry.id)).waitingCount;
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description:
      'Entries ranked ahead of this one although they joined later: ahead by priority points (the reason a rank can go back). Null unless WAITING.',
  })
  async aheadByPriority(@Root() entry: WaitlistEntry, @Ctx() ctx: GraphQLContext): Promise<number | null> {
    return (await ctx.loaders.waitlistStanding.load(entry.id)).aheadByPriority;
  }

  @FieldResolver(() => Boolean, {
    description: "Whether the service reviewed this entry's priority by hand (the family is notified).",
  })
  priorityReviewed(@Root() entry: WaitlistEntry): boolean {
    return entry.manualReason != null;
  }

  @ListLength(8)
  @FieldResolver(() => [WaitlistEntryType], {
    description:
      'The other entries of its sibling group — children of the family who joined this session together and are offered places all together or not at all; empty when the child waits alone. The group is ranked where its best-placed member is, its members one after the other.',
  })
  async togetherWith(@Root() entry: WaitlistEntry, @Ctx() ctx: GraphQLContext): Promise<WaitlistEntry[]> {
    if (!entry.groupId) return [];
    const members = await ctx.loaders.waitlistEntriesByGroupId.load(entry.groupId);
    return members.filter((m) => m.id !== entry.id);
  }

  @FieldResolver(() => SessionType, { description: 'The full session waited for.' })
  session(@Root() entry: WaitlistEntry, @Ctx() ctx: GraphQLContext): Promise<Session> {
    return present(ctx.loaders.sessionById.load(entry.session.id));
  }

  @FieldResolver(() => ChildType, { description: 'The child waiting.' })
  child(@Root() entry: WaitlistEntry, @Ctx() ctx: GraphQLContext): Promise<Child> {
    return present(ctx.loaders.childById.load(entry.child.id));
  }

  @FieldResolver(() => ReservationType, {
    nullable: true,
    description: 'The booking the list gave, for PROMOTED.',
  })
  reservation(@Root() entry: WaitlistEntry, @Ctx() ctx: GraphQLContext): Promise<Reservation | null> | null {
    return entry.reservationId ? ctx.loaders.reservationById.load(entry.reservationId) : null;
  }
}

/** A session's waitlist, for staff: its figures and its live entries in order. */
export class SessionWaitlistType implements WaitlistCounts {
  count!: number;
  offered!: number;
  promoted!: number;
  declined!: number;
  expired!: number;
  left!: number;
  medianMinutesToPlace!: number | null;
  sessionId!: string;
}
withCountFields(SessionWaitlistType);
Access({ scopes: [Scope.FAMILIES_READ] })(SessionWaitlistType);
ObjectType('SessionWaitlist', {
  description: "A session's waitlist: its figures and its live entries in order.",
})(SessionWaitlistType);

@Resolver(() => SessionWaitlistType)
export class SessionWaitlistResolver {
  @ListLength((args: { first?: number }) => args.first ?? 50)
  @FieldResolver(() => [WaitlistEntryType], {
    description:
      'The live entries: offers not yet answered first (they hold places), then the waiting entries in rank order, with the criteria that placed each (at most `first`).',
  })
  async entries(
    @Root() waitlist: SessionWaitlistType,
    @Arg('first', () => Int, { defaultValue: 50, description: 'How many entries (1 to 500).' }) first: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WaitlistEntry[]> {
    const entries = await ctx.loaders.liveWaitlistBySessionId.load(waitlist.sessionId);
    return entries.slice(0, Math.min(Math.max(first, 1), 500));
  }
}

@Resolver(() => SessionType)
export class SessionWaitlistFieldResolver {
  @Access({ scopes: [Scope.FAMILIES_READ] })
  @FieldResolver(() => SessionWaitlistType, {
    description: "The session's waitlist, in figures and in order (staff, and families:read keys).",
  })
  async waitlist(@Root() session: Session, @Ctx() ctx: GraphQLContext): Promise<SessionWaitlistType> {
    const counts = await ctx.loaders.waitlistCountsBySessionId.load(session.id);
    return Object.assign(new SessionWaitlistType(), counts, { sessionId: session.id });
  }
}

@Resolver(() => ChildType)
export class ChildWaitlistResolver {
  @ListLength(5)
  @FieldResolver(() => [WaitlistEntryType], {
    description:
      "The child's waitlist entries, newest first (the 50 latest): seen by whoever sees the child's family.",
  })
  @Access({ scopes: [Scope.FAMILIES_READ, Scope.RESERVATIONS_WRITE], parents: true })
  waitlistEntries(@Root() child: Child, @Ctx() ctx: GraphQLContext): Promise<WaitlistEntry[]> {
    return ctx.loaders.waitlistEntriesByChildId.load(child.id);
  }
}
