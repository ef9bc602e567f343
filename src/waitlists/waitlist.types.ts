import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Scope } from '../auth/viewer';
import { Access, DASHBOARD_READERS, STAFF, type AccessRule } from '../graphql/access';
import { IdField, idempotencyKeyField, TextField } from '../graphql/inputs';
import { Node } from '../graphql/node';
import { payloadType } from '../graphql/payload';
import { DateTime } from '../graphql/scalars';
import { ReservationChannel } from '../shared/channels';
import { WaitlistCriterionKind, WaitlistOrdering, WaitlistPromotion } from '../tenants/waitlist-settings';
import { WaitlistStatus } from './waitlist-entry.entity';

registerEnumType(WaitlistStatus, {
  name: 'WaitlistStatus',
  description: 'Where a waitlist entry stands.',
  valuesConfig: {
    WAITING: { description: 'In the queue; `rank` says where.' },
    OFFERED: { description: 'A place is held for the child until `offerExpiresAt`: accept or decline it.' },
    PROMOTED: { description: 'Booked from the list: `reservation` is the booking.' },
    DECLINED: { description: 'The family declined the offer (never charged).' },
    EXPIRED: {
      description:
        'The offer passed its deadline unanswered, or the session passed (`closedReason` SESSION_PASSED).',
    },
    LEFT: {
      description:
        'Taken off the list by the family or an agent, or closed because the child was booked otherwise (`closedReason` BOOKED_ELSEWHERE).',
    },
  },
});
registerEnumType(WaitlistOrdering, {
  name: 'WaitlistOrdering',
  description: 'How a waitlist is ordered.',
  valuesConfig: {
    FIFO: { description: 'First come, first served (then by id: no ties).' },
    PRIORITY_THEN_FIFO: { description: 'More priority points first, then first come, then by id.' },
  },
});
registerEnumType(WaitlistPromotion, {
  name: 'WaitlistPromotion',
  description: 'What a freed place does for the first waiting entry.',
  valuesConfig: {
    AUTO_BOOK: {
      description: 'Books the child at once (reservation channel WAITLIST); the family is notified.',
    },
    OFFER: { description: "Holds the place until the offer's deadline; the family accepts or declines." },
  },
});
registerEnumType(WaitlistCriterionKind, {
  name: 'WaitlistCriterionKind',
  description: 'A priority criterion of a tenant.',
  valuesConfig: {
    SIBLING_BOOKED: { description: 'A brother or sister is already booked that day at the same service.' },
    SOCIAL_PRIORITY: { description: 'The family was marked for social priority by an agent.' },
    RESIDENT: { description: "The family lives in the town (one of the tenant's postal codes)." },
  },
});

/** Entries: staff, the family's parents, and the keys that read families or book. */
export const WAITLIST_READERS: AccessRule = {
  scopes: [Scope.FAMILIES_READ, Scope.RESERVATIONS_WRITE],
  parents: true,
};

@Access(WAITLIST_READERS)
@ObjectType('WaitlistCriterion', { description: 'A priority criterion an entry met when it joined.' })
export class WaitlistCriterionType {
  @Field(() => WaitlistCriterionKind, { description: 'Which criterion.' })
  kind!: WaitlistCriterionKind;

  @Field({ description: "The tenant's wording, e.g. « Frère ou sœur déjà inscrit ce jour »." })
  label!: string;

  @Field(() => Int, { description: 'Points it is worth.' })
  points!: number;
}

@Access(WAITLIST_READERS)
@ObjectType('WaitlistEntry', {
  implements: Node,
  description: "A child waiting for a place on a full session, with its rank in the session's list.",
})
export class WaitlistEntryType extends Node {
  @Field(() => WaitlistStatus, { description: 'Where the entry stands.' })
  status!: WaitlistStatus;

  @Field(() => Int, {
    description:
      'Points that order PRIORITY_THEN_FIFO lists: the criteria met plus any adjustment by the service (0 under FIFO ordering, where they play no part).',
  })
  priorityPoints!: number;

  @Field(() => [WaitlistCriterionType], {
    description: 'The priority criteria the entry met when it joined.',
  })
  criteria!: WaitlistCriterionType[];

  @Field({
    description: 'Whether the service reviewed this entry’s priority by hand (the family is notified).',
  })
  priorityReviewed!: boolean;

  @Access(STAFF)
  @Field(() => Int, { description: "The agent's adjustment to the criteria's points (staff only)." })
  manualPoints!: number;

  @Access(STAFF)
  @Field(() => String, { nullable: true, description: "The agent's reason for the adjustment (staff only)." })
  manualReason?: string | null;

