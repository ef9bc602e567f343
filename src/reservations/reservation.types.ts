import { ArgsType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { connectionOf, PageArgs } from '../graphql/connection';
import { Node } from '../graphql/node';
import { DateTime } from '../graphql/scalars';
import { UserErrorType } from '../graphql/user-error';
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
  },
});

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
}

export const ReservationConnection = connectionOf(ReservationType, 'Reservation');

@ArgsType()
export class ReservationsArgs extends PageArgs {
  @Field(() => ReservationStatus, { nullable: true, description: 'Only reservations in this status.' })
  status?: ReservationStatus | null;
}

@InputType('ReserveInput', { description: 'Book one child on one or many sessions.' })
export class ReserveInput {
  @Field(() => ID, { description: 'The child to book.' })
  childId!: string;

  @Field(() => [ID], { description: 'Sessions to book (1 to 100), each decided on its own.' })
  sessionIds!: string[];

  @Field({ description: 'Unique per attempt; retry with the same key to replay the first result.' })
  idempotencyKey!: string;
}

@ObjectType('ReservePayload', { description: 'Result of reserve.' })
export class ReservePayload {
  @Field(() => [ReservationType], { description: 'Reservations made (or replayed).' })
  reservations!: unknown[];

  @Field(() => [UserErrorType], { description: 'Sessions refused, each naming its index in sessionIds.' })
  userErrors!: UserErrorType[];
}

@InputType('CancelReservationInput', { description: 'Cancel a booked reservation.' })
export class CancelReservationInput {
  @Field(() => ID, { description: 'The reservation.' })
  reservationId!: string;

  @Field({ description: 'Unique per attempt; retry with the same key to replay the first result.' })
  idempotencyKey!: string;
}

@ObjectType('CancelReservationPayload', { description: 'Result of cancelReservation.' })
export class CancelReservationPayload {
  @Field(() => ReservationType, {
    nullable: true,
    description: 'The reservation, CANCELLED or LATE_CANCELLED.',
  })
  reservation!: unknown;

  @Field(() => [UserErrorType], { description: 'Why it was refused, if it was.' })
  userErrors!: UserErrorType[];
}
