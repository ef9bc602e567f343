import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IdField, idempotencyKeyField } from '../graphql/inputs';
import { payloadType } from '../graphql/payload';
import { LocalDate } from '../graphql/scalars';
import { MAX_CAPACITY, MAX_GENERATION_DAYS } from './generate-sessions.service';
import { SessionPeriod } from './session.entity';
import { SessionType } from './session.types';

export enum Weekday {
  MONDAY = 'MONDAY',
  TUESDAY = 'TUESDAY',
  WEDNESDAY = 'WEDNESDAY',
  THURSDAY = 'THURSDAY',
  FRIDAY = 'FRIDAY',
  SATURDAY = 'SATURDAY',
  SUNDAY = 'SUNDAY',
}
registerEnumType(Weekday, {
  name: 'Weekday',
  description: 'A day of the week (ISO: the week starts on Monday).',
});

export enum SkipReason {
  PUBLIC_HOLIDAY = 'PUBLIC_HOLIDAY',
  SCHOOL_HOLIDAY = 'SCHOOL_HOLIDAY',
  CLOSURE = 'CLOSURE',
  EXISTING = 'EXISTING',
}
registerEnumType(SkipReason, {
  name: 'SessionSkipReason',
  description: 'Why generateSessions created no session on a date.',
  valuesConfig: {
    PUBLIC_HOLIDAY: { description: "A public holiday of the tenant's region closes the service." },
    SCHOOL_HOLIDAY: {
      description: "School holidays of the tenant's académie zone close this school-day service.",
    },
    CLOSURE: { description: 'A closure period of the tenant (createClosurePeriod) covers the date.' },
    EXISTING: { description: 'The session already exists (generated before): nothing is created twice.' },
  },
});

@InputType('GenerateSessionsInput', { description: 'Which sessions to create in a date range.' })
export class GenerateSessionsInput {
  @IdField('Service', { description: "The service; its sessions go to the service's facility." })
  serviceId!: string;

  @IdField('Facility', {
    list: true,
    nullable: true,
    maxItems: 500,
    description:
      "Also these facilities (at most 500): each one's service of the same kind gets the same sessions — e.g. the canteen of every school in one call. A facility with no or several services of that kind is refused (INVALID, naming `facilityIds.<i>`).",
  })
  facilityIds?: string[] | null;

  @Field(() => LocalDate, { description: 'First date (tenant-local), inclusive.' })
  from!: string;

  @Field(() => LocalDate, {
    description: `Last date, inclusive: on or after \`from\`, at most ${MAX_GENERATION_DAYS} days in all (INVALID otherwise).`,
  })
  to!: string;

  @Field(() => [Weekday], {
    description: 'The weekdays with a session, e.g. MONDAY, TUESDAY, THURSDAY, FRIDAY; at least one.',
  })
  weekdays!: Weekday[];

  @Field(() => SessionPeriod, { description: 'The part of the day of every session created.' })
  period!: SessionPeriod;

  @Field(() => Int, {
    nullable: true,
    description: `Places of each session created, 0 to ${MAX_CAPACITY}; default each service's default capacity.`,
  })
  capacity?: number | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@ObjectType('SkippedSessionDate', {
  description: 'A date on which generateSessions created no session, and why.',
})
export class SkippedDateType {
  @Field(() => LocalDate, { description: 'The date.' })
  date!: string;

  @Field(() => SkipReason, { description: 'Why.' })
  reason!: SkipReason;

  @Field(() => String, {
    nullable: true,
    description: 'The holiday or closure period, e.g. "Vacances de Noël".',
  })
  name!: string | null;

  @Field(() => Int, {
    description: 'How many of the services generated for were skipped that date for that reason.',
  })
  sessions!: number;
}

export const GenerateSessionsPayload = payloadType('GenerateSessionsPayload', 'Result of generateSessions.', {
  created: { type: () => Int, nullable: true, description: 'Sessions created by this call.' },
  skipped: {
    type: () => Int,
    nullable: true,
    description: 'Sessions not created (service × date): a holiday, a closure, or already there.',
  },
  services: { type: () => Int, nullable: true, description: 'How many services got sessions.' },
  skippedDates: {
    type: () => [SkippedDateType],
    nullable: true,
    listLength: 60,
    description: 'Each date skipped, with its reason, in date order.',
  },
  schoolHolidaysKnownUntil: {
    type: () => LocalDate,
    nullable: true,
    description:
      'Set when the range runs past the school holidays Guichet knows (the data file ends then): later school holidays were not skipped — declare them with createClosurePeriod (serviceKinds CANTEEN, PERISCHOOL) before generating, or after (it removes the empty sessions).',
  },
});

@InputType('SetSessionCapacityInput', { description: "A session's new bookable capacity." })
export class SetSessionCapacityInput {
  @IdField('Session', { description: 'The session.' })
  sessionId!: string;

  @Field(() => Int, {
    description: `Places that can be booked, 0 to ${MAX_CAPACITY}; not below the places taken (INVALID, naming their number).`,
  })
  capacity!: number;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const SetSessionCapacityPayload = payloadType(
  'SetSessionCapacityPayload',
  'Result of setSessionCapacity.',
  {
    session: {
      type: () => SessionType,
      nullable: true,
      description: 'The session, with its capacity and places left.',
    },
  },
);
