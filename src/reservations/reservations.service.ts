import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../auth/context';
import { can, Scope } from '../auth/viewer';
import { audit } from '../audit/audit.service';
import { effectiveOperatingMode } from '../facilities/facilities.service';
import { Service } from '../facilities/service.entity';
import { Child } from '../families/child.entity';
import { idempotentMutation } from '../idempotency/idempotency.service';
import { closureOn } from '../calendars/closures';
import { tenantCalendars } from '../facilities/facilities.service';
import { bookingWindow } from '../sessions/booking-window';
import { Session } from '../sessions/session.entity';
import {
  done,
  refuse,
  userError,
  UserErrorCode,
  type Outcome,
  type UserErrorData,
} from '../shared/user-errors';
import { channelFor, modeRefusal, windowRefusal } from './booking-rules';
import { billableReason, ChargeBook } from './pricing';
import { Reservation, ReservationChannel, ReservationStatus } from './reservation.entity';

export const MAX_SESSIONS_PER_RESERVE = 100;

/** A child the viewer may book for: any child of the tenant for staff and keys, their own for parents. */
async function bookableChild(ctx: TenantContext, childId: string): Promise<Child | null> {
  const child = await ctx.em.findOne(Child, { id: childId });
  if (!child) return null;
  if (ctx.viewer.familyId && child.family.id !== ctx.viewer.familyId) return null;
  return child;
}

/**
 * Books one child on one or many sessions (parents for their children, staff, `reservations:write`
 * keys). Each session is decided on its own: the ones refused come back as user errors naming
 * their index in `sessionIds`, the others are booked. Capacity is taken by one conditional UPDATE
 * in PostgreSQL, so no race can overbook; the sessions are locked in one canonical order (by id)
 * whatever the order asked, so two bulk bookings never deadlock (see `takePlaces`).
 * Retry-safe with the idempotency key. Returns the reservations made, in the order asked.
 */
export const reserve = idempotentMutation(
  'reserve',
  async (ctx: TenantContext, input: { childId: string; sessionIds: string[] }): Promise<Outcome<Booked>> => {
    if (input.sessionIds.length === 0 || input.sessionIds.length > MAX_SESSIONS_PER_RESERVE) {
      return refuse(UserErrorCode.INVALID, `Give 1 to ${MAX_SESSIONS_PER_RESERVE} sessions.`, ['sessionIds']);
    }
    const child = await bookableChild(ctx, input.childId);
    if (!child) return refuse(UserErrorCode.NOT_FOUND, 'Child not found.', ['childId']);
    return bookSessions(ctx, child, input.sessionIds);
  },
);

/** The reservations a booking made, in the order of `sessionIds`. */
export interface Booked {
  reservationIds: string[];
}

