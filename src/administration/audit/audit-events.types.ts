import { ArgsType, Field, InputType, ObjectType } from 'type-graphql';
import { JSONResolver } from 'graphql-scalars';
import { Access, TENANT_ADMIN } from '../../graphql/access';
import { connectionOf, PageArgs } from '../../graphql/connection';
import { IdField, TextField } from '../../graphql/inputs';
import { Node } from '../../graphql/node';
import { DateTime } from '../../graphql/scalars';

@Access(TENANT_ADMIN)
@ObjectType('AuditEvent', {
  implements: Node,
  description: 'Who did what, when, for whom, and what changed (before → after for administrative writes).',
})
export class AuditEventType extends Node {
  @Field({
    description:
      'The action, e.g. SESSIONS_GENERATED, FAMILY_QUOTIENT_SET, PRICE_GRID_SET, CLOSURE_PERIOD_CREATED, OPERATING_MODE_CHANGED, RESERVATION_CREATED.',
  })
  action!: string;

  @Field({ description: 'Who: the token subject (a person) or `api-key:<prefix>`.' })
  actor!: string;

  @Field(() => [String], { description: "The actor's roles (or an API key's scopes) at the time." })
  actorRoles!: string[];

  @Field(() => DateTime, { description: 'When.' })
  createdAt!: Date;
}

export const AuditEventConnection = connectionOf(AuditEventType, 'AuditEvent');

/** The details of an event as JSON: `before`, `after` (an object, a list or null) and the rest. */
export const JSONValue = JSONResolver;

@InputType('AuditEventFilter', { description: 'Which audit events to list.' })
export class AuditEventFilterInput {
  @Field(() => DateTime, { nullable: true, description: 'From this instant (inclusive).' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Before this instant (exclusive); after `from`.' })
  to?: Date | null;

  @TextField({ nullable: true, description: 'Only this actor (`AuditEvent.actor`).' })
  actorId?: string | null;

  @IdField('Family', {
    nullable: true,
    exact: true,
    description:
      'Only events about this family. A merged family keeps its own history: its ID here names it, not the family it was merged into.',
  })
  familyId?: string | null;

  @TextField({ nullable: true, maxLength: 64, description: 'Only this action, e.g. PRICE_GRID_SET.' })
  action?: string | null;
}

@ArgsType()
export class AuditEventsArgs extends PageArgs {
  @Field(() => AuditEventFilterInput, { nullable: true, description: 'Filter; every event when omitted.' })
  filter?: AuditEventFilterInput | null;
}
