import { ArgsType, Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Scope } from '../auth/viewer';
import { Access, type AccessRule } from '../graphql/access';
import { connectionOf, PageArgs } from '../graphql/connection';
import { IdField, idempotencyKeyField } from '../graphql/inputs';
import { payloadType } from '../graphql/payload';
import { Node } from '../graphql/node';
import { DateTime, LocalDate } from '../graphql/scalars';
import { MoneyType } from '../graphql/money';
import { ChildType } from '../families/family.types';
import { WaitlistEntryType } from '../waitlists/waitlist.types';
import { ChargeReason } from './charge.entity';
import { ReservationChannel, ReservationStatus } from './reservation.entity';

registerEnumType(ReservationStatus, {
  name: 'ReservationStatus',
  description: 'Where a reservation stands.',
  valuesConfig: {
    BOOKED: { description: 'Booked; holds a place.' },
    CANCELLED: { description: 'Cancelled in time: free, place released.' },
    LATE_CANCELLED: { description: 'Cancelled after the notice deadline: billed.' },
    ATTENDED: { description: 'The child came.' },
    ABSENT_JUSTIFIED: { description: 'Absent with an accepted justification: not billed.' },
    ABSENT_UNJUSTIFIED: { description: 'Absent without justification: billed where the service says so.' },
  },
});

registerEnumType(ReservationChannel, {
  name: 'ReservationChannel',
  description: 'How a reservation was made.',
  valuesConfig: {
    ONLINE: { description: 'By the family (portal or app).' },
    COUNTER: { description: "By an agent on the family's behalf (guichet)." },
    WALK_IN: { description: 'Recorded from attendance, without prior booking.' },
    IMPORT: { description: 'Imported from previous software.' },
    WAITLIST: {
      description:
        "From the session's waitlist: a freed place booked for the first entry (AUTO_BOOK), or an offer the family accepted.",
    },
  },
});

/** Reservations: staff, parents (their own), and the keys that read families, book or take the roll. */
export const RESERVATION_READERS: AccessRule = {
  scopes: [Scope.FAMILIES_READ, Scope.RESERVATIONS_WRITE, Scope.ATTENDANCE_WRITE],
  parents: true,
};
/** Money of a family (charges, invoices, payments, plans, accounts): staff, billing:read, the family. */
export const BILLING_READERS: AccessRule = { scopes: [Scope.BILLING_READ], parents: true };
/** A payment: billing readers, and the payment integration that recorded it (payments:write). */
export const PAYMENT_READERS: AccessRule = {
  scopes: [Scope.BILLING_READ, Scope.PAYMENTS_WRITE],
  parents: true,
};

@Access(RESERVATION_READERS)
@ObjectType('Reservation', { implements: Node, description: 'A child booked on a session.' })
export class ReservationType extends Node {
  @Field(() => ReservationStatus, { description: 'Current status.' })
  status!: ReservationStatus;

  @Field(() => ReservationChannel, { description: 'How it was made.' })
  channel!: ReservationChannel;

  @Field(() => DateTime, { description: 'When it was made.' })
  createdAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When it was cancelled, if it was.' })
  cancelledAt?: Date | null;

  @Field(() => String, {
    nullable: true,
    description: "For a justified absence: the supporting document's reference (e.g. a certificate).",
  })
  absenceDocumentRef?: string | null;

  @Field(() => DateTime, { nullable: true, description: 'When the roll call last set its outcome.' })
  attendanceRecordedAt?: Date | null;
}

export const ReservationConnection = connectionOf(ReservationType, 'Reservation');

@ArgsType()
export class ReservationsArgs extends PageArgs {
  @Field(() => ReservationStatus, { nullable: true, description: 'Only reservations in this status.' })
  status?: ReservationStatus | null;

  @Field(() => LocalDate, { nullable: true, description: 'Only sessions from this date (inclusive).' })
  from?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Only sessions up to this date (inclusive).' })
  to?: string | null;

  @IdField('Child', { nullable: true, description: "Only this child's reservations." })
  childId?: string | null;
}

registerEnumType(ChargeReason, {
  name: 'ChargeReason',
  description: 'Why a reservation is billed.',
  valuesConfig: {
    ATTENDED: { description: 'The child attended (a meal eaten, a day at the centre).' },
    WALK_IN: { description: 'The child attended without a reservation.' },
    LATE_CANCELLATION: { description: 'Cancelled after the notice deadline.' },
    UNJUSTIFIED_ABSENCE: { description: 'Booked, absent, no justification; the service bills it.' },
    BILLABLE_ABSENCE: { description: 'Absent with a reason the tenant still bills.' },
    PLACEMENT_MONTH: { description: 'A month of a childcare placement (no reservation).' },
    OPENING_BALANCE: {
      description:
        'What the family still owed the previous software (POST /imports/balances): no reservation, service nor child; see `label` and `legacyReference`.',
    },
  },
});