async function bookSessions(
  ctx: TenantContext,
  child: Child,
  sessionIds: string[],
): Promise<Outcome<Booked>> {
  const tenant = ctx.tenant;
  const now = ctx.now();
  const [sessions, live] = await Promise.all([
    ctx.em.find(Session, { id: { $in: sessionIds } }),
    ctx.em.find(Reservation, {
      child: child.id,
      session: { $in: sessionIds },
      status: { $ne: ReservationStatus.CANCELLED },
    }),
  ]);
  const services = await ctx.em.find(Service, {
    id: { $in: [...new Set(sessions.map((s) => s.service.id))] },
  });
  const channel = channelFor(ctx.viewer);
  const userErrors: UserErrorData[] = [];
  const wanted: { sessionId: string; index: number; date: string }[] = [];
  sessionIds.forEach((sessionId, index) => {
    const field = ['sessionIds', String(index)];
    const session = sessions.find((s) => s.id === sessionId);
    const service = session && services.find((s) => s.id === session.service.id);
    if (!session || !service) {
      userErrors.push(userError(UserErrorCode.NOT_FOUND, 'Session not found.', field));
      return;
    }
    const closure = closureOn(session.date, tenantCalendars(tenant), service);
    const refusal =
      modeRefusal(effectiveOperatingMode(service, tenant), ctx.viewer) ??
      (closure && { code: UserErrorCode.CLOSED, message: `closed that day (${closure.name}).` }) ??
      windowRefusal(bookingWindow(session.date, service, tenant), now);
    if (refusal) {
      userErrors.push(userError(refusal.code, `${session.date}: ${refusal.message}`, field));
    } else if (live.some((r) => r.session.id === sessionId) || sessionIds.indexOf(sessionId) !== index) {
      userErrors.push(
        userError(UserErrorCode.ALREADY_BOOKED, `${session.date}: already booked for this child.`, field),
      );
    } else if (session.placesTaken >= session.capacity) {
      // Seen full: refused without queueing on the session's lock.
      userErrors.push(userError(UserErrorCode.FULL, `${session.date}: no place left.`, field));
    } else {
      wanted.push({ sessionId, index, date: session.date });
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
        userError(UserErrorCode.ALREADY_BOOKED, `${date}: already booked for this child.`, field),
      );
    } else {
      userErrors.push(userError(UserErrorCode.FULL, `${date}: no place left.`, field));
    }
  }
  await ctx.em.flush();
  userErrors.sort((a, b) => Number(a.field![1]) - Number(b.field![1]));
  const reservationIds = booked.sort((a, b) => a.index - b.index).map((b) => b.reservationId);
  return done({ reservationIds }, userErrors);
}

/**
 * Books a child on sessions, holding the sessions' rows for as short a time as PostgreSQL allows:
 * 1. the reservations are inserted first (a concurrent duplicate is skipped by the unique index);
 * 2. then one statement locks the sessions in one canonical order (by id, whatever the order
 *    asked: two bulk bookings never deadlock) and takes a place on each that has one left —
 *    capacity is decided by PostgreSQL, never in JavaScript;
 * 3. the reservations of the sessions that were full are removed.
 * The rows stay locked only for what follows until COMMIT (the idempotency record).
 */
async function takePlaces(
  ctx: TenantContext,
  child: Child,
  sessionIds: string[],
  channel: ReservationChannel,
): Promise<{ booked: Map<string, string>; duplicates: Set<string> }> {
  if (sessionIds.length === 0) return { booked: new Map(), duplicates: new Set() };
  const now = ctx.now();
  const rows = sessionIds.map((sessionId) => ({ id: randomUUID(), session_id: sessionId }));
  const inserted = await ctx.em.execute<{ id: string; session_id: string }[]>(
    `insert into reservations (id, tenant_id, session_id, child_id, family_id, status, channel, created_by, created_at, updated_at)
     select v.id, ?, v.session_id, ?, ?, 'BOOKED', ?::reservation_channel, ?, ?, ?
     from json_to_recordset(?::json) as v(id uuid, session_id uuid)
     on conflict (tenant_id, session_id, child_id) where status <> 'CANCELLED' do nothing
     returning id, session_id`,
    [
      ctx.tenant.id,
      child.id,
      child.family.id,
      channel,
      ctx.viewer.subject ?? 'anonymous',
      now,
      now,
      JSON.stringify(rows),
    ],
    'all',
    ctx.em.getLoggerContext(),
  );
  const duplicates = new Set(sessionIds.filter((id) => !inserted.some((r) => r.session_id === id)));
  if (inserted.length === 0) return { booked: new Map(), duplicates };
  // NO KEY UPDATE (not UPDATE): the reservations' foreign keys hold KEY SHARE locks on these rows.
  const taken = await ctx.em.execute<{ id: string }[]>(
    `with locked as materialized (
       select id from sessions where tenant_id = ? and id in (select value::uuid from json_array_elements_text(?::json))
       order by id for no key update
     )
     update sessions s set places_taken = s.places_taken + 1
     from locked where s.tenant_id = ? and s.id = locked.id and s.places_taken < s.capacity
     returning s.id`,
    [ctx.tenant.id, JSON.stringify(inserted.map((r) => r.session_id)), ctx.tenant.id],
    'all',
    ctx.em.getLoggerContext(),
  );
  const placed = new Set(taken.map((r) => r.id));
  const full = inserted.filter((r) => !placed.has(r.session_id));
  if (full.length) {
    await ctx.em.execute(
      `delete from reservations where tenant_id = ? and id in (select value::uuid from json_array_elements_text(?::json))`,
      [ctx.tenant.id, JSON.stringify(full.map((r) => r.id))],
      'run',
      ctx.em.getLoggerContext(),
    );
  }
  return {
    booked: new Map(inserted.filter((r) => placed.has(r.session_id)).map((r) => [r.session_id, r.id])),
    duplicates,
  };
}

