import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { TenantContext } from '../auth/context';
import { Service } from '../facilities/service.entity';
import { emitEvents, gid } from '../events/emit';
import { notify, NotificationKind } from '../notifications/notifications.service';
import { bookedFromWaitlist, waitlistEvent, type EntryFacts } from './events';
import { bookingWindow } from '../sessions/booking-window';
import type { Tenant } from '../tenants/tenant.entity';
import { WaitlistPromotion } from '../tenants/waitlist-settings';
import { offerDeadline, offerReminderAt, waitlistPolicy, type WaitlistPolicy } from './ordering';

/**
 * A freed place finds the next child, in the transaction of the event that freed it.
 *
 * Locking, the same for every change to a session's waitlist (join, leave, decline, accept,
 * expiry, priority, cancellation): the session's row is locked first (`FOR NO KEY UPDATE`, as
 * `reserve` takes it), then its entries change. So promotions on one session run one at a time,
 * in rank order, and no two transactions can hand out the same place or promote the same entry;
 * sessions are always locked in id order, so two writers never deadlock.
 */

/** `created_by` of the reservations the waitlist books by itself (AUTO_BOOK). */
export const WAITLIST_BOOKER = 'system:waitlist';

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
     where tenant_id = ? and id in (select value::uuid from json_array_elements_text(?::json))
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

