import { msg } from '../shared/i18n';
import { Arg, Args, ArgsType, Ctx, Field, Mutation, Query, Resolver } from 'type-graphql';
import { Scope } from '../auth/viewer';
import { BadInputError } from '../shared/errors';
import { Access, DASHBOARD_READERS, STAFF } from '../graphql/access';
import type { GraphQLContext } from '../graphql/context';
import { IdField } from '../graphql/inputs';
import { registerNode } from '../graphql/node';
import { afterCommit } from '../graphql/payload';
import { LocalDate } from '../graphql/scalars';
import {
  acceptWaitlistOffer,
  declineWaitlistOffer,
  leaveWaitlist,
  setWaitlistPriority,
  visibleEntry,
} from './entry.service';
import { joinWaitlist } from './join.service';
import { WaitlistEntry } from './waitlist-entry.entity';
import {
  JoinWaitlistInput,
  SetWaitlistPriorityInput,
  WaitlistCountsType,
  WaitlistEntriesPayload,
  WaitlistEntryInput,
  WaitlistEntryPayload,
  WaitlistEntryType,
} from './waitlist.types';
import { waitlistCounts, type WaitlistCounts } from './waitlists.loaders';

registerNode({ typeName: 'WaitlistEntry', entity: WaitlistEntry, load: (ctx, id) => visibleEntry(ctx, id) });

const BOOKERS = { scopes: [Scope.RESERVATIONS_WRITE], parents: true };

@ArgsType()
class WaitlistStatisticsArgs {
  @IdField('Service', { description: 'The service.' })
  serviceId!: string;

  @Field(() => LocalDate, { description: 'Sessions from this date (inclusive).' })
  from!: string;

  @Field(() => LocalDate, { description: 'Sessions up to this date (inclusive).' })
  to!: string;
}

const entryPayload = (value: { entryId: string } | null) =>
  afterCommit((read: GraphQLContext) => (value ? read.loaders.waitlistEntryById.load(value.entryId) : null));

@Resolver(() => WaitlistEntryType)
export class WaitlistResolver {
  @Access(BOOKERS)
  @Mutation(() => WaitlistEntriesPayload, {
    description:
      'Put a child on the waitlists of full sessions (parents for their children; agents at the counter, audited; reservations:write keys). Each session is decided by the booking rule (mode, window, eligibility…); one with places left is refused (NOT_FULL), a child already on the list too (ALREADY_WAITLISTED). A place freed meanwhile goes to the list at once. Retry-safe with idempotencyKey.',
  })
  async joinWaitlist(
    @Arg('input', { description: 'Who and which sessions.' }) input: JoinWaitlistInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await joinWaitlist(ctx, input);
    return {
      waitlistEntries: afterCommit((read) =>
        value ? read.loaders.waitlistEntryById.loadMany(value.entryIds) : [],
      ),
      userErrors,
    };
  }

  @Access(BOOKERS)
  @Mutation(() => WaitlistEntryPayload, {
    description:
      'Take a child off a waitlist (LEFT): parents, agents (audited), reservations:write keys. Leaving with an offer in hand passes the held place to the next entry at once. NOT_ON_WAITLIST if it already left the queue.',
  })
  async leaveWaitlist(
    @Arg('input', { description: 'The entry.' }) input: WaitlistEntryInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await leaveWaitlist(ctx, input);
    return { waitlistEntry: entryPayload(value), userErrors };
  }

  @Access(BOOKERS)
  @Mutation(() => WaitlistEntryPayload, {
    description:
      'Accept an offered place before its deadline: the entry becomes PROMOTED and its `reservation` (channel WAITLIST) is billed like any other. OFFER_EXPIRED after the deadline (the place goes to the next entry), NOT_ON_WAITLIST without an offer, OVERLAP if the child was booked elsewhere at those hours. Respects the operating mode like booking.',
  })
  async acceptWaitlistOffer(
    @Arg('input', { description: 'The entry.' }) input: WaitlistEntryInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await acceptWaitlistOffer(ctx, input);
    return { waitlistEntry: entryPayload(value), userErrors };
  }

  @Access(BOOKERS)
  @Mutation(() => WaitlistEntryPayload, {
    description:
      'Decline an offered place (DECLINED): never charged, whenever the offer was made; the place goes to the next entry at once. NOT_ON_WAITLIST without an offer.',
  })
  async declineWaitlistOffer(
    @Arg('input', { description: 'The entry.' }) input: WaitlistEntryInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await declineWaitlistOffer(ctx, input);
    return { waitlistEntry: entryPayload(value), userErrors };
  }

  @Access(STAFF)
  @Mutation(() => WaitlistEntryPayload, {
    description:
      "An agent raises or lowers a waiting entry's priority (a social-services request): `points` is added to the criteria's points; the reason is required and audited; the family is notified in neutral words that its rank was reviewed. Orders only PRIORITY_THEN_FIFO lists.",
  })
  async setWaitlistPriority(
    @Arg('input', { description: 'The entry, the adjustment and why.' }) input: SetWaitlistPriorityInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await setWaitlistPriority(ctx, input);
    return { waitlistEntry: entryPayload(value), userErrors };
  }

  @Access(DASHBOARD_READERS)
  @Query(() => WaitlistCountsType, {
    description:
      "A service's waitlists over a date range (at most 366 days; staff, dashboard:read keys): entries waiting, offered, promoted, declined, expired, left, and the median minutes from joining to a place.",
  })
  async waitlistStatistics(
    @Args() args: WaitlistStatisticsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WaitlistCounts> {
    const days = (Date.parse(args.to) - Date.parse(args.from)) / 86_400_000;
    if (days < 0 || days > 366) throw new BadInputError(msg('waitlist.statisticsRange'), ['to']);
    const counts = await waitlistCounts(
      ctx,
      `'all'`,
      `s.service_id = ? and s.date between ?::date and ?::date`,
      [args.serviceId, args.from, args.to],
    );
    return (
      counts.get('all') ?? {
        count: 0,
        offered: 0,
        promoted: 0,
        declined: 0,
        expired: 0,
        left: 0,
        medianMinutesToPlace: null,
      }
    );
  }
}
