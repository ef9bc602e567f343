import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { registerNode } from '../graphql/node';
import { LocalDate } from '../graphql/scalars';
import { expectGlobalId } from '../shared/ids';
import { requireTenant } from '../shared/service-context';
import { AbsenceReason } from './absence-reason.entity';
import { justifyAbsence, listAbsenceReasons, recordAttendance, setAbsenceReason } from './attendance.service';
import {
  AbsenceReasonType,
  JustifyAbsenceInput,
  JustifyAbsencePayload,
  MealCountType,
  RecordAttendanceInput,
  RecordAttendancePayload,
  SetAbsenceReasonInput,
  SetAbsenceReasonPayload,
} from './attendance.types';
import { mealCounts } from './meal-counts.service';

registerNode({
  typeName: 'AbsenceReason',
  entity: AbsenceReason,
  load: async (ctx, id) => {
    requireTenant(ctx);
    return ctx.loaders.absenceReasonById.load(id);
  },
});

@Resolver(() => AbsenceReasonType)
export class AttendanceResolver {
  @Authorized()
  @Query(() => [AbsenceReasonType], { description: "The tenant's absence reasons, active ones first." })
  absenceReasons(@Ctx() ctx: GraphQLContext): Promise<AbsenceReason[]> {
    return listAbsenceReasons(ctx);
  }

  @Authorized()
  @Mutation(() => RecordAttendancePayload, {
    description:
      'Take the roll call of a session (agents): present → ATTENDED (or a WALK_IN where allowed), absent → ABSENT_UNJUSTIFIED. Taking it again corrects it.',
  })
  async recordAttendance(
    @Arg('input', { description: 'Who came and who did not.' }) input: RecordAttendanceInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return recordAttendance(ctx, {
      sessionId: expectGlobalId(input.sessionId, 'Session', 'input.sessionId'),
      present: input.present.map((id, i) => expectGlobalId(id, 'Child', `input.present.${i}`)),
      absent: input.absent.map((id, i) => expectGlobalId(id, 'Child', `input.absent.${i}`)),
      idempotencyKey: input.idempotencyKey,
    });
  }

  @Authorized()
  @Mutation(() => JustifyAbsencePayload, {
    description:
      "Justify an absence with one of the tenant's reasons (agents; parents where the tenant allows). Not billed unless the reason is billable.",
  })
  justifyAbsence(
    @Arg('input', { description: 'The reservation, the reason and its document.' })
    input: JustifyAbsenceInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return justifyAbsence(ctx, {
      ...input,
      reservationId: expectGlobalId(input.reservationId, 'Reservation', 'input.reservationId'),
    });
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => SetAbsenceReasonPayload, {
    description: 'Create or update an absence reason (tenant admins). Audited.',
  })
  async setAbsenceReason(
    @Arg('input', { description: 'The reason, by code.' }) input: SetAbsenceReasonInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { reason, userErrors } = await setAbsenceReason(ctx, input);
    return { absenceReason: reason, userErrors };
  }

  @Authorized()
  @Query(() => [MealCountType], {
    description:
      'Per school and diet, the meals booked (forecast) and eaten (walk-ins included) on a date: the catering vendor’s morning figures. Agents, or keys with meals:read.',
  })
  async mealCounts(
    @Arg('date', () => LocalDate, { description: 'The day, in the tenant’s calendar.' }) date: string,
    @Arg('facilityId', () => ID, { nullable: true, description: 'Only this school.' })
    facilityId: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    const counts = await mealCounts(ctx, {
      date,
      facilityId: facilityId ? expectGlobalId(facilityId, 'Facility', 'facilityId') : null,
    });
    const facilities = await ctx.loaders.facilityById.loadMany(counts.map((c) => c.facilityId));
    return counts.map((c, i) => ({ ...c, facility: facilities[i] }));
  }
}
