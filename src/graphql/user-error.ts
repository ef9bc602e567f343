import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { UserErrorCode } from '../shared/user-errors';

registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'Why a mutation refused (part of) its input.',
  valuesConfig: {
    NOT_FOUND: { description: 'An object named in the input does not exist or is not visible.' },
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
    IDEMPOTENCY_CONFLICT: { description: 'The idempotency key was used before with different input.' },
    INVALID: { description: 'An input value is not acceptable.' },
  },
});

@ObjectType('UserError', { description: 'An expected refusal, with the input field it concerns.' })
export class UserErrorType {
  @Field(() => [String], {
    nullable: true,
    description: 'Path to the input field, e.g. ["sessionIds", "3"].',
  })
  field?: string[];

  @Field({ description: 'Human-readable explanation.' })
  message!: string;

  @Field(() => UserErrorCode, { description: 'Machine-readable reason.' })
  code!: UserErrorCode;
}
