import { UniqueConstraintViolationException, type FilterQuery, type QueryResult } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { can, isStaff, Scope } from '../auth/viewer';
import { audit } from '../audit/audit.service';
import { effectiveOperatingMode } from '../facilities/facilities.service';
import { Service } from '../facilities/service.entity';
import { Child } from '../families/child.entity';
import { CONFLICT, idempotencyConflict, idempotent } from '../idempotency/idempotency.service';
import { bookingWindow } from '../sessions/booking-window';
import { Session } from '../sessions/session.entity';
import { parseLocalDate } from '../shared/dates';
import { BadInputError, ForbiddenError } from '../shared/errors';
import { paginate, type Page, type PageArgs } from '../shared/pagination';
import { requireTenant, type ServiceContext } from '../shared/service-context';
import { userError, UserErrorCode, type UserErrorData } from '../shared/user-errors';
import { channelFor, modeRefusal, windowRefusal } from './booking-rules';
import { Charge } from './charge.entity';
import { billableReason, ChargeBook } from './pricing';
import { Reservation, ReservationChannel, ReservationStatus } from './reservation.entity';

export const MAX_SESSIONS_PER_RESERVE = 100;

export interface ReserveResult {
  reservations: Reservation[];
  userErrors: UserErrorData[];
}

/** What is stored under an idempotency key, and replayed. */
interface StoredReserve {
  reservationIds: string[];
  userErrors: UserErrorData[];
}

function assertCanBook(ctx: ServiceContext): void {
  if (!isStaff(ctx.viewer) && !ctx.viewer.familyId && !can(ctx.viewer, Scope.RESERVATIONS_WRITE)) {
    throw new ForbiddenError('This caller may not book.');
  }
}

/** A child the viewer may book for: any child of the tenant for staff and keys, their own for parents. */
async function bookableChild(ctx: ServiceContext, childId: string): Promise<Child | null> {
  const child = await ctx.em.findOne(Child, { id: childId });
  if (!child) return null;
  if (ctx.viewer.familyId && child.family.id !== ctx.viewer.familyId) return null;
  return child;
}

/**
 * Books one child on one or many sessions. Each session is decided on its own (in a savepoint):
 * the ones refused come back as user errors naming the session, the others are booked.
 * Capacity is taken by a conditional UPDATE in PostgreSQL, so no race can overbook.
 */
export async function reserve(
  ctx: ServiceContext,
  input: { childId: string; sessionIds: string[]; idempotencyKey: string },
): Promise<ReserveResult> {
  requireTenant(ctx);
  assertCanBook(ctx);
  if (input.sessionIds.length === 0 || input.sessionIds.length > MAX_SESSIONS_PER_RESERVE) {
    throw new BadInputError(`Give 1 to ${MAX_SESSIONS_PER_RESERVE} sessions.`, ['sessionIds']);
  }
  const stored = await idempotent<StoredReserve>(
    ctx,
    'reserve',
    input.idempotencyKey,
    { childId: input.childId, sessionIds: input.sessionIds },
    () => bookSessions(ctx, input.childId, input.sessionIds, ctx.now()),
  );
  if (stored === CONFLICT) return { reservations: [], userErrors: [idempotencyConflict()] };
  const reservations = stored.reservationIds.length
    ? await ctx.em.find(Reservation, { id: { $in: stored.reservationIds } })
    : [];
  // Places taken changed under the ORM's feet: show the sessions as PostgreSQL has them now.
  const sessionIds = reservations.map((r) => r.session.id);
  if (sessionIds.length) await ctx.em.find(Session, { id: { $in: sessionIds } }, { refresh: true });
  const order = new Map(stored.reservationIds.map((id, i) => [id, i]));
  reservations.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return { reservations, userErrors: stored.userErrors };
}