/**
 * Cancels a booking (parents for their children, staff, `reservations:write` keys): free
 * (CANCELLED, place released at once) until the notice deadline; after it, LATE_CANCELLED with a
 * charge (the place stays paid for). Retry-safe with the idempotency key.
 */
export const cancelReservation = idempotentMutation(
  'cancelReservation',
  async (
    ctx: TenantContext,
    input: { reservationId: string },
  ): Promise<Outcome<{ reservationId: string }>> => {
    const tenant = ctx.tenant;
    const now = ctx.now();
    const field = ['reservationId'];
    const reservation = await visibleReservation(ctx, input.reservationId);
    if (!reservation) return refuse(UserErrorCode.NOT_FOUND, 'Reservation not found.', field);
    const session = await ctx.em.findOneOrFail(Session, { id: reservation.session.id });
    const service = await ctx.em.findOneOrFail(Service, { id: session.service.id });
    const refusal = modeRefusal(effectiveOperatingMode(service, tenant), ctx.viewer);
    if (refusal) return refuse(refusal.code, refusal.message, field);
    if (reservation.status !== ReservationStatus.BOOKED) {
      return refuse(
        UserErrorCode.NOT_CANCELLABLE,
        `A ${reservation.status} reservation cannot be cancelled.`,
        field,
      );
    }
    const free = now < bookingWindow(session.date, service, tenant).freeCancellationUntil;
    reservation.cancelledAt = now;
    if (free) {
      reservation.status = ReservationStatus.CANCELLED;
      await ctx.em.execute(
        `update sessions set places_taken = places_taken - 1 where tenant_id = ? and id = ?`,
        [tenant.id, session.id],
        'run',
        ctx.em.getLoggerContext(),
      );
    } else {
      reservation.status = ReservationStatus.LATE_CANCELLED;
      const charges = await ChargeBook.load(ctx, session, [reservation]);
      charges.settle(reservation, billableReason(reservation, service));
    }
    if (channelFor(ctx.viewer) === ReservationChannel.COUNTER) {
      audit(ctx, {
        action: free ? 'RESERVATION_CANCELLED' : 'RESERVATION_LATE_CANCELLED',
        channel: ReservationChannel.COUNTER,
        familyId: reservation.family.id,
        subjectId: reservation.id,
      });
    }
    await ctx.em.flush();
    return done({ reservationId: reservation.id });
  },
);

/**
 * A reservation of the tenant the viewer may see: their own family's for parents; any for staff
 * and the keys that read families, book or take the roll.
 */
export async function visibleReservation(
  ctx: TenantContext,
  reservationId: string,
): Promise<Reservation | null> {
  const reservation = await ctx.em.findOne(Reservation, { id: reservationId });
  if (!reservation) return null;
  if (ctx.viewer.familyId) return reservation.family.id === ctx.viewer.familyId ? reservation : null;
  const { viewer } = ctx;
  return can(viewer, Scope.FAMILIES_READ) ||
    can(viewer, Scope.RESERVATIONS_WRITE) ||
    can(viewer, Scope.ATTENDANCE_WRITE)
    ? reservation
    : null;
}
