import { msg } from '../shared/i18n';
import type { TenantContext } from '../auth/context';
import { Checks } from '../administration/validation';
import { audit } from '../audit/audit.service';
import { idempotentMutation } from '../idempotency/idempotency.service';
import { done, refuse, UserErrorCode, type Outcome } from '../shared/user-errors';
import { MAX_CAPACITY } from './generate-sessions.service';
import { placesFreed } from './places-freed';

/**
 * Changes a session's bookable capacity (a room opened, a second group leader found). Lowering it
 * below the places taken — held waitlist offers included — is refused with their number; raising
 * it frees places, which the session's waitlist gets in the same transaction (`placesFreed`). The
 * session row is locked for the change, as bookings lock it. Agents and tenant admins; audited
 * (before → after).
 */
export const setSessionCapacity = idempotentMutation(
  'setSessionCapacity',
  async (
    ctx: TenantContext,
    input: { sessionId: string; capacity: number },
  ): Promise<Outcome<{ sessionId: string }>> => {
    const checks = new Checks();
    checks.range(input.capacity, ['capacity'], 0, MAX_CAPACITY);
    if (!checks.ok) return { value: null, userErrors: checks.errors };
    const [row] = await ctx.em.execute<{ id: string; capacity: number; places_taken: number }[]>(
      `select id, capacity, places_taken from sessions where tenant_id = ? and id = ? for no key update`,
      [ctx.tenant.id, input.sessionId],
      'all',
      ctx.em.getLoggerContext(),
    );
    if (!row) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Session' }), ['sessionId']);
    if (input.capacity < row.places_taken) {
      return refuse(UserErrorCode.INVALID, msg('admin.capacityBelowTaken', { taken: row.places_taken }), [
        'capacity',
      ]);
    }
    await ctx.em.execute(
      `update sessions set capacity = ? where tenant_id = ? and id = ?`,
      [input.capacity, ctx.tenant.id, row.id],
      'run',
      ctx.em.getLoggerContext(),
    );
    if (input.capacity > row.capacity) await placesFreed(ctx, row.id);
    audit(ctx, {
      action: 'SESSION_CAPACITY_CHANGED',
      subjectId: row.id,
      details: {
        before: { capacity: row.capacity },
        after: { capacity: input.capacity },
        placesTaken: row.places_taken,
      },
    });
    await ctx.em.flush();
    return done({ sessionId: row.id });
  },
);
