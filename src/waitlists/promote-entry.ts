import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../auth/context';
import { day, instant, msg } from '../shared/i18n';
import type { Service } from '../facilities/service.entity';
import { emitEvents, gid } from '../events/emit';
import { notify, NotificationKind } from '../notifications/notifications.service';
import { bookedFromWaitlist, waitlistEvent, type EntryFacts } from './events';
import { offerDeadline, offerReminderAt, type WaitlistPolicy } from './ordering';
import type { LockedSession } from './promotion';

/**
 * One waiting entry given a place (by `fillFromWaitlist`, which holds the session's lock): booked
 * at once (AUTO_BOOK) or offered until a deadline (OFFER); and the closing of entries.
 */

/** `created_by` of the reservations the waitlist books by itself (AUTO_BOOK). */
export const WAITLIST_BOOKER = 'system:waitlist';

/** What a free place became. */
export interface Promotion {
  entryId: string;
  outcome: 'BOOKED' | 'OFFERED';
  reservationId?: string;
  offerExpiresAt?: Date;
}

export interface NextEntry {
  id: string;
  child_id: string;
  family_id: string;
  first_name: string;
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
export async function autoBook(
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
    message: msg('notification.autoBooked', {
      child: entry.first_name,
      service: service.name,
      date: day(session.date),
    }),
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
export async function offer(
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
    message: msg('notification.offerMade', {
      child: entry.first_name,
      service: service.name,
      date: day(session.date),
      deadline: instant(deadline),
    }),
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
