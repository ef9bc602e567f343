import type { TenantContext } from '../auth/context';
import { isStaff } from '../auth/viewer';
import { audit } from '../audit/audit.service';
import { idempotentMutation } from '../idempotency/idempotency.service';
import { ReservationChannel } from '../shared/channels';
import { done, refuse, UserErrorCode, type Outcome } from '../shared/user-errors';
import { fillFromWaitlist, lockSessions } from './promotion';

export const MAX_CAPACITY = 10_000;

/**
 * An agent changes a session's capacity (a room opened, a second group leader found): never below
 * the places taken and held; the places a raise frees go to the session's waitlist in the same
 * transaction. Audited.
 */
export const setSessionCapacity = idempotentMutation(
  'setSessionCapacity',
  async (
    ctx: TenantContext,
    input: { sessionId: string; capacity: number },
  ): Promise<Outcome<{ sessionId: string }>> => {
    if (!isStaff(ctx.viewer))
      return refuse(UserErrorCode.NOT_ALLOWED, 'Only agents change capacities.', ['sessionId']);
    if (!Number.isInteger(input.capacity) || input.capacity < 0 || input.capacity > MAX_CAPACITY) {
      return refuse(UserErrorCode.INVALID, `The capacity is a whole number from 0 to ${MAX_CAPACITY}.`, [
        'capacity',
      ]);
    }
    const session = (await lockSessions(ctx, [input.sessionId])).get(input.sessionId);
    if (!session) return refuse(UserErrorCode.NOT_FOUND, 'Session not found.', ['sessionId']);
    if (input.capacity < session.placesTaken) {
      return refuse(
        UserErrorCode.INVALID,
        `${session.placesTaken} places are taken or held: the capacity cannot go below.`,
        ['capacity'],
      );
    }
    await ctx.em.execute(
      `update sessions set capacity = ? where tenant_id = ? and id = ?`,
      [input.capacity, ctx.tenant.id, session.id],
      'run',
      ctx.em.getLoggerContext(),
    );
    const promotions = await fillFromWaitlist(ctx, session.id);
    audit(ctx, {
      action: 'SESSION_CAPACITY_CHANGED',
      channel: ReservationChannel.COUNTER,
      subjectId: session.id,
      details: { before: session.capacity, after: input.capacity, promoted: promotions.length },
    });
    await ctx.em.flush();
    return done({ sessionId: session.id });
  },
);
