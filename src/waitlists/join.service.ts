import { day, msg } from '../shared/i18n';
import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../auth/context';
import { audit } from '../audit/audit.service';
import { Child } from '../families/child.entity';
import { Family } from '../families/family.entity';
import { idempotentMutation } from '../idempotency/idempotency.service';
import { loadBookingFacts } from '../reservations/booking-facts';
import { channelFor } from '../reservations/booking-rules';
import { bookingRefusal, BookingStatus, decideBooking } from '../reservations/booking-status';
import { ReservationChannel } from '../shared/channels';
import {
  done,
  refuse,
  userError,
  UserErrorCode,
  type Outcome,
  type UserErrorData,
} from '../shared/user-errors';
import { criteriaMet, priorityPoints, type CriterionMet } from './ordering';
import { fillFromWaitlist, lockSessions } from './promotion';

export const MAX_SESSIONS_PER_JOIN = 100;

/** A child the viewer may act for: any of the tenant's for staff and keys, their own for parents. */
export async function actionableChild(ctx: TenantContext, childId: string): Promise<Child | null> {
  const child = await ctx.em.findOne(Child, { id: childId });
  if (!child) return null;
  if (ctx.viewer.familyId && child.family.id !== ctx.viewer.familyId) return null;
  return child;
}

/**
 * Puts a child on the waitlists of full sessions (parents for their children, agents at the
 * counter — audited —, `reservations:write` keys). Each session is decided by the booking rule
 * (mode, holidays, eligibility, window, overlap): only a FULL session takes a waitlist entry; one
 * with places left is refused (NOT_FULL: book it). Retry-safe with the idempotency key.
 */
