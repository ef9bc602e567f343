import type { TenantContext } from '../auth/context';
import { Service } from '../facilities/service.entity';
import { bookingWindow } from '../sessions/booking-window';
import { WaitlistPromotion } from '../tenants/waitlist-settings';
import { waitlistPolicy } from './ordering';
import { autoBook, offer, type NextEntry, type Promotion } from './promote-entry';

/**
 * A freed place finds the next child, in the transaction of the event that freed it.
 *
 * Locking, the same for every change to a session's waitlist (join, leave, decline, accept,
 * expiry, priority, cancellation): the session's row is locked first (`FOR NO KEY UPDATE`, as
 * `reserve` takes it), then its entries change. So promotions on one session run one at a time,
 * in rank order, and no two transactions can hand out the same place or promote the same entry;
 * sessions are always locked in id order, so two writers never deadlock.
 */

export interface LockedSession {
  id: string;
  serviceId: string;
  date: string;
  capacity: number;
  placesTaken: number;
}

/** Locks sessions' rows in id order (the canonical order); returns them by id. */
export async function lockSessions(
  ctx: TenantContext,
  sessionIds: string[],
): Promise<Map<string, LockedSession>> {
  const rows = await ctx.em.execute<
    { id: string; service_id: string; date: string; capacity: number; places_taken: number }[]
  >(
    `select id, service_id, to_char(date, 'YYYY-MM-DD') as date, capacity, places_taken from sessions
     where tenant_id = ? and id = any(array(select value::uuid from json_array_elements_text(?::json)))
     order by id for no key update`,
    [ctx.tenant.id, JSON.stringify([...new Set(sessionIds)])],
    'all',
    ctx.em.getLoggerContext(),
  );
  return new Map(
    rows.map((r) => [
      r.id,
      { id: r.id, serviceId: r.service_id, date: r.date, capacity: r.capacity, placesTaken: r.places_taken },
    ]),
  );
}

/**
 * Gives back `count` places of a session (locked first: a no-op if the caller did), then passes
 * the free places to its waitlist.
 */
export async function releasePlace(ctx: TenantContext, sessionId: string, count = 1): Promise<Promotion[]> {
  await lockSessions(ctx, [sessionId]);
  await ctx.em.execute(
    `update sessions set places_taken = places_taken - ? where tenant_id = ? and id = ?`,
    [count, ctx.tenant.id, sessionId],
    'run',
    ctx.em.getLoggerContext(),
  );
  return fillFromWaitlist(ctx, sessionId);
}

/** Whether anyone waits for a place on the session (WAITING entries). */
export async function someoneWaits(ctx: TenantContext, sessionId: string): Promise<boolean> {
  const [row] = await ctx.em.execute<{ waits: boolean }[]>(
    `select exists (select 1 from waitlist_entries where tenant_id = ? and session_id = ? and status = 'WAITING') as waits`,
    [ctx.tenant.id, sessionId],
    'all',
    ctx.em.getLoggerContext(),
  );
  return row.waits;
}

/** A waiting entry in rank order, with its sibling group's size (1 when it waits alone). */
interface Waiting extends NextEntry {
  group_id: string | null;
  group_size: string;
}

/** The first `limit` WAITING entries of a session, in rank order (`waitlist_queue`). */
function waitingInOrder(ctx: TenantContext, sessionId: string, limit: number): Promise<Waiting[]> {
  return ctx.em.execute<Waiting[]>(
    `select e.id, e.child_id, e.family_id, c.first_name, q.group_id, q.group_size
     from waitlist_queue q
     join waitlist_entries e on e.tenant_id = q.tenant_id and e.id = q.id
     join children c on c.tenant_id = e.tenant_id and c.id = e.child_id
     where q.tenant_id = ? and q.session_id = ? and q.rank <= ? order by q.rank`,
    [ctx.tenant.id, sessionId, limit],
    'all',
    ctx.em.getLoggerContext(),
  );
}

/** Consecutive entries of one sibling group (or one entry alone): placed all together or not at all. */
interface Unit {
  members: Waiting[];
  size: number;
}

function unitsOf(rows: Waiting[]): Unit[] {
  const units: Unit[] = [];
  for (const row of rows) {
    const last = units[units.length - 1];
    if (row.group_id && last && last.members[0].group_id === row.group_id) last.members.push(row);
    else units.push({ members: [row], size: Number(row.group_size) });
  }
  return units;
}

/**
 * Passes every free place of a session to its waitlist, in rank order (`waitlist_queue`):
 * AUTO_BOOK books the entry (a reservation, channel WAITLIST); OFFER holds the place for it until
 * its deadline (counted in `places_taken`) and schedules the offer's expiry on the job queue. A
 * sibling group takes places only when there are enough for all its members; otherwise the places
 * go to the next entries and the group keeps its rank for the next freed place. An entry whose
 * child can no longer be booked (booked since, or elsewhere at those hours) is closed and its
 * place goes on. Locks the session first (a no-op if the caller did): the queue cannot change
 * under this loop but by its own hand. Once booking has closed no offer is made: the places stay
 * free for the counter.
 */
export async function fillFromWaitlist(ctx: TenantContext, sessionId: string): Promise<Promotion[]> {
  const session = (await lockSessions(ctx, [sessionId])).get(sessionId);
  if (!session) return [];
  let free = session.capacity - session.placesTaken;
  if (free <= 0) return [];
  const service = await ctx.em.findOneOrFail(Service, { id: session.serviceId });
  const policy = waitlistPolicy(service, ctx.tenant);
  const closesAt = bookingWindow(session.date, service, ctx.tenant).closesAt;
  const promotions: Promotion[] = [];
  const passedOver = new Set<string>(); // groups too large for the places left: they keep their rank
  let lookahead = free + 16;
  while (free > 0) {
    const limit = lookahead + passedOver.size;
    const rows = await waitingInOrder(ctx, sessionId, limit);
    const units = unitsOf(rows.filter((row) => !passedOver.has(row.id)));
    if (units.length === 0) break;
    let progressed = false;
    for (const unit of units) {
      if (unit.members.length < unit.size) break; // cut by the limit: read further
      progressed = true;
      if (unit.size > free) {
        for (const member of unit.members) passedOver.add(member.id);
        continue;
      }
      for (const member of unit.members) {
        const promotion =
          policy.promotion === WaitlistPromotion.AUTO_BOOK
            ? await autoBook(ctx, session, service, member)
            : await offer(ctx, session, service, policy, closesAt, member);
        if (promotion === 'STOP') return promotions;
        if (promotion) {
          promotions.push(promotion);
          free--;
        }
      }
      if (free <= 0) break;
    }
    if (!progressed) {
      if (rows.length < limit) break; // the whole queue was read
      lookahead *= 2;
    }
  }
  return promotions;
}
