import { ArgsType, Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CATALOG_READERS } from '../facilities/facility.types';
import { Access } from '../graphql/access';
import { connectionOf, PageArgs } from '../graphql/connection';
import { IdField } from '../graphql/inputs';
import { Node } from '../graphql/node';
import { DateTime, LocalDate } from '../graphql/scalars';
import { SessionPeriod } from './session.entity';

registerEnumType(SessionPeriod, {
  name: 'SessionPeriod',
  description: 'Part of the day a session covers.',
  valuesConfig: {
    MORNING: { description: 'Morning (accueil du matin, half-day).' },
    LUNCH: { description: 'Lunch break (pause méridienne).' },
    AFTERNOON: { description: 'Afternoon (half-day).' },
    EVENING: { description: 'After school (accueil du soir).' },
    FULL_DAY: { description: 'The whole day.' },
  },
});

@Access(CATALOG_READERS)
@ObjectType('Session', { implements: Node, description: 'One bookable occurrence of a service.' })
export class SessionType extends Node {
  @Field(() => LocalDate, { description: 'Tenant-local date.' })
  date!: string;

  @Field(() => SessionPeriod, { description: 'Part of the day.' })
  period!: SessionPeriod;

  @Field(() => Int, { description: 'Places that can be booked.' })
  capacity!: number;

  @Field(() => Int, { description: 'Places booked.' })
  placesTaken!: number;

  @Field(() => Int, {
    description: "Children recorded present without a reservation (up to the facility's physical capacity).",
  })
  walkIns!: number;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When the town cancelled it (cancelSession): nobody can book it; null while it is held.',
  })
  cancelledAt?: Date | null;
}

export const SessionConnection = connectionOf(SessionType, 'Session');

@InputType('SessionFilter', { description: 'Which sessions to list.' })
export class SessionFilterInput {
  @IdField('Service', { nullable: true, description: 'Only sessions of this service.' })
  serviceId?: string | null;

  @IdField('Facility', { nullable: true, description: 'Only sessions at this facility.' })
  facilityId?: string | null;

  @Field(() => LocalDate, {
    nullable: true,
    description:
      'From this date (inclusive). Default: none for staff and keys; today (tenant-local) for parents and with `childId`.',
  })
  from?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Up to this date (inclusive).' })
  to?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only sessions with a place left.' })
  onlyAvailable?: boolean | null;

  @IdField('Child', {
    nullable: true,
    description:
      "Only the sessions this child may attend: its school's canteen and périscolaire, the services whose age range it is in (crèches before school). The list then starts today (tenant-local) unless `from` is given. NOT_FOUND for a child the caller may not act for.",
  })
  childId?: string | null;
}

@ArgsType()
export class SessionsArgs extends PageArgs {
  @Field(() => SessionFilterInput, { nullable: true, description: 'Filter; all sessions when omitted.' })
  filter?: SessionFilterInput | null;
}
