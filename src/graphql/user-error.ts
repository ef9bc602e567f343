import {
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  ObjectType,
  registerEnumType,
  Resolver,
  Root,
} from 'type-graphql';
import { render, type Message } from '../shared/i18n';
import { toGlobalId } from '../shared/ids';
import { UserErrorCode, type UserErrorDetails } from '../shared/user-errors';
import { OperatingMode } from '../tenants/tenant.entity';
import type { GraphQLContext } from './context';
import { DateTime, LocalDate } from './scalars';

registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'Why a mutation refused (part of) its input.',
  valuesConfig: {
    NOT_FOUND: {
      description:
        'An object named in the input does not exist or is not visible (e.g. another tenant’s), or its ID is not an ID of the type the field takes (`reason` MALFORMED_ID, ID_OF_ANOTHER_TYPE): nothing was run.',
    },
    FULL: { description: 'No place left in the session.' },
    NOT_OPEN: { description: 'Booking (or the roll call of a session) has not opened yet.' },
    CLOSED: {
      description:
        'Booking has closed, or the service is closed that day (a public or school holiday, named in the message).',
    },
    ALREADY_BOOKED: { description: 'The child already holds a reservation for this session.' },
    NOT_ALLOWED_IN_MODE: { description: 'Not allowed in the current operating mode (outage fallback).' },
    NOT_CANCELLABLE: { description: 'The reservation is not in a state that can be cancelled.' },
    OUTCOME_LOCKED: {
      description: 'The outcome is invoiced and can no longer change: ask for a credit note.',
    },
    DAY_BILLED: {
      description:
        "A billing run covered the session's day: its attendance no longer changes unless an agent unlocks it (unlockAttendanceDay).",
    },
    IDEMPOTENCY_CONFLICT: { description: 'The idempotency key was used before with different input.' },
    INVALID: {
      description:
        'An input value is not acceptable; over its limits (`reason` TOO_LONG, TOO_MANY_ITEMS, OUT_OF_RANGE, NUL, SURROGATE), nothing was run.',
    },
    NOT_ELIGIBLE: {
      description:
        'The child may not attend this service: outside its age range, not a pupil of its school, already at school for a crèche (`reason` says which).',
    },
    OVERLAP: {
      description:
        'The child already holds a reservation at overlapping hours (same date and period, or a full day); `relatedId` is that session.',
    },
    NOT_ALLOWED: { description: "Not allowed by the tenant's configuration or the service's state." },
    NOT_FULL: {
      description: 'A waitlist was asked for a session with places left (`placesLeft`): book it instead.',
    },
    ALREADY_WAITLISTED: { description: "The child already has a live entry on this session's waitlist." },
    NOT_ON_WAITLIST: {
      description:
        'The waitlist entry is not in a state that allows this: no offer to accept or decline, or it left the list already.',
    },
    OFFER_EXPIRED: {
      description: "The offer's deadline has passed: the place went to the next entry on the list.",
    },
    DUPLICATE: {
      description:
        'Another record of the tenant already has this identifier (an external reference, a guardian email); `relatedId` is that record.',
    },
    MERGE_CONFLICT: {
      description:
        'A merge would put the same child twice on one session (or at overlapping hours), or two invoices on one period: the message names the rows, `relatedId` the first.',
    },
  },
});

@ObjectType('UserError', { description: 'An expected refusal, with the input field it concerns.' })
export class UserErrorType {
  @Field(() => [String], {
    nullable: true,
    description: 'Path to the input field, e.g. ["sessionIds", "3"].',
  })
  field?: string[];

  /** The key and parameters of the message (a string in replays stored before messages had keys). */
  message!: Message | string;

  @Field(() => UserErrorCode, { description: 'Machine-readable reason.' })
  code!: UserErrorCode;

  @Field(() => String, {
    nullable: true,
    description:
      'Finer machine reason where one applies: OPERATING_MODE, HOLIDAY, BOOKING_WINDOW, TOO_YOUNG, TOO_OLD, NOT_A_PUPIL, AT_SCHOOL, OVERLAP, NO_PLACE_LEFT, MALFORMED_ID, ID_OF_ANOTHER_TYPE, TOO_LONG, TOO_MANY_ITEMS, OUT_OF_RANGE, NUL, SURROGATE…',
  })
  reason?: string;

  @Field(() => LocalDate, {
    nullable: true,
    description:
      "The tenant-local date the refusal is about, e.g. the session's (booking refusals, a roll call too early).",
  })
  date?: string;

  @Field(() => DateTime, { nullable: true, description: 'When booking opens, for booking refusals.' })
  opensAt?: string;

  @Field(() => DateTime, { nullable: true, description: 'When booking closes, for booking refusals.' })
  closesAt?: string;

  @Field(() => Int, { nullable: true, description: 'Places left in the session, for booking refusals.' })
  placesLeft?: number;

  @Field(() => String, { nullable: true, description: 'The holiday that closes the service that day.' })
  holiday?: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "The service's age bound in whole months, for TOO_YOUNG (the minimum) and TOO_OLD (the maximum, exclusive).",
  })
  ageMonths?: number;

  @Field(() => OperatingMode, {
    nullable: true,
    description:
      'The operating mode that refused, for NOT_ALLOWED_IN_MODE (WALK_IN, COUNTER_ONLY, READ_ONLY).',
  })
  mode?: string;

  related?: UserErrorDetails['related'];
}

@Resolver(() => UserErrorType)
export class UserErrorResolver {
  @FieldResolver(() => String, {
    description:
      "The refusal for people, in the tenant's language (fr-FR, fr-CA; English for other locales) with dates and times in its time zone, e.g. « La réservation ouvre le vendredi 4 juin 2027 à 12 h 30. ». A replayed refusal is worded again in the tenant's current language. To word it yourself, read `code`, `reason` and the structured fields.",
  })
  message(@Root() error: UserErrorType, @Ctx() ctx: GraphQLContext): string {
    return render(error.message, ctx.language);
  }

  @FieldResolver(() => ID, {
    nullable: true,
    description: 'The object the refusal points to, e.g. the session of an overlapping reservation.',
  })
  relatedId(@Root() error: UserErrorType): string | null {
    return error.related ? toGlobalId(error.related.type, error.related.id) : null;
  }
}
