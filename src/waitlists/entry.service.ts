import { day, instant, msg } from '../shared/i18n';
import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../auth/context';
import { can, isStaff, Scope } from '../auth/viewer';
import { audit } from '../audit/audit.service';
import { effectiveOperatingMode } from '../facilities/facilities.service';
import { Service } from '../facilities/service.entity';
import { Child } from '../families/child.entity';
import { idempotentMutation } from '../idempotency/idempotency.service';
import { emitEvents } from '../events/emit';
import { notify, NotificationKind } from '../notifications/notifications.service';
import { bookedFromWaitlist } from './events';
import { channelFor, modeRefusal } from '../reservations/booking-rules';
import { Session } from '../sessions/session.entity';
import { ReservationChannel } from '../shared/channels';
import { done, refuse, UserErrorCode, type Outcome } from '../shared/user-errors';
import { priorityPoints } from './ordering';
import { closeEntry } from './promote-entry';
import { lockSessions, releasePlace } from './promotion';
import { expire, factsOf, offeredTogether } from './offer-expiry';
import { WaitlistEntry, WaitlistStatus } from './waitlist-entry.entity';

/**
 * A waitlist entry the viewer may see: their own family's for parents; any for staff and the keys
 * that read families or book.
 */
export async function visibleEntry(ctx: TenantContext, entryId: string): Promise<WaitlistEntry | null> {
  const entry = await ctx.em.findOne(WaitlistEntry, { id: entryId });
  if (!entry) return null;
  if (ctx.viewer.familyId) return entry.family.id === ctx.viewer.familyId ? entry : null;
  return can(ctx.viewer, Scope.FAMILIES_READ) || can(ctx.viewer, Scope.RESERVATIONS_WRITE) ? entry : null;
}

type EntryOutcome = Outcome<{ entryId: string; reservationId?: string }>;

/**
 * Loads the entry for a change: visible to the viewer, its session's service open to them in its
 * operating mode; then locks the session's row (the waitlist's one lock, taken first) and reloads
 * the entry under it. Returns the refusal, or the entry and its session's service.
 */
async function entryForChange(
  ctx: TenantContext,
  entryId: string,
): Promise<{ refusal: EntryOutcome } | { entry: WaitlistEntry; service: Service; session: Session }> {
  const found = await visibleEntry(ctx, entryId);
  if (!found) return { refusal: refuse(UserErrorCode.NOT_FOUND, msg('waitlist.entryNotFound'), ['entryId']) };
  const session = await ctx.em.findOneOrFail(Session, { id: found.session.id });
  const service = await ctx.em.findOneOrFail(Service, { id: session.service.id });
  const mode = modeRefusal(effectiveOperatingMode(service, ctx.tenant), ctx.viewer);
  if (mode) return { refusal: refuse(mode.code, mode.message, ['entryId']) };
  await lockSessions(ctx, [session.id]);
  const entry = await ctx.em.refreshOrFail(found);
  return { entry, service, session };
}

const notLive = (entry: WaitlistEntry): EntryOutcome =>
  refuse(UserErrorCode.NOT_ON_WAITLIST, msg('waitlist.notLive', { status: entry.status }), ['entryId']);

function auditCounter(ctx: TenantContext, action: string, entry: WaitlistEntry, details = {}): void {
  if (channelFor(ctx.viewer) !== ReservationChannel.COUNTER) return;
  audit(ctx, {
    action,
    channel: ReservationChannel.COUNTER,
    familyId: entry.family.id,
    subjectId: entry.id,
    details: { sessionId: entry.session.id, ...details },
  });
}

/**
 * Takes a child off a waitlist (parents, agents, `reservations:write` keys). Leaving with an offer
 * in hand gives the held place to the next entry, in the same transaction.
 */
export const leaveWaitlist = idempotentMutation(
  'leaveWaitlist',
  async (ctx: TenantContext, input: { entryId: string }): Promise<EntryOutcome> => {
    const found = await entryForChange(ctx, input.entryId);
    if ('refusal' in found) return found.refusal;
    const { entry } = found;
    if (entry.status !== WaitlistStatus.WAITING && entry.status !== WaitlistStatus.OFFERED)
      return notLive(entry);
    const offered = entry.status === WaitlistStatus.OFFERED;
    await closeEntry(ctx, entry.id, 'LEFT', null);
    if (offered) await releasePlace(ctx, entry.session.id);
    auditCounter(ctx, 'WAITLIST_LEFT', entry);
    await ctx.em.flush();
    return done({ entryId: entry.id });
  },
);

/**
 * Turns an offer into a reservation (channel WAITLIST), before its deadline. A sibling group's
 * offers are accepted together: every child of the group is booked, or none (OVERLAP when one of
 * them is already booked at those hours).
 */
