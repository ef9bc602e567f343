import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../auth/context';
import { audit } from '../audit/audit.service';
import { idempotentMutation } from '../idempotency/idempotency.service';
import { day, msg } from '../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../shared/user-errors';

/**
 * Whether the roll of a session may no longer change: a completed billing run (monthly or
 * catch-up) has covered its day, and no agent unlocked the session since that run started. Returns
 * the run's last day covered, or null when the roll may change.
 */
export async function billedLock(
  ctx: TenantContext,
  session: { id: string; date: string },
): Promise<{ through: string } | null> {
  const [row] = await ctx.em.execute<{ through: string; started_at: Date; unlocked_at: Date | null }[]>(
    `select to_char(r.through_date, 'YYYY-MM-DD') as through, r.started_at,
            (select max(u.unlocked_at) from attendance_unlocks u where u.tenant_id = r.tenant_id and u.session_id = ?) as unlocked_at
     from billing_runs r
     where r.tenant_id = ? and r.status = 'COMPLETED' and r.kind in ('MONTHLY', 'CATCH_UP') and r.through_date >= ?::date
     order by r.started_at desc limit 1`,
    [session.id, ctx.tenant.id, session.date],
    'all',
    ctx.em.getLoggerContext(),
  );
  if (!row) return null;
  if (row.unlocked_at && new Date(row.unlocked_at) >= new Date(row.started_at)) return null;
  return { through: row.through };
}

/** Whether an agent ever unlocked the session (billedLock says whether it is still unlocked). */
export async function hasUnlock(ctx: TenantContext, sessionId: string): Promise<boolean> {
  const [row] = await ctx.em.execute<{ n: number }[]>(
    `select count(*)::int as n from attendance_unlocks where tenant_id = ? and session_id = ?`,
    [ctx.tenant.id, sessionId],
    'all',
    ctx.em.getLoggerContext(),
  );
  return row.n > 0;
}

/**
 * An agent unlocks a billed day to correct its attendance (a session, or every session of a
 * facility on a date), with a reason; audited. Until the next billing run covers the day again, its
 * roll call may change: an invoiced outcome is corrected by a reversing charge and a new one,
 * billed by that run; the issued invoice never changes. Refused when the day is not billed.
 */
export const unlockAttendanceDay = idempotentMutation(
  'unlockAttendanceDay',
  async (
    ctx: TenantContext,
    input: { sessionId?: string | null; facilityId?: string | null; date?: string | null; reason: string },
  ): Promise<Outcome<{ sessionIds: string[] }>> => {
    const bySession = Boolean(input.sessionId);
    if (
      bySession === Boolean(input.facilityId || input.date) ||
      (!bySession && !(input.facilityId && input.date))
    ) {
      return refuse(UserErrorCode.INVALID, msg('attendance.unlockWhich'), ['sessionId']);
    }
    if (!input.reason.trim())
      return refuse(UserErrorCode.INVALID, msg('attendance.reasonRequired'), ['reason']);
    const sessions = await ctx.em.execute<{ id: string; date: string }[]>(
      bySession
        ? `select id, to_char(date, 'YYYY-MM-DD') as date from sessions where tenant_id = ? and id = ?`
        : `select id, to_char(date, 'YYYY-MM-DD') as date from sessions where tenant_id = ? and facility_id = ? and date = ?::date order by id`,
      bySession ? [ctx.tenant.id, input.sessionId] : [ctx.tenant.id, input.facilityId, input.date],
      'all',
      ctx.em.getLoggerContext(),
    );
    if (!sessions.length) {
      return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Session' }), [
        bySession ? 'sessionId' : 'facilityId',
      ]);
    }
    const locked: string[] = [];
    for (const session of sessions) if (await billedLock(ctx, session)) locked.push(session.id);
    if (!locked.length) {
      return refuse(UserErrorCode.INVALID, msg('attendance.notBilled', { date: day(sessions[0].date) }), [
        bySession ? 'sessionId' : 'date',
      ]);
    }
    // Compared with billing runs' own instants, which are the real clock's (src/billing/runs).
    const now = new Date();
    for (const sessionId of locked) {
      await ctx.em.execute(
        `insert into attendance_unlocks (id, tenant_id, session_id, reason, unlocked_by, unlocked_at) values (?, ?, ?, ?, ?, ?)`,
        [randomUUID(), ctx.tenant.id, sessionId, input.reason, ctx.viewer.subject ?? 'anonymous', now],
        'all',
        ctx.em.getLoggerContext(),
      );
      audit(ctx, {
        action: 'ATTENDANCE_DAY_UNLOCKED',
        subjectId: sessionId,
        details: { date: sessions[0].date, reason: input.reason },
      });
    }
    await ctx.em.flush();
    return done({ sessionIds: locked });
  },
);
