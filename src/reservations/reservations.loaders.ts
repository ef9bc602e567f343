import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { AbsenceReason } from '../attendance/absence-reason.entity';
import { byId, groupBy } from '../shared/loaders';
import { Charge } from './charge.entity';
import { Reservation, ReservationStatus } from './reservation.entity';

/**
 * Per-request batch loaders of reservations and their charges. `familyId` is the viewer's family
 * for parents: their view of a session shows their own children's bookings only.
 */
export function createReservationLoaders(em: EntityManager, familyId: string | null) {
  return {
    /** The roll of each session: every reservation that is not (freely) cancelled. */
    rollBySessionId: new DataLoader<string, Reservation[]>(async (sessionIds) =>
      groupBy(
        sessionIds,
        await em.find(
          Reservation,
          { session: { $in: [...sessionIds] }, status: { $ne: ReservationStatus.CANCELLED } },
          { orderBy: { createdAt: 'asc', id: 'asc' } },
        ),
        (r) => r.session.id,
      ),
    ),
    /** The viewer family's live reservations on each session (empty for other viewers). */
    familyBookingsBySessionId: new DataLoader<string, Reservation[]>(async (sessionIds) =>
      familyId
        ? groupBy(
            sessionIds,
            await em.find(Reservation, {
              family: familyId,
              session: { $in: [...sessionIds] },
              status: { $ne: ReservationStatus.CANCELLED },
            }),
            (r) => r.session.id,
          )
        : sessionIds.map(() => []),
    ),
    reservationById: new DataLoader<string, Reservation | null>(async (ids) =>
      byId(ids, await em.find(Reservation, { id: { $in: [...ids] } })),
    ),
    chargeByReservationId: new DataLoader<string, Charge | null>(async (reservationIds) => {
      const charges = await em.find(Charge, { reservation: { $in: [...reservationIds] } });
      const map = new Map(charges.map((c) => [c.reservation!.id, c]));
      return reservationIds.map((id) => map.get(id) ?? null);
    }),
    absenceReasonById: new DataLoader<string, AbsenceReason | null>(async (ids) =>
      byId(ids, await em.find(AbsenceReason, { id: { $in: [...ids] } })),
    ),
  };
}
