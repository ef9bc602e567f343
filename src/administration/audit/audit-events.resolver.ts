import { Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { AuditEvent } from '../../audit/audit-event.entity';
import { Role } from '../../auth/viewer';
import { FamilyType } from '../../families/family.types';
import type { Family } from '../../families/family.entity';
import { Access, TENANT_ADMIN } from '../../graphql/access';
import { toConnection, type ConnectionShape } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { registerNode } from '../../graphql/node';
import { listAuditEvents } from './audit-events.service';
import {
  AuditEventConnection,
  AuditEventsArgs,
  AuditEventType,
  JSONValue as JSONScalar,
} from './audit-events.types';

registerNode({
  typeName: 'AuditEvent',
  entity: AuditEvent,
  load: async (ctx, id) =>
    ctx.viewer.roles.includes(Role.TENANT_ADMIN) ? ctx.em.findOne(AuditEvent, { id }) : null,
});

type Details = Record<string, unknown>;
type Value = unknown;

@Resolver(() => AuditEventType)
export class AuditEventResolver {
  @Access(TENANT_ADMIN)
  @Query(() => AuditEventConnection, {
    description:
      "The tenant's audit trail, newest first: every administrative write (with before → after), every agent action for a family, every mode change. Filter by instants, actor, family and action. BAD_USER_INPUT when `from` is after `to`. Tenant admins.",
  })
  auditEvents(
    @Args() { filter, ...page }: AuditEventsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<AuditEvent>> {
    return listAuditEvents(ctx, filter ?? {}, page).then(toConnection);
  }

  @FieldResolver(() => FamilyType, { nullable: true, description: 'The family it concerns, if any.' })
  async family(@Root() event: AuditEvent, @Ctx() ctx: GraphQLContext): Promise<Family | null> {
    return event.familyId ? ctx.loaders.familyById.load(event.familyId) : null;
  }

  @FieldResolver(() => ID, {
    nullable: true,
    description:
      'The raw identifier of the object acted on (a service, a session, a closure…), as stored; for support.',
  })
  subjectRef(@Root() event: AuditEvent): string | null {
    return event.subjectId ?? null;
  }

  @FieldResolver(() => JSONScalar, {
    nullable: true,
    description: 'The state before the change (null: it did not exist).',
  })
  before(@Root() event: AuditEvent): Value {
    return ((event.details ?? {}) as Details).before ?? null;
  }

  @FieldResolver(() => JSONScalar, {
    nullable: true,
    description: 'The state after the change (null: removed).',
  })
  after(@Root() event: AuditEvent): Value {
    return ((event.details ?? {}) as Details).after ?? null;
  }

  @FieldResolver(() => JSONScalar, {
    description: 'Everything recorded with the event (reason, counts, before and after…).',
  })
  details(@Root() event: AuditEvent): Details {
    return (event.details ?? {}) as Details;
  }
}