/** Gives back one place of a (locked) session, then passes the free places to its waitlist. */
export async function releasePlace(ctx: TenantContext, sessionId: string): Promise<Promotion[]> {
  await lockSessions(ctx, [sessionId]);
  await ctx.em.execute(
    `update sessions set places_taken = places_taken - 1 where tenant_id = ? and id = ?`,
    [ctx.tenant.id, sessionId],
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

/** What a free place became. */
export interface Promotion {
  entryId: string;
  outcome: 'BOOKED' | 'OFFERED';
  reservationId?: string;
  offerExpiresAt?: Date;
}

interface NextEntry {
  id: string;
  child_id: string;
  family_id: string;
  first_name: string;
}

/**
 * Passes every free place of a session to its waitlist, first entry first (`waitlist_queue`):
 * AUTO_BOOK books the entry (a reservation, channel WAITLIST); OFFER holds the place for it until
 * its deadline (counted in `places_taken`) and schedules the offer's expiry on the job queue. An
 * entry whose child can no longer be booked (booked since, or elsewhere at those hours) is closed
 * and the place goes to the next. Locks the session first (a no-op if the caller did). Once
 * booking has closed no offer is made: the places stay free for the counter.
 */
export async function fillFromWaitlist(ctx: TenantContext, sessionId: string): Promise<Promotion[]> {
  const session = (await lockSessions(ctx, [sessionId])).get(sessionId);
  if (!session) return [];
  let free = session.capacity - session.placesTaken;
  if (free <= 0) return [];
  const service = await ctx.em.findOneOrFail(Service, { id: session.serviceId });
  const policy = waitlistPolicy(service, ctx.tenant);
  const window = bookingWindow(session.date, service, ctx.tenant);
  const promotions: Promotion[] = [];
  while (free > 0) {
    const next = await ctx.em.execute<NextEntry[]>(
      `select e.id, e.child_id, e.family_id, c.first_name
       from waitlist_queue q
       join waitlist_entries e on e.tenant_id = q.tenant_id and e.id = q.id
       join children c on c.tenant_id = e.tenant_id and c.id = e.child_id
       where q.tenant_id = ? and q.session_id = ? and q.rank <= ? order by q.rank`,
      [ctx.tenant.id, sessionId, free],
      'all',
      ctx.em.getLoggerContext(),
    );
    if (next.length === 0) break;
    for (const entry of next) {
      const promotion =
        policy.promotion === WaitlistPromotion.AUTO_BOOK
          ? await autoBook(ctx, session, service, entry)
          : await offer(ctx, session, service, policy, window.closesAt, entry);
      if (promotion === 'STOP') return promotions;
      if (promotion) {
        promotions.push(promotion);
        free--;
      }
    }
  }
  return promotions;
}

async function takeOnePlace(ctx: TenantContext, sessionId: string): Promise<boolean> {
  const taken = await ctx.em.execute<{ id: string }[]>(
    `update sessions set places_taken = places_taken + 1
     where tenant_id = ? and id = ? and places_taken < capacity returning id`,
    [ctx.tenant.id, sessionId],
    'all',
    ctx.em.getLoggerContext(),
  );
  return taken.length === 1;
}

/** Books the entry's child (null: it could not be booked and the entry is closed). */
async function autoBook(
  ctx: TenantContext,
  session: LockedSession,
  service: Service,
  entry: NextEntry,
): Promise<Promotion | null | 'STOP'> {
  const now = ctx.now();
  const reservationId = randomUUID();
  const inserted = await ctx.em.execute<{ id: string }[]>(
    `insert into reservations (id, tenant_id, session_id, child_id, family_id, status, channel, created_by, created_at, updated_at)
     values (?, ?, ?, ?, ?, 'BOOKED', 'WAITLIST', ?, ?, ?)
     on conflict do nothing returning id`,
    [reservationId, ctx.tenant.id, session.id, entry.child_id, entry.family_id, WAITLIST_BOOKER, now, now],
    'all',
    ctx.em.getLoggerContext(),
  );
  if (inserted.length === 0) {
    await closeEntry(ctx, entry.id, 'LEFT', 'BOOKED_ELSEWHERE');
    return null;
  }
  if (!(await takeOnePlace(ctx, session.id))) {
    await ctx.em.execute(`delete from reservations where tenant_id = ? and id = ?`, [
      ctx.tenant.id,
      reservationId,
    ]);
    return 'STOP';
  }
  await ctx.em.execute(
    `update waitlist_entries set status = 'PROMOTED', reservation_id = ?, closed_at = ?, updated_at = ?
     where tenant_id = ? and id = ?`,
    [reservationId, now, now, ctx.tenant.id, entry.id],
    'run',
    ctx.em.getLoggerContext(),
  );
  notify(ctx, {
    familyId: entry.family_id,
    kind: NotificationKind.WAITLIST_AUTO_BOOKED,
    message: `Une place s'est libérée : ${entry.first_name} est inscrit·e à « ${service.name} » le ${localDay(session.date, ctx.tenant)}.`,
    childId: entry.child_id,
    sessionId: session.id,
    waitlistEntryId: entry.id,
    data: { reservationId },
  });
  const facts = entryFacts(session, entry);
  await emitEvents(ctx, [
    waitlistEvent('waitlist.autoBooked', facts, { reservationId: gid('Reservation', reservationId) }),
    bookedFromWaitlist(facts, reservationId),
  ]);
  return { entryId: entry.id, outcome: 'BOOKED', reservationId };
}

/** Holds the place for the entry until its deadline and schedules the offer's expiry. */
async function offer(
  ctx: TenantContext,
  session: LockedSession,
  service: Service,
  policy: WaitlistPolicy,
  bookingClosesAt: Date,
  entry: NextEntry,
): Promise<Promotion | 'STOP'> {
  const now = ctx.now();
  const deadline = offerDeadline(now, policy.offerHours, bookingClosesAt);
  if (!deadline || !(await takeOnePlace(ctx, session.id))) return 'STOP';
  await ctx.em.execute(
    `update waitlist_entries set status = 'OFFERED', offered_at = ?, offer_expires_at = ?, updated_at = ?
     where tenant_id = ? and id = ?`,
    [now, deadline, now, ctx.tenant.id, entry.id],
    'run',
    ctx.em.getLoggerContext(),
  );
  await ctx.em.execute(
    `select guichet_schedule_offer_expiry(?, ?)`,
    [entry.id, offerReminderAt(now, deadline)],
    'all',
    ctx.em.getLoggerContext(),
  );
  notify(ctx, {
    familyId: entry.family_id,
    kind: NotificationKind.WAITLIST_OFFER_MADE,
    message: `Une place vous est proposée pour ${entry.first_name} à « ${service.name} » le ${localDay(session.date, ctx.tenant)}. Répondez avant le ${localInstant(deadline, ctx.tenant)}, sans quoi elle sera proposée à la famille suivante.`,
    childId: entry.child_id,
    sessionId: session.id,
    waitlistEntryId: entry.id,
    data: { offerExpiresAt: deadline.toISOString() },
  });
  await emitEvents(ctx, [
    waitlistEvent('waitlist.offerMade', entryFacts(session, entry), {
      offerExpiresAt: deadline.toISOString(),
    }),
  ]);
  return { entryId: entry.id, outcome: 'OFFERED', offerExpiresAt: deadline };
}

/** What the webhooks say of an entry the waitlist promotes. */
const entryFacts = (session: LockedSession, entry: NextEntry): EntryFacts => ({
  entryId: entry.id,
  sessionId: session.id,
  childId: entry.child_id,
  familyId: entry.family_id,
  date: session.date,
});

/** Closes a live entry (statuses of the migration), saying why when the status does not. */
export async function closeEntry(
  ctx: TenantContext,
  entryId: string,
  status: 'DECLINED' | 'EXPIRED' | 'LEFT',
  reason: string | null,
): Promise<void> {
  const now = ctx.now();
  await ctx.em.execute(
    `update waitlist_entries set status = ?::waitlist_status, closed_at = ?, closed_reason = ?, updated_at = ?
     where tenant_id = ? and id = ?`,
    [status, now, reason, now, ctx.tenant.id, entryId],
    'run',
    ctx.em.getLoggerContext(),
  );
}

/** "mercredi 9 décembre 2026", in the tenant's language. */
export function localDay(date: string, tenant: Tenant): string {
  return DateTime.fromISO(date, { zone: tenant.timeZone })
    .setLocale(tenant.locale)
    .toFormat('cccc d LLLL yyyy');
}

/** "9 décembre 2026 à 14:30", in the tenant's time zone and language. */
export function localInstant(instant: Date, tenant: Tenant): string {
  return DateTime.fromJSDate(instant, { zone: tenant.timeZone })
    .setLocale(tenant.locale)
    .toFormat("d LLLL yyyy 'à' HH:mm");
}
