import type { TenantContext } from '../auth/context';
import { day, instant, msg } from '../shared/i18n';
import { Child } from '../families/child.entity';
import { emitEvents } from '../events/emit';
import { notify, NotificationKind } from '../notifications/notifications.service';
import { Session } from '../sessions/session.entity';
import { waitlistEvent, type EntryFacts } from './events';
import { closeEntry } from './promote-entry';
import { lockSessions, releasePlace } from './promotion';
import { WaitlistEntry, WaitlistStatus } from './waitlist-entry.entity';

/**
 * Offers that end without an answer: the expiry job at an offer's deadline and the reminder job
 * before it (graphile-worker, both idempotent), and the sibling-group rule they share with
 * accepting and declining — a group's offers stand or fall together.
 */

/**
 * The offers that stand or fall with this one: every OFFERED entry of its sibling group (itself
 * included), or itself alone. Read under the session's lock.
 */
export async function offeredTogether(ctx: TenantContext, entry: WaitlistEntry): Promise<WaitlistEntry[]> {
  if (!entry.groupId) return [entry];
  const members = await ctx.em.find(
    WaitlistEntry,
    { groupId: entry.groupId, status: WaitlistStatus.OFFERED },
    { orderBy: { id: 'asc' } },
  );
  return members.some((m) => m.id === entry.id) ? members : [entry, ...members];
}

/**
 * An offer past its deadline: EXPIRED — with the offers of its sibling group —, the family told,
 * the places passed on (session locked).
 */
export async function expire(ctx: TenantContext, entry: WaitlistEntry): Promise<void> {
  const members = await offeredTogether(ctx, entry);
  const session = await ctx.em.findOneOrFail(Session, { id: entry.session.id });
  for (const member of members) {
    await closeEntry(ctx, member.id, 'EXPIRED', null);
    const child = await ctx.em.findOneOrFail(Child, { id: member.child.id });
    notify(ctx, {
      familyId: member.family.id,
      kind: NotificationKind.WAITLIST_OFFER_EXPIRED,
      message: msg('notification.offerExpired', { child: child.firstName, date: day(session.date) }),
      childId: child.id,
      sessionId: session.id,
      waitlistEntryId: member.id,
    });
  }
  await emitEvents(
    ctx,
    members.map((member) => waitlistEvent('waitlist.offerExpired', factsOf(member, session.date))),
  );
  await releasePlace(ctx, session.id, members.length);
}

/** What the webhooks say of an entry. */
export const factsOf = (entry: WaitlistEntry, date: string): EntryFacts => ({
  entryId: entry.id,
  sessionId: entry.session.id,
  childId: entry.child.id,
  familyId: entry.family.id,
  date,
});

/**
 * The offer-expiry job (graphile-worker, scheduled at the deadline): expires the offer if it is
 * still open and due at `ctx.now()`, passing the place on. Idempotent: a second run, or a run for
 * an offer accepted, declined or not yet due, changes nothing. Returns whether it expired.
 */
export async function expireOffer(ctx: TenantContext, entryId: string): Promise<boolean> {
  const found = await ctx.em.findOne(WaitlistEntry, { id: entryId });
  if (!found || found.status !== WaitlistStatus.OFFERED) return false;
  await lockSessions(ctx, [found.session.id]);
  const entry = await ctx.em.refreshOrFail(found);
  if (entry.status !== WaitlistStatus.OFFERED || ctx.now() < entry.offerExpiresAt!) return false;
  await expire(ctx, entry);
  await ctx.em.flush();
  return true;
}

/** The reminder job: tells the family its offer expires soon (once), if it is still open. */
export async function remindOffer(ctx: TenantContext, entryId: string): Promise<boolean> {
  const entry = await ctx.em.findOne(WaitlistEntry, { id: entryId });
  if (!entry || entry.status !== WaitlistStatus.OFFERED || ctx.now() >= entry.offerExpiresAt!) return false;
  const [already] = await ctx.em.execute<{ n: number }[]>(
    `select count(*)::int as n from notifications where tenant_id = ? and waitlist_entry_id = ? and kind = ?`,
    [ctx.tenant.id, entry.id, NotificationKind.WAITLIST_OFFER_EXPIRING],
  );
  if (already.n > 0) return false;
  const session = await ctx.em.findOneOrFail(Session, { id: entry.session.id });
  const child = await ctx.em.findOneOrFail(Child, { id: entry.child.id });
  const hours = Math.max(1, Math.round((entry.offerExpiresAt!.getTime() - ctx.now().getTime()) / 3600_000));
  notify(ctx, {
    familyId: entry.family.id,
    kind: NotificationKind.WAITLIST_OFFER_EXPIRING,
    message: msg('notification.offerExpiring', {
      child: child.firstName,
      date: day(session.date),
      hours,
      deadline: instant(entry.offerExpiresAt!),
    }),
    childId: child.id,
    sessionId: session.id,
    waitlistEntryId: entry.id,
    data: { hoursLeft: hours, offerExpiresAt: entry.offerExpiresAt!.toISOString() },
  });
  await ctx.em.flush();
  return true;
}