@Access(BILLING_READERS)
@ObjectType('Charge', {
  implements: Node,
  description: 'One billable line of a family (the ledger), priced when it arose; waits for an invoice.',
})
export class ChargeType extends Node {
  @Field(() => LocalDate, { description: 'Date of the service rendered (the session date).' })
  date!: string;

  @Field(() => ChargeReason, { description: 'Why it is billed.' })
  reason!: ChargeReason;

  @Field(() => Int, { description: 'Units billed (meals, days…).' })
  quantity!: number;

  @Field(() => MoneyType, { description: 'Price of one unit, fixed when the charge arose.' })
  unitPrice!: MoneyType;

  @Field(() => MoneyType, { description: 'quantity × unitPrice.' })
  amount!: MoneyType;

  @Field({ description: 'Whether it is on an issued invoice (then it never changes).' })
  invoiced!: boolean;

  @Field(() => String, {
    nullable: true,
    description:
      'OPENING_BALANCE: its origin as the previous software named it (e.g. "Cantine 2025-2026 reliquat"), at most 160 characters; null for other charges.',
  })
  label!: string | null;
}

export const ChargeConnection = connectionOf(ChargeType, 'Charge');

@ArgsType()
export class ChargesArgs extends PageArgs {
  @Field(() => LocalDate, { nullable: true, description: 'Only charges from this date (inclusive).' })
  from?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Only charges up to this date (inclusive).' })
  to?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only charges not yet invoiced.' })
  uninvoiced?: boolean | null;
}

@ObjectType('SessionChildBooking', {
  description: "One of the viewer's children and its booking on a session.",
})
export class SessionChildBookingType {
  @Field(() => ChildType, { description: 'The child.' })
  child!: unknown;

  @Field({ description: 'Whether the child holds a (not cancelled) reservation on the session.' })
  booked!: boolean;

  @Field(() => ReservationType, { nullable: true, description: 'That reservation, if any.' })
  reservation!: unknown;
}

@InputType('ReserveInput', { description: 'Book one child on one or many sessions.' })
export class ReserveInput {
  @IdField('Child', { description: 'The child to book.', keptByService: true })
  childId!: string;

  @IdField('Session', {
    list: true,
    maxItems: 100,
    description: 'Sessions to book (1 to 100), each decided on its own.',
  })
  sessionIds!: string[];

  @Field(() => Boolean, {
    nullable: true,
    description:
      'When true, a full session puts the child on its waitlist (returned in `waitlistEntries`) instead of answering FULL. Default false.',
  })
  waitlistIfFull?: boolean | null;

  @IdField('Family', {
    nullable: true,
    description:
      "Shared custody, staff at the counter: the household booking (and paying), one of the child's households (NOT_FOUND otherwise); the child's own household when omitted. A parent always books for their own household.",
  })
  householdId?: string | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const ReservePayload = payloadType('ReservePayload', 'Result of reserve.', {
  reservations: {
    type: () => [ReservationType],
    description: 'Reservations made (or replayed), in the order asked.',
  },
  waitlistEntries: {
    type: () => [WaitlistEntryType],
    description:
      'With `waitlistIfFull`: the waitlist entries made for the sessions that were full, in the order asked (each with its rank).',
  },
});

@InputType('CancelReservationInput', { description: 'Cancel a booked reservation.' })
export class CancelReservationInput {
  @IdField('Reservation', { description: 'The reservation.' })
  reservationId!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const CancelReservationPayload = payloadType(
  'CancelReservationPayload',
  'Result of cancelReservation.',
  {
    reservation: {
      type: () => ReservationType,
      nullable: true,
      description: 'The reservation, CANCELLED or LATE_CANCELLED.',
    },
  },
);

@InputType('CancelReservationsInput', { description: 'Cancel many booked reservations at once.' })
export class CancelReservationsInput {
  @IdField('Reservation', {
    list: true,
    maxItems: 100,
    description: 'The reservations, at most 100; each is decided on its own.',
  })
  reservationIds!: string[];

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const CancelReservationsPayload = payloadType(
  'CancelReservationsPayload',
  'Result of cancelReservations: the reservations cancelled (free or billed), and a user error for each one refused.',
  {
    reservations: {
      type: () => [ReservationType],
      description: 'The reservations cancelled, in the order asked.',
      listLength: 100,
    },
  },
);
