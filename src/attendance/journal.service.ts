import type { TenantContext } from '../auth/context';
import type { Message } from '../shared/i18n';
import { AttendanceConflict, AttendanceConflictStatus, type DeviceMark } from './attendance-conflict.entity';
import { recordAttendance } from './roll-call.service';
import { UserErrorCode } from '../shared/user-errors';

/** One action a tablet recorded offline: a child (booked or walking in) present or absent. */
export interface JournalAction {
  deviceId: string;
  actionId: string;
  sessionId: string;
  childId: string;
  present: boolean;
  recordedAt: Date;
}

/** What merging an action did. */
export type MergeResult =
  | { outcome: 'created' | 'updated' | 'unchanged' | 'conflict' }
  /** The roll call refused it (capacity, mode…): nothing kept, it may be sent again. */
  | { refused: Message; billed: boolean }
  /** The device already sent this action ID with other content. */
  | { reused: true };

/**
 * Merges one offline action into the day's attendance, with the roll call's own rules
 * (`recordAttendance`: walk-ins up to the physical capacity, one charge per outcome):
 * - the same device and action ID again changes nothing (`unchanged`);
 * - a device's later action supersedes its earlier ones (a tablet corrects itself); an action older
 *   than what the device already sent for the child is kept but not applied;
 * - another device that last recorded the child differently makes a conflict: the action is kept,
 *   the child's outcome stays as it was, and an agent resolves it (`resolveAttendanceConflict`);
 *   a conflict already open gathers the new mark; a resolved one stands.
 * The session's roll is opened (`session_rolls`) so the closing job closes it at the session's end.
 */
export async function mergeAction(
  ctx: TenantContext,
  action: JournalAction,
  importId: string | null,
): Promise<MergeResult> {
  const { em, tenant } = ctx;
  const [stored] = await em.execute<
    { session_id: string; child_id: string; present: boolean; recorded_at: Date }[]
  >(
    `select session_id, child_id, present, recorded_at from attendance_actions
     where tenant_id = ? and device_id = ? and action_id = ?`,
    [tenant.id, action.deviceId, action.actionId],
  );
  if (stored) {
    const same =
      stored.session_id === action.sessionId &&
      stored.child_id === action.childId &&
      stored.present === action.present &&
      new Date(stored.recorded_at).getTime() === action.recordedAt.getTime();
    return same ? { outcome: 'unchanged' } : { reused: true };
  }
  const keep = () =>
    em.execute(
      `insert into attendance_actions (tenant_id, device_id, action_id, session_id, child_id, present, recorded_at, received_at, import_id)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        tenant.id,
        action.deviceId,
        action.actionId,
        action.sessionId,
        action.childId,
        action.present,
        action.recordedAt,
        ctx.now(),
        importId,
      ],
    );
  await em.execute(
    `insert into session_rolls (tenant_id, session_id, opened_at, closes_at)
     select s.tenant_id, s.id, ?, upper(guichet_session_slot(s.date, s.period)) at time zone ?
     from sessions s where s.tenant_id = ? and s.id = ?
     on conflict do nothing`,
    [ctx.now(), tenant.timeZone, tenant.id, action.sessionId],
  );

  const mark: DeviceMark = {
    deviceId: action.deviceId,
    actionId: action.actionId,
    present: action.present,
    recordedAt: action.recordedAt.toISOString(),
  };
  const conflict = await em.findOne(AttendanceConflict, {
    sessionId: action.sessionId,
    childId: action.childId,
  });
  if (conflict) {
    await keep();
    if (conflict.status === AttendanceConflictStatus.RESOLVED) return { outcome: 'unchanged' };
    conflict.marks = [...conflict.marks.filter((m) => m.deviceId !== action.deviceId), mark];
    await em.flush();
    return { outcome: 'conflict' };
  }

  // Each device's latest mark for this child: the others' decide a conflict, this one's whether
  // the action is still the device's word.
  const latest = await em.execute<
    { device_id: string; action_id: string; present: boolean; recorded_at: Date }[]
  >(
    `select distinct on (device_id) device_id, action_id, present, recorded_at from attendance_actions
     where tenant_id = ? and session_id = ? and child_id = ?
     order by device_id, recorded_at desc, action_id desc`,
    [tenant.id, action.sessionId, action.childId],
  );
  const own = latest.find((l) => l.device_id === action.deviceId);
  if (own && new Date(own.recorded_at) > action.recordedAt) {
    await keep();
    return { outcome: 'unchanged' };
  }
  const others = latest.filter((l) => l.device_id !== action.deviceId);
  if (others.some((o) => o.present !== action.present)) {
    await keep();
    em.create(AttendanceConflict, {
      tenantId: tenant.id,
      sessionId: action.sessionId,
      childId: action.childId,
      status: AttendanceConflictStatus.OPEN,
      marks: [
        ...others.map((o) => ({
          deviceId: o.device_id,
          actionId: o.action_id,
          present: o.present,
          recordedAt: new Date(o.recorded_at).toISOString(),
        })),
        mark,
      ],
      detectedAt: ctx.now(),
    });
    await em.flush();
    return { outcome: 'conflict' };
  }

  const before = await statusOf(ctx, action.sessionId, action.childId);
  const { userErrors } = await recordAttendance(ctx, {
    sessionId: action.sessionId,
    present: action.present ? [action.childId] : [],
    absent: action.present ? [] : [action.childId],
    idempotencyKey: `journal:${importId ?? ''}:${action.deviceId}:${action.actionId}`,
  });
  await em.flush();
  if (userErrors.length) {
    return { refused: userErrors[0].message, billed: userErrors[0].code === UserErrorCode.DAY_BILLED };
  }
  await keep();
  const after = await statusOf(ctx, action.sessionId, action.childId);
  return { outcome: before === null ? 'created' : before === after ? 'unchanged' : 'updated' };
}

/** The child's live reservation status on the session, or null when there is none. */
export async function statusOf(
  ctx: TenantContext,
  sessionId: string,
  childId: string,
): Promise<string | null> {
  const [row] = await ctx.em.execute<{ status: string }[]>(
    `select status::text as status from reservations
     where tenant_id = ? and session_id = ? and child_id = ? and status <> 'CANCELLED'`,
    [ctx.tenant.id, sessionId, childId],
  );
  return row?.status ?? null;
}
