import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Node } from '../graphql/node';
import { UserErrorType } from '../graphql/user-error';
import { FacilityType } from '../facilities/facility.types';
import { Diet } from '../families/child.entity';
import { ReservationType } from '../reservations/reservation.types';
import { SessionType } from '../sessions/session.types';

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

  @Field({ description: 'Whether it can still be given (retired reasons stay on past absences).' })
  active!: boolean;
}

@InputType('RecordAttendanceInput', { description: 'The roll call of one session.' })
export class RecordAttendanceInput {
  @Field(() => ID, { description: 'The session.' })
  sessionId!: string;

  @Field(() => [ID], { description: 'Children present (with or without a reservation).' })
  present!: string[];

  @Field(() => [ID], { description: 'Booked children who did not come.' })
  absent!: string[];

  @Field({ description: 'Unique per attempt; retry with the same key to replay the first result.' })
  idempotencyKey!: string;
}

@ObjectType('RecordAttendancePayload', { description: 'Result of recordAttendance.' })
export class RecordAttendancePayload {
  @Field(() => SessionType, { nullable: true, description: 'The session, with its walk-ins counted.' })
  session!: unknown;

  @Field(() => [ReservationType], { description: 'The reservations whose outcome was recorded.' })
  reservations!: unknown[];

  @Field(() => [UserErrorType], {
    description: 'Children refused, each naming its place in present or absent (e.g. ["present", "4"]).',
  })
  userErrors!: UserErrorType[];
}

@InputType('JustifyAbsenceInput', { description: 'Justify an absence.' })
export class JustifyAbsenceInput {
  @Field(() => ID, { description: 'The reservation.' })
  reservationId!: string;

  @Field({ description: "The code of one of the tenant's absenceReasons." })
  reason!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Reference of the supporting document (required by some reasons).',
  })
  documentRef?: string | null;

  @Field({ description: 'Unique per attempt; retry with the same key to replay the first result.' })
  idempotencyKey!: string;
}

@ObjectType('JustifyAbsencePayload', { description: 'Result of justifyAbsence.' })
export class JustifyAbsencePayload {
  @Field(() => ReservationType, { nullable: true, description: 'The reservation, now ABSENT_JUSTIFIED.' })
  reservation!: unknown;

  @Field(() => [UserErrorType], { description: 'Why it was refused, if it was.' })
  userErrors!: UserErrorType[];
}

@InputType('SetAbsenceReasonInput', { description: 'Create or update an absence reason by its code.' })
export class SetAbsenceReasonInput {
  @Field({ description: 'Stable code: upper case letters, digits and _, e.g. SICKNESS.' })
  code!: string;

  @Field({ description: 'Label shown to families and agents.' })
  label!: string;

  @Field({ description: 'Whether an absence for this reason is still billed.' })
  billable!: boolean;

  @Field({ description: 'Whether a supporting document is required.' })
  requiresDocument!: boolean;

  @Field({ defaultValue: true, description: 'Whether it can be given (false retires it).' })
  active!: boolean;
}

@ObjectType('SetAbsenceReasonPayload', { description: 'Result of setAbsenceReason.' })
export class SetAbsenceReasonPayload {
  @Field(() => AbsenceReasonType, { nullable: true, description: 'The reason as stored.' })
  absenceReason!: unknown;

  @Field(() => [UserErrorType], { description: 'Why it was refused, if it was.' })
  userErrors!: UserErrorType[];
}

@ObjectType('MealCount', { description: 'Meals of one diet at one school on one day, for the kitchen.' })
export class MealCountType {
  @Field(() => FacilityType, { description: 'The school.' })
  facility!: unknown;

  @Field(() => Diet, { description: 'The diet.' })
  diet!: Diet;

  @Field(() => Int, { description: 'Meals expected from reservations (forecast), cancellations excluded.' })
  booked!: number;

  @Field(() => Int, { description: 'Meals eaten per the roll call, walk-ins included.' })
  eaten!: number;

  @Field(() => Int, { description: 'Of the meals eaten, those without a reservation.' })
  walkIns!: number;
}
