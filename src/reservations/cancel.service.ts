import type { TenantContext } from '../auth/context';
import { can, Scope } from '../auth/viewer';
import { audit } from '../audit/audit.service';
import { emitEvent, gid } from '../events/emit';
import { effectiveOperatingMode } from '../facilities/facilities.service';
import { Service } from '../facilities/service.entity';
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
import { channelFor, modeRefusal } from './booking-rules';
import { billableReason, ChargeBook } from './pricing';
import { Reservation, ReservationChannel, ReservationStatus } from './reservation.entity';
import { msg } from '../shared/i18n';
import { waitlistPolicy } from '../waitlists/ordering';
import { WAITLIST_BOOKER } from '../waitlists/promote-entry';
import { lockSessions, releasePlace, someoneWaits } from '../waitlists/promotion';
import type { BookingWindow } from '../sessions/booking-window';
import type { Tenant } from '../tenants/tenant.entity';

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
    const refusal = await cancelOne(ctx, input.reservationId, ['reservationId']);
    if (refusal) return { value: null, userErrors: [refusal] };
    await ctx.em.flush();
    return done({ reservationId: input.reservationId });
  },
);

export const MAX_CANCELLATIONS = 100;

/**
 * Cancels many bookings at once (a week of lunches, a holiday's days), each decided on its own as
 * `cancelReservation` decides it: the ones refused come back as user errors naming their index in
 * `reservationIds`, the others are cancelled, all in one transaction. Retry-safe with the key.
 */
export const cancelReservations = idempotentMutation(
  'cancelReservations',
  async (
    ctx: TenantContext,
    input: { reservationIds: string[] },
  ): Promise<Outcome<{ reservationIds: string[] }>> => {
    if (input.reservationIds.length === 0 || input.reservationIds.length > MAX_CANCELLATIONS) {
      return refuse(UserErrorCode.INVALID, msg('cancel.count', { max: MAX_CANCELLATIONS }), [
        'reservationIds',
      ]);
    }
    const userErrors: UserErrorData[] = [];
    const cancelled = new Set<number>();
    // The sessions first, all at once in id order (the canonical order every booking and waitlist
    // change locks them in), then the reservations one by one: two bulk cancellations, or one and
    // a bulk booking, never wait on each other's sessions in opposite orders.
    await ctx.em.execute(
      `select s.id from sessions s where s.tenant_id = ? and s.id in (
         select r.session_id from reservations r where r.tenant_id = ?
           and r.id = any(array(select value::uuid from json_array_elements_text(?::json))))
       order by s.id for no key update`,
      [ctx.tenant.id, ctx.tenant.id, JSON.stringify([...new Set(input.reservationIds)])],
      'all',
      ctx.em.getLoggerContext(),
    );
    const order = input.reservationIds
      .map((id, index) => ({ id, index }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const { id, index } of order) {
      const field = ['reservationIds', String(index)];
      if (input.reservationIds.indexOf(id) !== index) {
        userErrors.push(userError(UserErrorCode.INVALID, msg('cancel.namedTwice'), field));
        continue;
      }
      const refusal = await cancelOne(ctx, id, field);
      if (refusal) userErrors.push(refusal);
      else cancelled.add(index);
    }
    await ctx.em.flush();
    userErrors.sort((a, b) => Number(a.field![1]) - Number(b.field![1]));
    return done(
      { reservationIds: input.reservationIds.filter((_, index) => cancelled.has(index)) },
      userErrors,
    );
  },
);

/** Cancels one reservation (flushed by the caller); the refusal, or null when it is cancelled. */
async function cancelOne(
  ctx: TenantContext,
  reservationId: string,
  field: string[],
): Promise<UserErrorData | null> {
  const tenant = ctx.tenant;
  const now = ctx.now();
  const reservation = await visibleReservation(ctx, reservationId);
  if (!reservation)
    return userError(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Reservation' }), field);
  const session = await ctx.em.findOneOrFail(Session, { id: reservation.session.id });
  const service = await ctx.em.findOneOrFail(Service, { id: session.service.id });
  const refusal = modeRefusal(effectiveOperatingMode(service, tenant), ctx.viewer);
  if (refusal) return { ...refusal, field };
  if (reservation.status !== ReservationStatus.BOOKED) {
    return userError(
      UserErrorCode.NOT_CANCELLABLE,
      msg('cancel.notCancellable', { status: reservation.status }),
      field,
    );
  }
  const free = cancelsFree(reservation, now, bookingWindow(session.date, service, tenant), service, tenant);
  reservation.cancelledAt = now;
  if (free) {
    reservation.status = ReservationStatus.CANCELLED;
    // The place goes back, and to the first waiting entry, in this transaction.
    await releasePlace(ctx, session.id);
  } else {
    reservation.status = ReservationStatus.LATE_CANCELLED;
    const charges = await ChargeBook.load(ctx, session, [reservation]);
    charges.settle(reservation, billableReason(reservation, service));
    // A late cancellation keeps its (paid) place, unless someone waits for it.
    await lockSessions(ctx, [session.id]);
    if (await someoneWaits(ctx, session.id)) {
      reservation.placeReleasedAt = now;
      await releasePlace(ctx, session.id);
    }
  }
  const id = gid('Reservation', reservation.id);
  await emitEvent(ctx, 'reservation.cancelled', id, {
    reservationId: id,
    sessionId: gid('Session', session.id),
    childId: gid('Child', reservation.child.id),
    familyId: gid('Family', reservation.family.id),
    status: reservation.status,
  });
  if (channelFor(ctx.viewer) === ReservationChannel.COUNTER) {
    audit(ctx, {
      action: free ? 'RESERVATION_CANCELLED' : 'RESERVATION_LATE_CANCELLED',
      channel: ReservationChannel.COUNTER,
      familyId: reservation.family.id,
      subjectId: reservation.id,
    });
  }
  return null;
}

/**
 * Whether cancelling now is free: before the notice deadline; and, for a place the waitlist booked
 * by itself (AUTO_BOOK) after that deadline, while the family could still have declined an offer
 * (the offer delay from the booking) — a family never pays for a place it did not choose in time
 * (docs/waitlists.md).
 */
export function cancelsFree(
  reservation: Reservation,
  now: Date,
  window: BookingWindow,
  service: Service,
  tenant: Tenant,
): boolean {
  if (now < window.freeCancellationUntil) return true;
  const autoBooked =
    reservation.channel === ReservationChannel.WAITLIST && reservation.createdBy === WAITLIST_BOOKER;
  if (!autoBooked || reservation.createdAt < window.freeCancellationUntil) return false;
  const grace = waitlistPolicy(service, tenant).offerHours * 3600_000;
  return now.getTime() < reservation.createdAt.getTime() + grace;
}

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
