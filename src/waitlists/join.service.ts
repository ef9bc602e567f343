import { day, msg } from '../shared/i18n';
import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../auth/context';
import { audit } from '../audit/audit.service';
import { Child } from '../families/child.entity';
import { Family } from '../families/family.entity';
import { idempotentMutation } from '../idempotency/idempotency.service';
import { loadBookingFacts } from '../reservations/booking-facts';
import { channelFor } from '../reservations/booking-rules';
import {
  bookingRefusal,
  BookingStatus,
  decideBooking,
  type BookingFacts,
} from '../reservations/booking-status';
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

/** At most this many children join one session together as a sibling group. */
export const MAX_GROUP_SIZE = 8;

/**
 * The children a join is for: `childId` and its `siblingIds`, each one the viewer may act for and
 * all of one family (a group is siblings). Returns the refusal, or the children in the order asked.
 */
async function joiningChildren(
  ctx: TenantContext,
  childId: string,
  siblingIds: string[],
): Promise<{ refusal: Outcome<Joined> } | { children: Child[] }> {
  const ids = [childId, ...siblingIds];
  if (new Set(ids).size !== ids.length || ids.length > MAX_GROUP_SIZE) {
    return {
      refusal: refuse(UserErrorCode.INVALID, msg('waitlist.groupChildren', { max: MAX_GROUP_SIZE }), [
        'siblingIds',
      ]),
    };
  }
  const children: Child[] = [];
  for (const [index, id] of ids.entries()) {
    const child = await actionableChild(ctx, id);
    const field = index === 0 ? ['childId'] : ['siblingIds', String(index - 1)];
    if (!child)
      return { refusal: refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Child' }), field) };
    if (child.family.id !== children[0]?.family.id && index > 0) {
      return { refusal: refuse(UserErrorCode.INVALID, msg('waitlist.notSiblings'), field) };
    }
    children.push(child);
  }
  return { children };
}

/**
 * Puts a child — or several children of one family as a sibling group (`siblingIds`), offered
 * places all together or not at all — on the waitlists of full sessions (parents for their
 * children, agents at the counter — audited —, `reservations:write` keys). Each session is decided
 * by the booking rule (mode, holidays, eligibility, window, overlap) for every child: it takes
 * entries only when it is FULL for all of them; one with places left is refused (NOT_FULL: book
 * it), any other refusal of one child refuses the session for the group. Retry-safe with the
 * idempotency key.
 */
export const joinWaitlist = idempotentMutation(
  'joinWaitlist',
  async (
    ctx: TenantContext,
    input: { childId: string; siblingIds?: string[] | null; sessionIds: string[] },
  ): Promise<Outcome<Joined>> => {
    if (input.sessionIds.length === 0 || input.sessionIds.length > MAX_SESSIONS_PER_JOIN) {
      return refuse(UserErrorCode.INVALID, msg('booking.sessionCount', { max: MAX_SESSIONS_PER_JOIN }), [
        'sessionIds',
      ]);
    }
    const found = await joiningChildren(ctx, input.childId, input.siblingIds ?? []);
    if ('refusal' in found) return found.refusal;
    const { children } = found;
    // One child after the other: the transaction's one connection runs one statement at a time.
    const facts: Map<string, BookingFacts>[] = [];
    for (const child of children) facts.push(await loadBookingFacts(ctx, child, input.sessionIds));
    const userErrors: UserErrorData[] = [];
    const wanted: { sessionId: string; index: number }[] = [];
    input.sessionIds.forEach((sessionId, index) => {
      const field = ['sessionIds', String(index)];
      if (!facts[0].get(sessionId))
        return userErrors.push(
          userError(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Session' }), field),
        );
      if (input.sessionIds.indexOf(sessionId) !== index) {
        return userErrors.push(userError(UserErrorCode.INVALID, msg('waitlist.sessionNamedTwice'), field));
      }
      for (const childFacts of facts) {
        const fact = childFacts.get(sessionId)!;
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
      }
      wanted.push({ sessionId, index });
    });
    const joined = await enterWaitlists(ctx, children, wanted);
    userErrors.push(...joined.userErrors);
    await ctx.em.flush();
    userErrors.sort((a, b) => Number(a.field![1]) - Number(b.field![1]));
    return done({ entryIds: joined.entryIds }, userErrors);
  },
);

/** The waitlist entries a request made, in the order of its sessions (then of its children). */
export interface Joined {
  entryIds: string[];
}

/**
 * Inserts the children's entries on sessions already found full (by `joinWaitlist`, or by
 * `reserve` with `waitlistIfFull`), each with the tenant's priority criteria it meets. Several
 * children join each session as one sibling group (one `group_id` per session). The sessions are
 * locked first, in id order; a session on whose list one of the children already is refuses the
 * whole group (ALREADY_WAITLISTED, the unique index backs it). Then each session passes any place
 * that freed meanwhile to its list — possibly to these entries.
 */
export async function enterWaitlists(
  ctx: TenantContext,
  children: Child[],
  wanted: { sessionId: string; index: number }[],
): Promise<Joined & { userErrors: UserErrorData[] }> {
  if (wanted.length === 0) return { entryIds: [], userErrors: [] };
  const now = ctx.now();
  const channel = channelFor(ctx.viewer);
  const family = await ctx.em.findOneOrFail(Family, { id: children[0].family.id });
  const sessions = [...new Set(wanted.map((w) => w.sessionId))].sort();
  await lockSessions(ctx, sessions);
  const already = await alreadyWaiting(ctx, children, sessions);
  const userErrors: UserErrorData[] = [];
  const rows: {
    id: string;
    session_id: string;
    child_id: string;
    group_id: string | null;
    points: number;
    criteria: CriterionMet[];
  }[] = [];
  for (const { sessionId, index } of wanted) {
    if (already.has(sessionId)) {
      userErrors.push(
        userError(UserErrorCode.ALREADY_WAITLISTED, msg('waitlist.already'), ['sessionIds', String(index)]),
      );
      continue;
    }
    const groupId = children.length > 1 ? randomUUID() : null;
    for (const child of children)
      rows.push({
        id: randomUUID(),
        session_id: sessionId,
        child_id: child.id,
        group_id: groupId,
        points: 0,
        criteria: [],
      });
  }
  for (const child of children) {
    const siblings = await siblingsBookedThatDay(ctx, child, sessions);
    for (const row of rows.filter((r) => r.child_id === child.id)) {
      row.criteria = criteriaMet(ctx.tenant.config.waitlistCriteria ?? [], {
        siblingBookedThatDay: siblings.has(row.session_id),
        socialPriority: family.socialPriority,
        postalCode: family.postalCode ?? null,
      });
      row.points = priorityPoints(row.criteria, 0);
    }
  }
  await ctx.em.execute(
    `insert into waitlist_entries (id, tenant_id, session_id, child_id, family_id, group_id, status,
       priority_points, criteria, joined_at, channel, created_by, updated_at)
     select v.id, ?, v.session_id, v.child_id, ?, v.group_id, 'WAITING', v.points, v.criteria, ?,
       ?::reservation_channel, ?, ?
     from json_to_recordset(?::json) as v(id uuid, session_id uuid, child_id uuid, group_id uuid, points int, criteria jsonb)`,
    [ctx.tenant.id, family.id, now, channel, ctx.viewer.subject ?? 'anonymous', now, JSON.stringify(rows)],
    'run',
    ctx.em.getLoggerContext(),
  );
  if (channel === ReservationChannel.COUNTER) {
    for (const row of rows) {
      audit(ctx, {
        action: 'WAITLIST_JOINED',
        channel,
        familyId: family.id,
        subjectId: row.id,
        details: { sessionId: row.session_id, childId: row.child_id, groupId: row.group_id },
      });
    }
  }
  // A place may have freed between the decision and now: the list takes it, first entry first.
  for (const sessionId of sessions) await fillFromWaitlist(ctx, sessionId);
  return { entryIds: rows.map((r) => r.id), userErrors };
}

/** Sessions on whose list one of the children already has a live entry (the sessions are locked). */
async function alreadyWaiting(
  ctx: TenantContext,
  children: Child[],
  sessionIds: string[],
): Promise<Set<string>> {
  const rows = await ctx.em.execute<{ session_id: string }[]>(
    `select distinct session_id from waitlist_entries
     where tenant_id = ? and status in ('WAITING', 'OFFERED')
       and session_id = any(array(select value::uuid from json_array_elements_text(?::json)))
       and child_id = any(array(select value::uuid from json_array_elements_text(?::json)))`,
    [ctx.tenant.id, JSON.stringify(sessionIds), JSON.stringify(children.map((c) => c.id))],
    'all',
    ctx.em.getLoggerContext(),
  );
  return new Set(rows.map((r) => r.session_id));
}

/** Sessions on which a brother or sister holds a live reservation that day, at the same service. */
async function siblingsBookedThatDay(
  ctx: TenantContext,
  child: Child,
  sessionIds: string[],
): Promise<Set<string>> {
  const rows = await ctx.em.execute<{ id: string }[]>(
    `select s.id from sessions s
     where s.tenant_id = ? and s.id = any(array(select value::uuid from json_array_elements_text(?::json)))
       and exists (select 1 from reservations r join sessions o on o.tenant_id = r.tenant_id and o.id = r.session_id
                   where r.tenant_id = s.tenant_id and r.family_id = ? and r.child_id <> ?
                     and r.status <> 'CANCELLED' and o.service_id = s.service_id and o.date = s.date)`,
    [ctx.tenant.id, JSON.stringify(sessionIds), child.family.id, child.id],
    'all',
    ctx.em.getLoggerContext(),
  );
  return new Set(rows.map((r) => r.id));
}
