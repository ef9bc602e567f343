import { Field, InputType, ObjectType } from 'type-graphql';
import { IdField, TextField } from '../graphql/inputs';
import { Node } from '../graphql/node';
import { payloadType } from '../graphql/payload';
import { ReservationType } from '../reservations/reservation.types';
import { idempotencyKeyField } from '../graphql/inputs';
import { SessionType } from '../sessions/session.types';
import { LocalDate } from '../graphql/scalars';

@ObjectType('AbsenceReason', {
  implements: Node,
  description: "A reason the tenant accepts for an absence (motif d'absence).",
})
export class AbsenceReasonType extends Node {
  @Field({ description: 'Stable code to send in justifyAbsence, e.g. SICKNESS.' })
  code!: string;

  @Field({ description: 'Label shown to families and agents.' })
  label!: string;

  @Field({ description: 'Whether an absence for this reason is still billed.' })
  billable!: boolean;

  @Field({ description: 'Whether a supporting document (documentRef) is required.' })
  requiresDocument!: boolean;

  @Field({ description: 'Whether it may justify a cancellation given after the notice deadline.' })
  excusesLateCancellation!: boolean;

  @Field({ description: 'Whether it can still be given (retired reasons stay on past absences).' })
  active!: boolean;
}

@InputType('RecordAttendanceInput', { description: 'The roll call of one session.' })
export class RecordAttendanceInput {
  @IdField('Session', { description: 'The session.' })
  sessionId!: string;

  @IdField('Child', {
    list: true,
    maxItems: 1000,
    description: 'Children present (with or without a reservation); at most 1000.',
  })
  present!: string[];

  @IdField('Child', {
    list: true,
    maxItems: 1000,
    description: 'Booked children who did not come; at most 1000.',
  })
  absent!: string[];

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const RecordAttendancePayload = payloadType('RecordAttendancePayload', 'Result of recordAttendance.', {
  session: {
    type: () => SessionType,
    nullable: true,
    description: 'The session, with its walk-ins counted.',
  },
  reservations: {
    type: () => [ReservationType],
    description: 'The reservations whose outcome was recorded.',
  },
});

@InputType('JustifyAbsenceInput', { description: 'Justify an absence.' })
export class JustifyAbsenceInput {
  @IdField('Reservation', { description: 'The reservation.' })
  reservationId!: string;

  @TextField({ maxLength: 64, description: "The code of one of the tenant's absenceReasons." })
  reason!: string;

  @TextField({
    nullable: true,
    maxLength: 255,
    description: 'Reference of the supporting document (required by some reasons), at most 255 characters.',
  })
  documentRef?: string | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const JustifyAbsencePayload = payloadType('JustifyAbsencePayload', 'Result of justifyAbsence.', {
  reservation: {
    type: () => ReservationType,
    nullable: true,
    description: 'The reservation, now ABSENT_JUSTIFIED.',
  },
});

@InputType('SetAbsenceReasonInput', { description: 'Create or update an absence reason by its code.' })
export class SetAbsenceReasonInput {
  @TextField({ maxLength: 64, description: 'Stable code: upper case letters, digits and _, e.g. SICKNESS.' })
  code!: string;

  @TextField({ maxLength: 255, description: 'Label shown to families and agents.' })
  label!: string;

  @Field({ description: 'Whether an absence for this reason is still billed.' })
  billable!: boolean;

  @Field({ description: 'Whether a supporting document is required.' })
  requiresDocument!: boolean;

  @Field({
    defaultValue: false,
    description: 'Whether it may justify a cancellation given after the notice deadline (default false).',
  })
  excusesLateCancellation!: boolean;

  @Field({ defaultValue: true, description: 'Whether it can be given (false retires it).' })
  active!: boolean;
}

export const SetAbsenceReasonPayload = payloadType('SetAbsenceReasonPayload', 'Result of setAbsenceReason.', {
  absenceReason: { type: () => AbsenceReasonType, nullable: true, description: 'The reason as stored.' },
});

@InputType('UnlockAttendanceDayInput', {
  description: 'A billed day to correct: a session, or every session of a facility on a date.',
})
export class UnlockAttendanceDayInput {
  @IdField('Session', { nullable: true, description: 'The session (or give facilityId and date).' })
  sessionId?: string | null;

  @IdField('Facility', {
    nullable: true,
    description: 'The facility, with `date`: all its sessions that day.',
  })
  facilityId?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'The day (YYYY-MM-DD), with `facilityId`.' })
  date?: string | null;

  @TextField({
    maxLength: 500,
    description: 'Why the billed day must change (kept in the audit trail), 1 to 500 characters.',
  })
  reason!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const UnlockAttendanceDayPayload = payloadType(
  'UnlockAttendanceDayPayload',
  'Result of unlockAttendanceDay.',
  {
    sessions: {
      type: () => [SessionType],
      description:
        'The sessions unlocked: their roll call may change until the next billing run covers them.',
    },
  },
);