async function bookSessions(
  ctx: ServiceContext,
  childId: string,
  sessionIds: string[],
  now: Date,
): Promise<StoredReserve> {
  const tenant = requireTenant(ctx);
  const child = await bookableChild(ctx, childId);
  if (!child)
    return {
      reservationIds: [],
      userErrors: [userError(UserErrorCode.NOT_FOUND, 'Child not found.', ['childId'])],
    };

  const sessions = await ctx.em.find(Session, { id: { $in: sessionIds } });
  const services = await ctx.em.find(Service, {
    id: { $in: [...new Set(sessions.map((s) => s.service.id))] },
  });
  const live = await ctx.em.find(Reservation, {
    child: child.id,
    session: { $in: sessionIds },
    status: { $ne: ReservationStatus.CANCELLED },
  });
  const channel = channelFor(ctx.viewer);
  const reservationIds: string[] = [];
  const userErrors: UserErrorData[] = [];

  for (const [index, sessionId] of sessionIds.entries()) {
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
      reservationIds.push(outcome.reservationId);
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
  return { reservationIds, userErrors };
}

/**
 * In a savepoint: insert the reservation, then take a place if one is left (PostgreSQL decides,
 * row-locked). The place is taken last so that the session row stays locked as briefly as
 * possible; when none is left the savepoint removes the reservation. A concurrent duplicate trips
 * the unique index. A session already seen full is refused without queueing on its lock.
 */
async function takePlace(
  ctx: ServiceContext,
  session: Session,
  child: Child,
  channel: ReservationChannel,
): Promise<{ reservationId: string } | { refused: UserErrorCode.FULL | UserErrorCode.ALREADY_BOOKED }> {
  const tenant = requireTenant(ctx);
  if (session.placesTaken >= session.capacity) return { refused: UserErrorCode.FULL };
  const full = Symbol('full');
  try {
    return await ctx.em.transactional(async (sp) => {
      const id = randomUUID();
      await sp.insert(Reservation, {
        id,
        tenantId: tenant.id,
        session: session.id,
        child: child.id,
        family: child.family.id,
        status: ReservationStatus.BOOKED,
        channel,
        createdBy: ctx.viewer.subject ?? 'anonymous',
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      const taken = await sp.execute<QueryResult>(
        `update sessions set places_taken = places_taken + 1
         where tenant_id = ? and id = ? and places_taken < capacity`,
        [tenant.id, session.id],
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

export interface CancelResult {
  reservation: Reservation | null;
  userErrors: UserErrorData[];
}

/**
 * Cancels a booking: free (CANCELLED, place released at once) until the notice deadline; after
 * it, LATE_CANCELLED with a charge (the place stays paid for).
 */
export async function cancelReservation(
  ctx: ServiceContext,
  input: { reservationId: string; idempotencyKey: string },
): Promise<CancelResult> {
  const tenant = requireTenant(ctx);
  const now = ctx.now();
  assertCanBook(ctx);
  const stored = await idempotent<{ reservationId: string | null; userErrors: UserErrorData[] }>(
    ctx,
    'cancelReservation',
    input.idempotencyKey,
    input.reservationId,
    async () => {
      const reservation = await visibleReservation(ctx, input.reservationId);
      const field = ['reservationId'];
      if (!reservation)
        return {
          reservationId: null,
          userErrors: [userError(UserErrorCode.NOT_FOUND, 'Reservation not found.', field)],
        };
      const session = await ctx.em.findOneOrFail(Session, { id: reservation.session.id });
      const service = await ctx.em.findOneOrFail(Service, { id: session.service.id });
      const refusal = modeRefusal(effectiveOperatingMode(service, tenant), ctx.viewer);
      if (refusal)
        return {
          reservationId: reservation.id,
          userErrors: [userError(refusal.code, refusal.message, field)],
        };
      if (reservation.status !== ReservationStatus.BOOKED) {
        return {
          reservationId: reservation.id,
          userErrors: [
            userError(
              UserErrorCode.NOT_CANCELLABLE,
              `A ${reservation.status} reservation cannot be cancelled.`,
              field,
            ),
          ],
        };
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
      return { reservationId: reservation.id, userErrors: [] };
    },
  );
  if (stored === CONFLICT) return { reservation: null, userErrors: [idempotencyConflict()] };
  const reservation = stored.reservationId
    ? await ctx.em.findOne(Reservation, { id: stored.reservationId }, { refresh: true })
    : null;
  if (reservation) await ctx.em.find(Session, { id: reservation.session.id }, { refresh: true });
  return { reservation, userErrors: stored.userErrors };
}

/** A reservation of the tenant the viewer may see: their own family's for parents. */
export async function visibleReservation(
  ctx: ServiceContext,
  reservationId: string,
): Promise<Reservation | null> {
  requireTenant(ctx);
  const reservation = await ctx.em.findOne(Reservation, { id: reservationId });
  if (!reservation) return null;
  if (ctx.viewer.familyId) return reservation.family.id === ctx.viewer.familyId ? reservation : null;
  return isStaff(ctx.viewer) || can(ctx.viewer, Scope.FAMILIES_READ) ? reservation : null;
}

/** A family's reservations, newest first, optionally for sessions between two dates. */
export function familyReservations(
  ctx: ServiceContext,
  familyId: string,
  args: PageArgs & { status?: ReservationStatus | null; from?: string | null; to?: string | null },
): Promise<Page<Reservation>> {
  requireTenant(ctx);
  const where: FilterQuery<Reservation> = { family: familyId };
  if (args.status) where.status = args.status;
  const date: Record<string, string> = {};
  if (args.from) date.$gte = parseLocalDate(args.from, 'from');
  if (args.to) date.$lte = parseLocalDate(args.to, 'to');
  if (Object.keys(date).length) where.session = { date };
  return paginate(ctx.em, Reservation, where, { createdAt: 'desc', id: 'desc' }, args);
}

/** The roll of a session is for agents and attendance keys (it names every child booked). */
export function assertCanSeeRoll(ctx: ServiceContext): void {
  requireTenant(ctx);
  if (!can(ctx.viewer, Scope.ATTENDANCE_WRITE) && !can(ctx.viewer, Scope.FAMILIES_READ)) {
    throw new ForbiddenError("Only agents see a session's roll.");
  }
}

/** A charge the viewer may see: their own family's for parents; any for agents and families:read keys. */
export async function visibleCharge(ctx: ServiceContext, chargeId: string): Promise<Charge | null> {
  requireTenant(ctx);
  const charge = await ctx.em.findOne(Charge, { id: chargeId });
  if (!charge) return null;
  if (ctx.viewer.familyId) return charge.familyId === ctx.viewer.familyId ? charge : null;
  return can(ctx.viewer, Scope.FAMILIES_READ) ? charge : null;
}
