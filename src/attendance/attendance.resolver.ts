import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ListLength } from '../graphql/cost';
import { Scope } from '../auth/viewer';
import { Access, SIGNED_IN, STAFF, TENANT_ADMIN } from '../graphql/access';
import type { GraphQLContext } from '../graphql/context';
import { registerNode } from '../graphql/node';
import { afterCommit } from '../graphql/payload';
import type { Reservation } from '../reservations/reservation.entity';
import { ReservationType } from '../reservations/reservation.types';
import { AbsenceReason } from '../reservations/absence-reason.entity';
import { justifyAbsence, listAbsenceReasons, setAbsenceReason } from './absences.service';
import { recordAttendance } from './roll-call.service';
import {
  AbsenceReasonType,
  JustifyAbsenceInput,
  JustifyAbsencePayload,
  RecordAttendanceInput,
  RecordAttendancePayload,
  SetAbsenceReasonInput,
  SetAbsenceReasonPayload,
  UnlockAttendanceDayInput,
  UnlockAttendanceDayPayload,
} from './attendance.types';
import { unlockAttendanceDay } from './day-lock.service';

registerNode({
  typeName: 'AbsenceReason',
  entity: AbsenceReason,
  load: (ctx, id) => ctx.loaders.absenceReasonById.load(id),
});

@Resolver(() => AbsenceReasonType)
export class AttendanceResolver {
  @Access(SIGNED_IN)
  @ListLength(10)
  @Query(() => [AbsenceReasonType], { description: "The tenant's absence reasons, active ones first." })
  absenceReasons(@Ctx() ctx: GraphQLContext): Promise<AbsenceReason[]> {
    return listAbsenceReasons(ctx);
  }

  @Access({ scopes: [Scope.ATTENDANCE_WRITE] })
  @Mutation(() => RecordAttendancePayload, {
    description:
      "Take the roll call of a session (staff, or a school tablet's API key with attendance:write), in every mode but READ_ONLY: present → ATTENDED (or a WALK_IN where allowed), absent → ABSENT_UNJUSTIFIED. Taking it again corrects it.",
  })
  async recordAttendance(
    @Arg('input', { description: 'Who came and who did not.' }) input: RecordAttendanceInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await recordAttendance(ctx, input);
    return {
      session: afterCommit((read) => (value ? read.loaders.sessionById.load(value.sessionId) : null)),
      reservations: afterCommit((read) =>
        value ? read.loaders.reservationById.loadMany(value.reservationIds) : [],
      ),
      userErrors,
    };
  }

  @Access(STAFF)
  @Mutation(() => UnlockAttendanceDayPayload, {
    description:
      "Unlock a billed day's attendance to correct it (agents, tenant admins), with a reason; audited. Until the next billing run covers the day, its roll call may change: an invoiced outcome is corrected by a reversing charge and a new one, billed by that run; the issued invoice never changes. userErrors: INVALID (neither or both of sessionId and facilityId+date, no reason, a day not billed), NOT_FOUND.",
  })
  async unlockAttendanceDay(
    @Arg('input', { description: 'The session (or facility and date) and the reason.' })
    input: UnlockAttendanceDayInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await unlockAttendanceDay(ctx, input);
    return {
      sessions: afterCommit((read) => (value ? read.loaders.sessionById.loadMany(value.sessionIds) : [])),
      userErrors,
    };
  }

  @Access({ scopes: [Scope.ATTENDANCE_WRITE], parents: true })
  @Mutation(() => JustifyAbsencePayload, {
    description:
      "Justify an absence with one of the tenant's reasons (staff, attendance:write keys; parents where the tenant allows). Not billed unless the reason is billable; a late cancellation only with a reason that excuses it.",
  })
  async justifyAbsence(
    @Arg('input', { description: 'The reservation, the reason and its document.' })
    input: JustifyAbsenceInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await justifyAbsence(ctx, input);
    return {
      reservation: afterCommit((read) =>
        value ? read.loaders.reservationById.load(value.reservationId) : null,
      ),
      userErrors,
    };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => SetAbsenceReasonPayload, {
    description: 'Create or update an absence reason (tenant admins). Audited.',
  })
  async setAbsenceReason(
    @Arg('input', { description: 'The reason, by code.' }) input: SetAbsenceReasonInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await setAbsenceReason(ctx, input);
    return {
      absenceReason: afterCommit((read) =>
        value ? read.loaders.absenceReasonById.load(value.absenceReasonId) : null,
      ),
      userErrors,
    };
  }
}

@Resolver(() => ReservationType)
export class ReservationAbsenceResolver {
  @FieldResolver(() => AbsenceReasonType, {
    nullable: true,
    description: 'Why the child was absent, if justified.',
  })
  absenceReason(
    @Root() reservation: Reservation,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AbsenceReason | null> | null {
    return reservation.absenceReason
      ? ctx.loaders.absenceReasonById.load(reservation.absenceReason.id)
      : null;
  }
}
