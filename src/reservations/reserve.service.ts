import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../auth/context';
import { audit } from '../audit/audit.service';
import { executeAtCommit, isFirstAttemptOfUnit } from '../db/commit-tail';
import { emitEvents, gid, type DomainEvent } from '../events/emit';
import { Child } from '../families/child.entity';
import { idempotentMutation } from '../idempotency/idempotency.service';
import {
  done,
  refuse,
  userError,
  UserErrorCode,
  type Outcome,
  type UserErrorData,
} from '../shared/user-errors';
import { loadBookingChildWithFacts, type BookingChild } from './booking-facts';
import { channelFor } from './booking-rules';
import { bookingRefusal, BookingStatus, decideBooking, type BookingFacts } from './booking-status';
import { enterWaitlists } from '../waitlists/join.service';
import { Reservation, ReservationChannel } from './reservation.entity';
import { executePrepared, type PreparedParam } from '../db/prepared-statements';
import { lightMap } from '../shared/light-entities';
import { day, msg } from '../shared/i18n';

export const MAX_SESSIONS_PER_RESERVE = 100;

/**
 * Books one child on one or many sessions (parents for their children, staff, `reservations:write`
 * keys). Each session is decided on its own by the one booking rule (`decideBooking`: mode,
 * holidays, eligibility, window, overlapping hours, places): the ones refused come back as user
 * errors naming their index in `sessionIds`, with the data to explain them, the others are booked.
 * Capacity is taken by one conditional UPDATE in PostgreSQL, so no race can overbook, and an
 * exclusion constraint refuses overlapping hours whatever the concurrency; the sessions are locked
 * in one canonical order (by id) whatever the order asked, so two bulk bookings never deadlock
 * (see `takePlaces`). Retry-safe with the idempotency key. Returns the reservations made, in the
 * order asked.
 */
export const reserve = idempotentMutation(
  'reserve',
  async (
    ctx: TenantContext,
    input: {
      childId: string;
      sessionIds: string[];
      waitlistIfFull?: boolean | null;
      householdId?: string | null;
    },
  ): Promise<Outcome<Booked>> => {
    if (input.sessionIds.length === 0 || input.sessionIds.length > MAX_SESSIONS_PER_RESERVE) {
      return refuse(UserErrorCode.INVALID, msg('booking.sessionCount', { max: MAX_SESSIONS_PER_RESERVE }), [
        'sessionIds',
      ]);
    }
    // The child and the sessions in one round trip; the facts serve only once the child is found.
    const { found, facts } = await loadBookingChildWithFacts(
      ctx,
      input.childId,
      input.householdId,
      input.sessionIds,
    );
    // A parent books for their own children only; another family's child is "not found".
    if (!found || (ctx.viewer.familyId && found.child.family.id !== ctx.viewer.familyId)) {
      return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Child' }), ['childId']);
    }
    // Shared custody: the household named must be one of the child's (the parent's own for parents).
    if (input.householdId && found.child.family.id !== input.householdId) {
      return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Family' }), ['householdId']);
    }
    return bookSessions(ctx, found, facts, input.sessionIds, input.waitlistIfFull ?? false);
  },
);

/**
 * The reservations a booking made, in the order of `sessionIds`, and the waitlist entries made for
 * the sessions that were full (with `waitlistIfFull`). Replays of keys stored before waitlists
 * existed have no `waitlistEntryIds`.
 */
export interface Booked {
  reservationIds: string[];
  waitlistEntryIds?: string[];
}

