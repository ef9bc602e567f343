import type { TenantContext } from '../auth/context';

/**
 * Called in the same transaction whenever places of a session become free outside a
 * cancellation: a capacity raised by an admin. Waitlists (issue #12) will offer them to the next
 * entries here; until they are merged it does nothing beyond the capacity change its caller made.
 */
export async function placesFreed(_ctx: TenantContext, _sessionId: string, _count: number): Promise<void> {
  // Intentionally empty: the waitlist hook is wired when waitlists are merged.
}