  @Field(() => DateTime, { description: 'When the child joined the list (orders first come, first served).' })
  joinedAt!: Date;

  @Field(() => ReservationChannel, {
    description: 'How the entry was made: ONLINE by the family, COUNTER by an agent.',
  })
  channel!: ReservationChannel;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When a place was offered, for OFFERED and what followed.',
  })
  offeredAt?: Date | null;

  @Field(() => DateTime, {
    nullable: true,
    description: "The offer's deadline: accept before it, or the place goes to the next entry.",
  })
  offerExpiresAt?: Date | null;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When the entry left the queue (booked, declined, expired, left).',
  })
  closedAt?: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Why it closed beyond its status: BOOKED_ELSEWHERE (the child got booked otherwise), SESSION_PASSED.',
  })
  closedReason?: string | null;
}

/** The figures of a set of waitlist entries, declared once for each type that shows them. */
const COUNT_FIELDS: [string, string][] = [
  ['count', 'Entries waiting (WAITING).'],
  ['offered', 'Places held for offers not yet answered (OFFERED).'],
  ['promoted', 'Entries booked from the list (PROMOTED).'],
  ['declined', 'Offers declined (DECLINED).'],
  ['expired', 'Offers that expired unanswered, or entries closed when the session passed (EXPIRED).'],
  ['left', 'Entries taken off the list (LEFT).'],
  [
    'medianMinutesToPlace',
    'Median minutes from joining to a place (booked or offered) over the entries that got one; null if none did.',
  ],
];

/** Declares the count fields on `target` (each type its own fields, so each its own access rule). */
export function withCountFields(target: { prototype: object }): void {
  for (const [name, description] of COUNT_FIELDS) {
    Field(() => Int, { description, nullable: name === 'medianMinutesToPlace' })(target.prototype, name);
  }
}

/** A service's waitlists over a date range, in figures (staff). */
export class WaitlistCountsType {
  count!: number;
  offered!: number;
  promoted!: number;
  declined!: number;
  expired!: number;
  left!: number;
  medianMinutesToPlace!: number | null;
}
withCountFields(WaitlistCountsType);
Access(DASHBOARD_READERS)(WaitlistCountsType);
ObjectType('WaitlistCounts', { description: "A service's waitlists over a date range, in figures." })(
  WaitlistCountsType,
);

@InputType('JoinWaitlistInput', { description: 'Put a child on the waitlists of full sessions.' })
export class JoinWaitlistInput {
  @IdField('Child', { description: 'The child.' })
  childId!: string;

  @IdField('Child', {
    list: true,
    nullable: true,
    maxItems: 7,
    description:
      'Brothers and sisters (same family, up to 7) joining with `childId` as one sibling group: on each session the group is offered places all together or not at all, keeps the rank of its best-placed member, and lets a freed place too small for it go to the next entry without losing its rank. A session is taken only when it is full for every child. INVALID (field siblingIds) for a child named twice or of another family.',
  })
  siblingIds?: string[] | null;

  @IdField('Session', {
    list: true,
    maxItems: 100,
    description:
      'Full sessions (1 to 100), each decided on its own; one with places left is refused (NOT_FULL).',
  })
  sessionIds!: string[];

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const WaitlistEntriesPayload = payloadType('JoinWaitlistPayload', 'Result of joinWaitlist.', {
  waitlistEntries: {
    type: () => [WaitlistEntryType],
    description:
      'The entries made (or replayed), in the order of the sessions asked (a sibling group: its children in the order asked).',
    listLength: 100,
  },
});

@InputType('WaitlistEntryInput', { description: 'Act on one waitlist entry.' })
export class WaitlistEntryInput {
  @IdField('WaitlistEntry', { description: 'The entry.' })
  entryId!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const WaitlistEntryPayload = payloadType(
  'WaitlistEntryPayload',
  'Result of an action on a waitlist entry.',
  {
    waitlistEntry: {
      type: () => WaitlistEntryType,
      nullable: true,
      description: 'The entry, as the action left it.',
    },
  },
);

@InputType('SetWaitlistPriorityInput', { description: "Change a waiting entry's priority, with a reason." })
export class SetWaitlistPriorityInput {
  @IdField('WaitlistEntry', { description: 'The entry (WAITING).' })
  entryId!: string;

  @Field(() => Int, {
    description: "Points added to the criteria's points (-1000 to 1000; 0 removes a previous adjustment).",
  })
  points!: number;

  @TextField({ maxLength: 500, description: 'Why (required, audited; not shown to the family).' })
  reason!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}