async function bookSessions(
  ctx: TenantContext,
  { child }: BookingChild,
  facts: Map<string, BookingFacts>,
  sessionIds: string[],
  waitlistIfFull: boolean,
): Promise<Outcome<Booked>> {
  const channel = channelFor(ctx.viewer);
  const userErrors: UserErrorData[] = [];
  const wanted: { sessionId: string; index: number; date: string }[] = [];
  /** Sessions found full, for the waitlist (with `waitlistIfFull`). */
  const full: { sessionId: string; index: number }[] = [];
  sessionIds.forEach((sessionId, index) => {
    const field = ['sessionIds', String(index)];
    const fact = facts.get(sessionId);
    if (!fact) {
      userErrors.push(userError(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Session' }), field));
      return;
    }
    const repeated = sessionIds.indexOf(sessionId) !== index;
    const decision = decideBooking({ ...fact, alreadyBooked: fact.alreadyBooked || repeated });
    if (waitlistIfFull && decision.status === BookingStatus.FULL) full.push({ sessionId, index });
    else {
      const refusal = bookingRefusal(decision, fact, field);
      if (refusal) userErrors.push(refusal);
      else wanted.push({ sessionId, index, date: fact.session.date });
    }
  });
  const outcome = await takePlaces(
    ctx,
    child,
    wanted.map((w) => w.sessionId),
    channel,
  );
  const booked: { index: number; reservationId: string }[] = [];
  for (const { sessionId, index, date } of wanted) {
    const field = ['sessionIds', String(index)];
    const on = { date: day(date) };
    const reservationId = outcome.booked.get(sessionId);
    if (reservationId) {
      booked.push({ index, reservationId });
      if (channel === ReservationChannel.COUNTER) {
        audit(ctx, {
          action: 'RESERVATION_CREATED',
          channel,
          familyId: child.family.id,
          subjectId: reservationId,
          details: { sessionId, date },
        });
      }
    } else if (outcome.duplicates.has(sessionId)) {
      userErrors.push(
        userError(UserErrorCode.ALREADY_BOOKED, msg('booking.alreadyBooked', on), field, {
          reason: 'ALREADY_BOOKED',
          date,
        }),
      );
    } else if (outcome.overlapping.has(sessionId)) {
      userErrors.push(
        userError(UserErrorCode.OVERLAP, msg('booking.overlap', on), field, { reason: 'OVERLAP', date }),
      );
    } else if (waitlistIfFull) {
      full.push({ sessionId, index });
    } else {
      userErrors.push(
        userError(UserErrorCode.FULL, msg('booking.full', on), field, {
          reason: 'NO_PLACE_LEFT',
          date,
          placesLeft: 0,
        }),
      );
    }
  }
  await emitEvents(
    ctx,
    wanted
      .filter((w) => outcome.booked.has(w.sessionId))
      .map((w): DomainEvent => {
        const reservationId = gid('Reservation', outcome.booked.get(w.sessionId)!);
        return {
          type: 'reservation.booked',
          aggregateId: reservationId,
          data: {
            reservationId,
            sessionId: gid('Session', w.sessionId),
            childId: gid('Child', child.id),
            familyId: gid('Family', child.family.id),
            date: w.date,
            channel,
          },
        };
      }),
  );
  // Full sessions put the child on their waitlists instead of refusing (see enterWaitlists).
  const joined = await enterWaitlists(
    ctx,
    [child],
    full.sort((a, b) => a.index - b.index),
  );
  userErrors.push(...joined.userErrors);
  await ctx.em.flush();
  userErrors.sort((a, b) => Number(a.field![1]) - Number(b.field![1]));
  const reservationIds = booked.sort((a, b) => a.index - b.index).map((b) => b.reservationId);
  return done(
    waitlistIfFull ? { reservationIds, waitlistEntryIds: joined.entryIds } : { reservationIds },
    userErrors,
  );
}

/** The reservations' columns a booking writes, for `reservationValues` (one row per session). */
const INSERT_RESERVATIONS = `insert into reservations (id, tenant_id, session_id, child_id, family_id, status, channel, created_by, created_at, updated_at)
     select v.id, ?, v.session_id, ?, ?, 'BOOKED', ?::reservation_channel, ?, ?::timestamptz, ?::timestamptz
     from json_to_recordset(?::json) as v(id uuid, session_id uuid)`;

/** Locks the sessions in one canonical order (by id) and takes a place on each that has one left. */
const TAKE_PLACES = `with locked as materialized (
       select id from sessions where tenant_id = ? and id = any(array(select value::uuid from json_array_elements_text(?::json)))
       order by id for no key update
     )
     update sessions s set places_taken = s.places_taken + 1
     from locked where s.tenant_id = ? and s.id = locked.id and s.places_taken < s.capacity
     returning s.id`;

/**
 * A unit's first attempt books in the statement sent with its COMMIT (src/db/commit-tail.ts): the
 * places first, then the reservations of the sessions that had one, then all or nothing —
 * `guichet_require_places` aborts the transaction (serialization_failure) unless every
 * reservation was inserted, and the booking runs again from a fresh snapshot. Places first: the
 * reservations' foreign key takes a KEY SHARE lock on each session row, and on a row that other
 * bookings lock too, every such lock is a new MultiXact — pgbench, 50 clients on one hot row:
 * insert-then-update 440 transactions/s, update-then-insert 1,160, no foreign key 1,750. Under the
 * booking's own row lock, the check locks nothing new.
 */
const BOOK_AT_COMMIT = `with taken as (${TAKE_PLACES}),
     inserted as (
       ${INSERT_RESERVATIONS}
       where v.session_id in (select id from taken)
       on conflict do nothing
       returning *
     )
     select i.* from (select guichet_require_places((select count(*) from inserted), ?) as ok) c
     left join inserted i on true`;

/**
 * Books a child on sessions, holding the sessions' rows for as short a time as PostgreSQL allows.
 * On a unit's first attempt, in one statement sent with the COMMIT, all or nothing
 * (`BOOK_AT_COMMIT`): the snapshot said the sessions had places and no reservation of the child
 * (decideBooking); a concurrent booking that changed that makes the unit run again. Otherwise
 * (the sessions locked first, in id order, as that statement locks them):
 * 1. the reservations are inserted (a concurrent duplicate is skipped by the unique index,
 *    a concurrent booking at overlapping hours by the exclusion constraint);
 * 2. then one statement locks the sessions in one canonical order (by id, whatever the order
 *    asked: two bulk bookings never deadlock) and takes a place on each that has one left —
 *    capacity is decided by PostgreSQL, never in JavaScript;
 * 3. the reservations of the sessions that were full are removed.
 * The rows inserted, as this transaction leaves them, are the payload's reservations
 * (`ctx.written`): the answer needs no second transaction to read them.
 */
async function takePlaces(
  ctx: TenantContext,
  child: Child,
  sessionIds: string[],
  channel: ReservationChannel,
): Promise<{ booked: Map<string, string>; duplicates: Set<string>; overlapping: Set<string> }> {
  if (sessionIds.length === 0) return { booked: new Map(), duplicates: new Set(), overlapping: new Set() };
  const now = ctx.now().toISOString();
  const rows = sessionIds.map((sessionId) => ({ id: randomUUID(), session_id: sessionId }));
  const values = [
    ctx.tenant.id,
    child.id,
    child.family.id,
    channel,
    ctx.viewer.subject ?? 'anonymous',
    now,
    now,
    JSON.stringify(rows),
  ];
  const write = (inserted: Record<string, unknown>[]) =>
    ctx.written?.add(
      Reservation,
      inserted.map((row) => lightMap<Reservation>(ctx.em, Reservation, row)),
    );
  if (isFirstAttemptOfUnit(ctx.em)) {
    await executeAtCommit(
      ctx.em,
      BOOK_AT_COMMIT,
      [ctx.tenant.id, JSON.stringify(sessionIds), ctx.tenant.id, ...values, rows.length],
      write,
    );
    return {
      booked: new Map(rows.map((r) => [r.session_id, r.id])),
      duplicates: new Set(),
      overlapping: new Set(),
    };
  }
  // The sessions locked first, in id order, as the first attempt's statement locks them: a retry
  // that inserted first and a first attempt that locked first would wait on each other.
  await executePrepared(
    ctx.em,
    `select id from sessions where tenant_id = ? and id = any(array(select value::uuid from json_array_elements_text(?::json)))
     order by id for no key update`,
    [ctx.tenant.id, JSON.stringify(sessionIds)],
  );
  const inserted = await executePrepared<{ id: string; session_id: string } & Record<string, unknown>>(
    ctx.em,
    `${INSERT_RESERVATIONS} on conflict do nothing returning *`,
    values as PreparedParam[],
  );
  const skipped = sessionIds.filter((id) => !inserted.some((r) => r.session_id === id));
  const duplicates = new Set<string>();
  if (skipped.length) {
    // Skipped: a live reservation of this child on the session (a duplicate), or at overlapping hours.
    const live = await ctx.em.execute<{ session_id: string }[]>(
      `select session_id from reservations where tenant_id = ? and child_id = ? and status <> 'CANCELLED'
         and session_id = any(array(select value::uuid from json_array_elements_text(?::json)))`,
      [ctx.tenant.id, child.id, JSON.stringify(skipped)],
      'all',
      ctx.em.getLoggerContext(),
    );
    live.forEach((r) => duplicates.add(r.session_id));
  }
  const overlapping = new Set(skipped.filter((id) => !duplicates.has(id)));
  if (inserted.length === 0) return { booked: new Map(), duplicates, overlapping };
  // NO KEY UPDATE (not UPDATE): the reservations' foreign keys hold KEY SHARE locks on these rows.
  const taken = await executePrepared<{ id: string }>(ctx.em, TAKE_PLACES, [
    ctx.tenant.id,
    JSON.stringify(inserted.map((r) => r.session_id)),
    ctx.tenant.id,
  ]);
  const placed = new Set(taken.map((r) => r.id));
  const full = inserted.filter((r) => !placed.has(r.session_id));
  if (full.length) {
    await ctx.em.execute(
      `delete from reservations where tenant_id = ? and id = any(array(select value::uuid from json_array_elements_text(?::json)))`,
      [ctx.tenant.id, JSON.stringify(full.map((r) => r.id))],
      'run',
      ctx.em.getLoggerContext(),
    );
  }
  const kept = inserted.filter((r) => placed.has(r.session_id));
  write(kept);
  return {
    booked: new Map(kept.map((r) => [r.session_id, r.id])),
    duplicates,
    overlapping,
  };
}
