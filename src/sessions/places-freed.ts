import type { TenantContext } from '../auth/context';
import { fillFromWaitlist } from '../waitlists/promotion';

/**
 * Called in the same transaction, with the session row locked, whenever places of a session
 * become free outside a cancellation (a capacity raised): the session's waitlist gets them at once,
 * first entry first, as its policy says (booked, or offered and held) — see `fillFromWaitlist`.
 */
export async function placesFreed(ctx: TenantContext, sessionId: string): Promise<void> {
  await fillFromWaitlist(ctx, sessionId);
}
