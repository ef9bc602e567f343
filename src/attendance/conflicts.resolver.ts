import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { can, Scope } from '../auth/viewer';
import { Access } from '../graphql/access';
import { toConnection, type ConnectionShape } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { registerNode } from '../graphql/node';
import { afterCommit } from '../graphql/payload';
import type { Child } from '../families/child.entity';
import { ChildType } from '../families/family.types';
import type { Session } from '../sessions/session.entity';
import { SessionType } from '../sessions/session.types';
import { AttendanceConflict } from './attendance-conflict.entity';
import { listAttendanceConflicts, resolveAttendanceConflict } from './conflicts.service';
import {
  AttendanceConflictConnection,
  AttendanceConflictsArgs,
  AttendanceConflictType,
  ResolveAttendanceConflictInput,
  ResolveAttendanceConflictPayload,
} from './conflicts.types';

registerNode({
  typeName: 'AttendanceConflict',
  entity: AttendanceConflict,
  load: async (ctx, id) =>
    can(ctx.viewer, Scope.ATTENDANCE_WRITE) ? ctx.em.findOne(AttendanceConflict, { id }) : null,
});

@Resolver(() => AttendanceConflictType)
export class AttendanceConflictResolver {
  @Access({ scopes: [Scope.ATTENDANCE_WRITE] })
  @Query(() => AttendanceConflictConnection, {
    description:
      'Children two devices recorded differently while offline (POST /imports/attendance-journal), oldest first; OPEN ones unless `status` says otherwise. Staff and attendance:write keys.',
  })
  attendanceConflicts(
    @Args() args: AttendanceConflictsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<AttendanceConflict>> {
    return listAttendanceConflicts(ctx, args).then(toConnection);
  }

  @Access({ scopes: [Scope.ATTENDANCE_WRITE] })
  @Mutation(() => ResolveAttendanceConflictPayload, {
    description:
      "Settle a conflict between two devices (staff, attendance:write keys): the child was present or absent, recorded by the roll call's own rules, with the reason; audited. userErrors: NOT_FOUND, INVALID (already resolved, no reason), the roll call's refusals.",
  })
  async resolveAttendanceConflict(
    @Arg('input', { description: 'The conflict, the outcome, the reason.' })
    input: ResolveAttendanceConflictInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await resolveAttendanceConflict(ctx, input);
    return {
      conflict: afterCommit((read) =>
        value ? read.em.findOne(AttendanceConflict, { id: value.conflictId }, { refresh: true }) : null,
      ),
      userErrors,
    };
  }

  @FieldResolver(() => SessionType, { nullable: true, description: 'The session.' })
  session(@Root() conflict: AttendanceConflict, @Ctx() ctx: GraphQLContext): Promise<Session | null> {
    return ctx.loaders.sessionById.load(conflict.sessionId);
  }

  @FieldResolver(() => ChildType, { nullable: true, description: 'The child the devices disagree on.' })
  child(@Root() conflict: AttendanceConflict, @Ctx() ctx: GraphQLContext): Promise<Child | null> {
    return ctx.loaders.childById.load(conflict.childId);
  }
}