export const acceptWaitlistOffer = idempotentMutation(
  'acceptWaitlistOffer',
  async (ctx: TenantContext, input: { entryId: string }): Promise<EntryOutcome> => {
    const found = await entryForChange(ctx, input.entryId);
    if ('refusal' in found) return found.refusal;
    const { entry, session } = found;
    if (entry.status !== WaitlistStatus.OFFERED) return notLive(entry);
    const now = ctx.now();
    if (now >= entry.offerExpiresAt!) {
      // Its expiry job may not have run yet: expire it now, the place goes to the next entry.
      await expire(ctx, entry);
      await ctx.em.flush();
      return refuse(
        UserErrorCode.OFFER_EXPIRED,
        msg('waitlist.offerExpired', { expiredAt: instant(entry.offerExpiresAt!) }),
        ['entryId'],
      );
    }
    const members = await offeredTogether(ctx, entry);
    const rows = members.map((m) => ({ id: randomUUID(), entry: m.id, child_id: m.child.id }));
    const inserted = await ctx.em.execute<{ id: string }[]>(
      `insert into reservations (id, tenant_id, session_id, child_id, family_id, status, channel, created_by, created_at, updated_at)
       select v.id, ?, ?, v.child_id, ?, 'BOOKED', 'WAITLIST', ?, ?, ?
       from json_to_recordset(?::json) as v(id uuid, child_id uuid)
       on conflict do nothing returning id`,
      [
        ctx.tenant.id,
        session.id,
        entry.family.id,
        ctx.viewer.subject ?? 'anonymous',
        now,
        now,
        JSON.stringify(rows),
      ],
      'all',
      ctx.em.getLoggerContext(),
    );
    if (inserted.length < rows.length) {
      // All together or not at all: the bookings made are undone, the offers stand.
      await ctx.em.execute(
        `delete from reservations where tenant_id = ? and id = any(array(select value::uuid from json_array_elements_text(?::json)))`,
        [ctx.tenant.id, JSON.stringify(inserted.map((r) => r.id))],
        'run',
        ctx.em.getLoggerContext(),
      );
      const code = members.length > 1 ? 'waitlist.groupOverlap' : 'waitlist.offerOverlap';
      return refuse(UserErrorCode.OVERLAP, msg(code), ['entryId']);
    }
    // The held places become the reservations': places_taken does not change.
    for (const [i, member] of members.entries()) {
      member.status = WaitlistStatus.PROMOTED;
      member.reservationId = rows[i].id;
      member.closedAt = now;
      member.updatedAt = now;
      auditCounter(ctx, 'WAITLIST_OFFER_ACCEPTED', member, { reservationId: rows[i].id });
    }
    await emitEvents(
      ctx,
      members.map((member, i) => bookedFromWaitlist(factsOf(member, session.date), rows[i].id)),
    );
    await ctx.em.flush();
    return done({ entryId: entry.id, reservationId: rows[members.indexOf(entry)].id });
  },
);

/**
 * Declines an offer: never charged; the held place goes to the next entry at once. A sibling
 * group's offers are declined together.
 */
export const declineWaitlistOffer = idempotentMutation(
  'declineWaitlistOffer',
  async (ctx: TenantContext, input: { entryId: string }): Promise<EntryOutcome> => {
    const found = await entryForChange(ctx, input.entryId);
    if ('refusal' in found) return found.refusal;
    const { entry } = found;
    if (entry.status !== WaitlistStatus.OFFERED) return notLive(entry);
    const members = await offeredTogether(ctx, entry);
    for (const member of members) {
      await closeEntry(ctx, member.id, 'DECLINED', null);
      auditCounter(ctx, 'WAITLIST_OFFER_DECLINED', member);
    }
    await releasePlace(ctx, entry.session.id, members.length);
    await ctx.em.flush();
    return done({ entryId: entry.id });
  },
);

export const PRIORITY_REASON_MAX = 500;

/**
 * An agent raises or lowers a waiting entry's priority (a social-services request): `points` is
 * the adjustment added to the criteria's points. The reason is required and audited; the family
 * is told its rank was reviewed, in neutral words.
 */
export const setWaitlistPriority = idempotentMutation(
  'setWaitlistPriority',
  async (
    ctx: TenantContext,
    input: { entryId: string; points: number; reason: string },
  ): Promise<EntryOutcome> => {
    if (!isStaff(ctx.viewer))
      return refuse(UserErrorCode.NOT_ALLOWED, msg('waitlist.agentsOnly'), ['entryId']);
    const reason = input.reason.trim();
    if (!reason) return refuse(UserErrorCode.INVALID, msg('waitlist.reasonRequired'), ['reason']);
    if (!Number.isInteger(input.points) || Math.abs(input.points) > 1000) {
      return refuse(UserErrorCode.INVALID, msg('waitlist.adjustment'), ['points']);
    }
    const found = await entryForChange(ctx, input.entryId);
    if ('refusal' in found) return found.refusal;
    const { entry, session, service } = found;
    if (entry.status !== WaitlistStatus.WAITING) return notLive(entry);
    const before = entry.priorityPoints;
    entry.manualPoints = input.points;
    entry.manualReason = reason;
    entry.priorityPoints = priorityPoints(entry.criteria, input.points);
    entry.updatedAt = ctx.now();
    audit(ctx, {
      action: 'WAITLIST_PRIORITY_CHANGED',
      channel: ReservationChannel.COUNTER,
      familyId: entry.family.id,
      subjectId: entry.id,
      details: { sessionId: session.id, before, after: entry.priorityPoints, reason },
    });
    const child = await ctx.em.findOneOrFail(Child, { id: entry.child.id });
    notify(ctx, {
      familyId: entry.family.id,
      kind: NotificationKind.WAITLIST_RANK_CHANGED,
      message: msg('notification.rankChanged', {
        child: child.firstName,
        service: service.name,
        date: day(session.date),
      }),
      childId: child.id,
      sessionId: session.id,
      waitlistEntryId: entry.id,
      data: { priorityPoints: entry.priorityPoints },
    });
    await ctx.em.flush();
    return done({ entryId: entry.id });
  },
);
