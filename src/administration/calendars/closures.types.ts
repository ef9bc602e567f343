import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ServiceKind } from '../../facilities/service.entity';
import { STAFF, Access } from '../../graphql/access';
import { IdField, idempotencyKeyField, TextField } from '../../graphql/inputs';
import { Node } from '../../graphql/node';
import { payloadType } from '../../graphql/payload';
import { LocalDate } from '../../graphql/scalars';

@Access(STAFF)
@ObjectType('ClosurePeriod', {
  implements: Node,
  description:
    'Days the tenant closes (a strike, works, school holidays not yet in the data file): no session can exist on them.',
})
export class ClosurePeriodType extends Node {
  @Field({ description: 'What families and agents read, e.g. "Grève du 12 mars".' })
  name!: string;

  @Field(() => LocalDate, { description: 'First closed day (tenant-local), inclusive.' })
  startsOn!: string;

  @Field(() => LocalDate, { description: 'Last closed day, inclusive.' })
  endsOn!: string;

  @Field(() => [ServiceKind], { description: 'The kinds of service it closes; every kind when empty.' })
  serviceKinds!: ServiceKind[];
}

@InputType('CreateClosurePeriodInput', { description: 'A period the tenant, or one facility, is closed.' })
export class CreateClosurePeriodInput {
  @TextField({ description: 'Name shown to people, 1 to 255 characters, e.g. "Travaux du réfectoire".' })
  name!: string;

  @Field(() => LocalDate, { description: 'First closed day (inclusive).' })
  from!: string;

  @Field(() => LocalDate, {
    description:
      'Last closed day (inclusive), on or after `from`, at most 366 days after it (INVALID otherwise).',
  })
  to!: string;

  @IdField('Facility', { nullable: true, description: 'Only this facility; every facility when omitted.' })
  facilityId?: string | null;

  @Field(() => [ServiceKind], {
    nullable: true,
    description:
      'Only services of these kinds (e.g. CANTEEN, PERISCHOOL for school holidays); all when omitted.',
  })
  serviceKinds?: ServiceKind[] | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('DeleteClosurePeriodInput', { description: 'The closure period to remove.' })
export class DeleteClosurePeriodInput {
  @IdField('ClosurePeriod', { description: 'The closure period.' })
  closurePeriodId!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const CreateClosurePeriodPayload = payloadType(
  'CreateClosurePeriodPayload',
  'Result of createClosurePeriod.',
  {
    closurePeriod: {
      type: () => ClosurePeriodType,
      nullable: true,
      description: 'The closure period created.',
    },
    sessionsRemoved: {
      type: () => Int,
      nullable: true,
      description: 'Sessions in the period that no reservation ever named, removed.',
    },
    sessionsKept: {
      type: () => Int,
      nullable: true,
      description: 'Sessions in the period holding reservations, kept: cancel them with cancelSession.',
    },
  },
);

export const DeleteClosurePeriodPayload = payloadType(
  'DeleteClosurePeriodPayload',
  'Result of deleteClosurePeriod.',
  {
    deletedClosurePeriodId: {
      type: () => ID,
      nullable: true,
      description: 'The ID of the closure period removed (its days reopen; sessions are not recreated).',
    },
  },
);
