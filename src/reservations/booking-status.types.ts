import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Role, Scope } from '../auth/viewer';
import { Access, type AccessRule } from '../graphql/access';
import { DateTime } from '../graphql/scalars';
import type { Message } from '../shared/i18n';
import { BookingStatus, type BookingDecision } from './booking-status';

/** Who may ask whether a child can be booked: whoever may book it. */
export const BOOKING_STATUS_READERS: AccessRule = {
  roles: [Role.AGENT, Role.TENANT_ADMIN],
  scopes: [Scope.RESERVATIONS_WRITE],
  parents: true,
};

registerEnumType(BookingStatus, {
  name: 'BookingStatus',
  description: 'Whether a child can be booked on a session now.',
  valuesConfig: {
    OPEN: { description: 'Bookable now: `reserve` will take a place (unless someone takes the last first).' },
    NOT_YET_OPEN: { description: 'Booking opens at `opensAt`.' },
    CLOSED: {
      description:
        'Not bookable: the booking window has closed (`closesAt`), a holiday closes the service (`holiday`), or an outage mode closes online booking (`reason`).',
    },
    FULL: { description: 'No place left.' },
    NOT_ELIGIBLE: {
      description:
        'The child may not attend: outside the age range, not a pupil of the school, already at school for a crèche, or booked elsewhere at overlapping hours (`reason`).',
    },
    ALREADY_BOOKED: { description: 'The child already holds a reservation on this session.' },
  },
});

/** A booking decision with the refusal `reserve` would give (key and parameters), if any. */
export interface SessionBooking extends BookingDecision {
  refusal: Message | null;
}

@Access(BOOKING_STATUS_READERS)
@ObjectType('SessionBooking', {
  description:
    'Whether and why a child can or cannot be booked on a session now, with the data to explain it.',
})
export class SessionBookingType {
  @Field(() => BookingStatus, { description: 'The status.' })
  status!: BookingStatus;

  @Field(() => String, {
    nullable: true,
    description:
      'Why, when not OPEN: OPERATING_MODE, HOLIDAY, SESSION_CANCELLED, BOOKING_WINDOW, TOO_YOUNG, TOO_OLD, NOT_A_PUPIL, AT_SCHOOL, OVERLAP, NO_PLACE_LEFT, ALREADY_BOOKED.',
  })
  reason!: string | null;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When booking opens; null: since the session exists.',
  })
  opensAt!: Date | null;

  @Field(() => DateTime, { description: 'When booking closes.' })
  closesAt!: Date;

  @Field(() => Int, { description: 'Places left now.' })
  placesLeft!: number;

  @Field(() => String, {
    nullable: true,
    description: 'The holiday closing the service that day, for HOLIDAY.',
  })
  holiday!: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'The age bound in months the child is outside of, for TOO_YOUNG (minimum) and TOO_OLD (maximum, exclusive).',
  })
  ageMonths!: number | null;
}
