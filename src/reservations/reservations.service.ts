import { UniqueConstraintViolationException, type QueryResult } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../auth/context';
import { can, Scope } from '../auth/viewer';
import { audit } from '../audit/audit.service';
import { effectiveOperatingMode } from '../facilities/facilities.service';
import { Service } from '../facilities/service.entity';
import { Child } from '../families/child.entity';
import { idempotentMutation } from '../idempotency/idempotency.service';
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
 * keys). Each session is decided on its own (in a savepoint): the ones refused come back as user
 * errors naming their index in `sessionIds`, the others are booked. Capacity is taken by a
 * conditional UPDATE in PostgreSQL, so no race can overbook; places are taken in one canonical
 * order (by session id) whatever the order asked, so two bulk bookings never deadlock.
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
  const booked = new Map<number, string>();
  const userErrors: UserErrorData[] = [];

  // The canonical lock order: by session id, whatever the order asked.
  const order = sessionIds.map((id, index) => ({ id, index })).sort((a, b) => a.id.localeCompare(b.id));
  for (const { id: sessionId, index } of order) {
    const field = ['sessionIds', String(index)];
    const session = sessions.find((s) => s.id === sessionId);
    const service = session && services.find((s) => s.id === session.service.id);
    if (!session || !service) {
      userErrors.push(userError(UserErrorCode.NOT_FOUND, 'Session not found.', field));
      continue;
    }
    const refusal =
      modeRefusal(effectiveOperatingMode(service, tenant), ctx.viewer) ??
      windowRefusal(bookingWindow(session.date, service, tenant), now);
    if (refusal) {
      userErrors.push(userError(refusal.code, `${session.date}: ${refusal.message}`, field));
      continue;
    }
    if (live.some((r) => r.session.id === sessionId) || sessionIds.indexOf(sessionId) !== index) {
      userErrors.push(
        userError(UserErrorCode.ALREADY_BOOKED, `${session.date}: already booked for this child.`, field),
      );
      continue;
    }
    const outcome = await takePlace(ctx, session, child, channel);
    if ('reservationId' in outcome) {
      booked.set(index, outcome.reservationId);
      if (channel === ReservationChannel.COUNTER) {
        audit(ctx, {
          action: 'RESERVATION_CREATED',
          channel,
          familyId: child.family.id,
          subjectId: outcome.reservationId,
          details: { sessionId, date: session.date },
        });
      }
    } else {
      const message =
        outcome.refused === UserErrorCode.FULL ? 'no place left.' : 'already booked for this child.';
      userErrors.push(userError(outcome.refused, `${session.date}: ${message}`, field));
    }
  }
  await ctx.em.flush();
  userErrors.sort((a, b) => Number(a.field![1]) - Number(b.field![1]));
  const reservationIds = [...booked.entries()].sort((a, b) => a[0] - b[0]).map(([, id]) => id);
  return done({ reservationIds }, userErrors);
}

/**
 * In a savepoint: insert the reservation, then take a place if one is left (PostgreSQL decides,
 * row-locked). The place is taken last so that the session row stays locked as briefly as
 * possible; when none is left the savepoint removes the reservation. A concurrent duplicate trips
 * the unique index. A session already seen full is refused without queueing on its lock.
 */
async function takePlace(
  ctx: TenantContext,
  session: Session,
  child: Child,
  channel: ReservationChannel,
): Promise<{ reservationId: string } | { refused: UserErrorCode.FULL | UserErrorCode.ALREADY_BOOKED }> {
  if (session.placesTaken >= session.capacity) return { refused: UserErrorCode.FULL };
  const full = Symbol('full');
  try {
    return await ctx.em.transactional(async (sp) => {
      const id = randomUUID();
      const now = ctx.now();
      await sp.insert(Reservation, {
        id,
        tenantId: ctx.tenant.id,
        session: session.id,
        child: child.id,
        family: child.family.id,
        status: ReservationStatus.BOOKED,
        channel,
        createdBy: ctx.viewer.subject ?? 'anonymous',
        createdAt: now,
        updatedAt: now,
      });
      const taken = await sp.execute<QueryResult>(
        `update sessions set places_taken = places_taken + 1
         where tenant_id = ? and id = ? and places_taken < capacity`,
        [ctx.tenant.id, session.id],
        'run',
        sp.getLoggerContext(),
      );
      // Throwing rolls the savepoint back, and the reservation with it.
      if (taken.affectedRows !== 1) throw full;
      return { reservationId: id };
    });
  } catch (error) {
    if (error === full) return { refused: UserErrorCode.FULL };
    if (error instanceof UniqueConstraintViolationException) return { refused: UserErrorCode.ALREADY_BOOKED };
    throw error;
  }
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
