import type { EntityManager } from '@mikro-orm/postgresql';
import type pino from 'pino';
import { recordAttendance } from '../attendance/roll-call.service';
import { audit } from '../audit/audit.service';
import { Role } from '../auth/viewer';
import { inTenantTransaction } from '../db/tenant-scope';
import { Tenant } from '../tenants/tenant.entity';

/**
 * `attendance_close_days`, every fifteen minutes: a session whose roll a tablet opened offline
 * (session_rolls) and whose closing time (the end of its hours, in the tenant's time zone, read
 * on the tenant clock) has passed is closed, so no day stays open for ever: the booked children no
 * device marked are recorded absent by the roll call itself (a paper roll's unticked line), the
 * roll is closed and the closing audited. Actions recorded before the closing that arrive later
 * still merge (a tablet synced the next morning). Idempotent: a closed roll is not closed again.
 * Returns how many rolls it closed.
 */
export async function runAttendanceClosing(
  em: EntityManager,
  tenantIds: string[],
  now: Date,
  logger?: pino.Logger,
): Promise<number> {
  let closed = 0;
  for (const tenantId of tenantIds) {
    closed += await inTenantTransaction(em.fork(), tenantId, async (tx) => {
      const due = await tx.execute<{ session_id: string }[]>(
        `select session_id from session_rolls
         where tenant_id = ? and closed_at is null and closes_at <= ?
         order by closes_at, session_id for update skip locked`,
        [tenantId, now],
      );
      if (!due.length) return 0;
      const tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
      const ctx = {
        em: tx,
        tenant,
        now: () => now,
        viewer: {
          kind: 'PERSON' as const,
          subject: 'system:attendance-closing',
          displayName: 'Attendance closing',
          roles: [Role.TENANT_ADMIN],
          scopes: [],
          tenantId,
          familyId: null,
        },
      };
      for (const { session_id: sessionId } of due) {
        const unmarked = await tx.execute<{ child_id: string }[]>(
          `select child_id from reservations
           where tenant_id = ? and session_id = ? and status = 'BOOKED' and attendance_recorded_at is null
           order by child_id`,
          [tenantId, sessionId],
        );
        let absent = 0;
        if (unmarked.length) {
          const { userErrors } = await recordAttendance(ctx, {
            sessionId,
            present: [],
            absent: unmarked.map((u) => u.child_id),
            idempotencyKey: `close:${sessionId}`,
          });
          absent = unmarked.length - userErrors.length;
        }
        await tx.execute(
          `update session_rolls set closed_at = ?, closed_absent = ? where tenant_id = ? and session_id = ?`,
          [now, absent, tenantId, sessionId],
        );
        audit(ctx, { action: 'ATTENDANCE_DAY_CLOSED', subjectId: sessionId, details: { absent } });
        await tx.flush();
      }
      return due.length;
    });
  }
  if (closed) logger?.info({ closed }, 'open rolls closed at closing time');
  return closed;
}
