import type { TenantContext } from '../auth/context';
import { audit } from '../audit/audit.service';
import { idempotentMutation } from '../idempotency/idempotency.service';
import { msg } from '../shared/i18n';
import { paginate, sql, type Page, type PageArgs } from '../shared/pagination';
import { done, refuse, UserErrorCode, type Outcome } from '../shared/user-errors';
import { AttendanceConflict, AttendanceConflictStatus } from './attendance-conflict.entity';
import { recordAttendance } from './roll-call.service';

/** The tenant's attendance conflicts, oldest first (OPEN ones by default: the agents' to-do list). */
export function listAttendanceConflicts(
  ctx: TenantContext,
  page: PageArgs & { status?: AttendanceConflictStatus | null },
): Promise<Page<AttendanceConflict>> {
  return paginate(
    ctx.em,
    {
      entity: AttendanceConflict,
      table: 'attendance_conflicts',
      tenantId: ctx.tenant.id,
      orderBy: ['detected_at', 'id'],
      direction: 'asc',
      where: [sql('t.status = ?', page.status ?? AttendanceConflictStatus.OPEN)],
    },
    page,
  );
}

/**
 * An agent settles a conflict between two devices: the child was present or absent. The outcome
 * is recorded by the roll call itself (its rules, its one charge), the conflict closed with who,
 * when and why, and audited. Later offline actions for that child and session are kept but no
 * longer change the outcome. Refused when already resolved, or when the roll call refuses.
 */
export const resolveAttendanceConflict = idempotentMutation(
  'resolveAttendanceConflict',
  async (
    ctx: TenantContext,
    input: { conflictId: string; present: boolean; reason: string },
  ): Promise<Outcome<{ conflictId: string }>> => {
    if (!input.reason.trim())
      return refuse(UserErrorCode.INVALID, msg('attendance.reasonRequired'), ['reason']);
    const [locked] = await ctx.em.execute<{ id: string }[]>(
      `select id from attendance_conflicts where tenant_id = ? and id = ? for update`,
      [ctx.tenant.id, input.conflictId],
    );
    if (!locked) {
      return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Node' }), ['conflictId']);
    }
    const conflict = await ctx.em.findOneOrFail(
      AttendanceConflict,
      { id: input.conflictId },
      { refresh: true },
    );
    if (conflict.status !== AttendanceConflictStatus.OPEN) {
      return refuse(UserErrorCode.INVALID, msg('attendance.conflictResolved'), ['conflictId']);
    }
    const { userErrors } = await recordAttendance(ctx, {
      sessionId: conflict.sessionId,
      present: input.present ? [conflict.childId] : [],
      absent: input.present ? [] : [conflict.childId],
      idempotencyKey: `conflict:${conflict.id}`,
    });
    if (userErrors.length) return refuse(userErrors[0].code, userErrors[0].message, ['present']);
    Object.assign(conflict, {
      status: AttendanceConflictStatus.RESOLVED,
      resolvedPresent: input.present,
      resolvedBy: ctx.viewer.subject ?? 'anonymous',
      resolvedAt: ctx.now(),
      resolutionReason: input.reason,
    });
    audit(ctx, {
      action: 'ATTENDANCE_CONFLICT_RESOLVED',
      subjectId: conflict.id,
      details: {
        sessionId: conflict.sessionId,
        childId: conflict.childId,
        present: input.present,
        reason: input.reason,
        marks: conflict.marks,
      },
    });
    await ctx.em.flush();
    return done({ conflictId: conflict.id });
  },
);