export const joinWaitlist = idempotentMutation(
  'joinWaitlist',
  async (ctx: TenantContext, input: { childId: string; sessionIds: string[] }): Promise<Outcome<Joined>> => {
    if (input.sessionIds.length === 0 || input.sessionIds.length > MAX_SESSIONS_PER_JOIN) {
      return refuse(UserErrorCode.INVALID, msg('booking.sessionCount', { max: MAX_SESSIONS_PER_JOIN }), [
        'sessionIds',
      ]);
    }
    const child = await actionableChild(ctx, input.childId);
    if (!child) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Child' }), ['childId']);
    const facts = await loadBookingFacts(ctx, child, input.sessionIds);
    const userErrors: UserErrorData[] = [];
    const wanted: { sessionId: string; index: number }[] = [];
    input.sessionIds.forEach((sessionId, index) => {
      const field = ['sessionIds', String(index)];
      const fact = facts.get(sessionId);
      if (!fact)
        return userErrors.push(
          userError(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Session' }), field),
        );
      if (input.sessionIds.indexOf(sessionId) !== index) {
        return userErrors.push(userError(UserErrorCode.INVALID, msg('waitlist.sessionNamedTwice'), field));
      }
      const decision = decideBooking(fact);
      if (decision.status === BookingStatus.OPEN) {
        return userErrors.push({
          ...userError(
            UserErrorCode.NOT_FULL,
            msg('waitlist.notFull', { date: day(fact.session.date) }),
            field,
          ),
          placesLeft: decision.placesLeft,
        });
      }
      if (decision.status !== BookingStatus.FULL) {
        return userErrors.push(bookingRefusal(decision, fact, field)!);
      }
      wanted.push({ sessionId, index });
    });
    const joined = await enterWaitlists(ctx, child, wanted);
    userErrors.push(...joined.userErrors);
    await ctx.em.flush();
    userErrors.sort((a, b) => Number(a.field![1]) - Number(b.field![1]));
    return done({ entryIds: joined.entryIds }, userErrors);
  },
);

/** The waitlist entries a request made, in the order of its sessions. */
export interface Joined {
  entryIds: string[];
}

/**
 * Inserts the child's entries on sessions already found full (by `joinWaitlist`, or by `reserve`
 * with `waitlistIfFull`), each with the tenant's priority criteria it meets; a child already on a
 * session's list is refused (ALREADY_WAITLISTED, the unique index decides). Then each session,
 * locked in id order, passes any place that freed meanwhile to its list — possibly this entry.
 */
export async function enterWaitlists(
  ctx: TenantContext,
  child: Child,
  wanted: { sessionId: string; index: number }[],
): Promise<Joined & { userErrors: UserErrorData[] }> {
  if (wanted.length === 0) return { entryIds: [], userErrors: [] };
  const now = ctx.now();
  const channel = channelFor(ctx.viewer);
  const family = await ctx.em.findOneOrFail(Family, { id: child.family.id });
  const siblings = await siblingsBookedThatDay(
    ctx,
    child,
    wanted.map((w) => w.sessionId),
  );
  const rows = wanted.map(({ sessionId }) => {
    const met: CriterionMet[] = criteriaMet(ctx.tenant.config.waitlistCriteria ?? [], {
      siblingBookedThatDay: siblings.has(sessionId),
      socialPriority: family.socialPriority,
      postalCode: family.postalCode ?? null,
    });
    return { id: randomUUID(), session_id: sessionId, points: priorityPoints(met, 0), criteria: met };
  });
  const inserted = await ctx.em.execute<{ id: string; session_id: string }[]>(
    `insert into waitlist_entries (id, tenant_id, session_id, child_id, family_id, status, priority_points,
       criteria, joined_at, channel, created_by, updated_at)
     select v.id, ?, v.session_id, ?, ?, 'WAITING', v.points, v.criteria, ?, ?::reservation_channel, ?, ?
     from json_to_recordset(?::json) as v(id uuid, session_id uuid, points int, criteria jsonb)
     on conflict do nothing
     returning id, session_id`,
    [
      ctx.tenant.id,
      child.id,
      family.id,
      now,
      channel,
      ctx.viewer.subject ?? 'anonymous',
      now,
      JSON.stringify(rows),
    ],
    'all',
    ctx.em.getLoggerContext(),
  );
  const bySession = new Map(inserted.map((r) => [r.session_id, r.id]));
  const userErrors: UserErrorData[] = [];
  const entryIds: string[] = [];
  for (const { sessionId, index } of wanted) {
    const entryId = bySession.get(sessionId);
    if (!entryId) {
      userErrors.push(
        userError(UserErrorCode.ALREADY_WAITLISTED, msg('waitlist.already'), ['sessionIds', String(index)]),
      );
      continue;
    }
    entryIds.push(entryId);
    if (channel === ReservationChannel.COUNTER) {
      audit(ctx, {
        action: 'WAITLIST_JOINED',
        channel,
        familyId: family.id,
        subjectId: entryId,
        details: { sessionId, childId: child.id },
      });
    }
  }
  // A place may have freed between the decision and now: the list takes it, first entry first.
  const sessions = [...bySession.keys()].sort();
  await lockSessions(ctx, sessions);
  for (const sessionId of sessions) await fillFromWaitlist(ctx, sessionId);
  return { entryIds, userErrors };
}

/** Sessions on which a brother or sister holds a live reservation that day, at the same service. */
async function siblingsBookedThatDay(
  ctx: TenantContext,
  child: Child,
  sessionIds: string[],
): Promise<Set<string>> {
  const rows = await ctx.em.execute<{ id: string }[]>(
    `select s.id from sessions s
     where s.tenant_id = ? and s.id in (select value::uuid from json_array_elements_text(?::json))
       and exists (select 1 from reservations r join sessions o on o.tenant_id = r.tenant_id and o.id = r.session_id
                   where r.tenant_id = s.tenant_id and r.family_id = ? and r.child_id <> ?
                     and r.status <> 'CANCELLED' and o.service_id = s.service_id and o.date = s.date)`,
    [ctx.tenant.id, JSON.stringify(sessionIds), child.family.id, child.id],
    'all',
    ctx.em.getLoggerContext(),
  );
  return new Set(rows.map((r) => r.id));
}
