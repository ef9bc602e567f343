import DataLoader from 'dataloader';
import type { TenantContext } from '../auth/context';
import { byId, groupBy, pagesLoader } from '../shared/loaders';
import { paginateMany, sql, type Condition, type PageArgs } from '../shared/pagination';
import { Charge } from './charge.entity';
import { familyChargePages, type ChargeFilter } from './charges.service';
import { Reservation, ReservationStatus } from './reservation.entity';

export interface ReservationFilter {
  status?: ReservationStatus | null;
  /** Sessions from / up to these dates (inclusive). */
  from?: string | null;
  to?: string | null;
}

/**
 * Per-unit batch loaders of reservations and charges. A parent's view of a session shows their
 * own children's bookings only.
 */
export function createReservationLoaders(ctx: TenantContext) {
  const { em } = ctx;
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
    familyBookingsBySessionId: new DataLoader<string, Reservation[]>(async (sessionIds) => {
      const familyId = ctx.viewer.familyId;
      if (!familyId) return sessionIds.map(() => []);
      const rows = await em.find(Reservation, {
        family: familyId,
        session: { $in: [...sessionIds] },
        status: { $ne: ReservationStatus.CANCELLED },
      });
      return groupBy(sessionIds, rows, (r) => r.session.id);
    }),
    reservationById: new DataLoader<string, Reservation | null>(async (ids) =>
      byId(ids, await em.find(Reservation, { id: { $in: [...ids] } })),
    ),
    chargeByReservationId: new DataLoader<string, Charge | null>(async (reservationIds) => {
      const charges = await em.find(Charge, { reservation: { $in: [...reservationIds] } });
      const map = new Map(charges.map((c) => [c.reservation!.id, c]));
      return reservationIds.map((id) => map.get(id) ?? null);
    }),
    /** Each family's reservations, newest first (one page per family, two statements per level). */
    reservationPagesByFamilyId: pagesLoader<PageArgs & ReservationFilter, Reservation>((familyIds, args) => {
      const where: Condition[] = [];
      if (args.status) where.push(sql('t.status = ?', args.status));
      if (args.from) where.push(sql('s.date >= ?', args.from));
      if (args.to) where.push(sql('s.date <= ?', args.to));
      return paginateMany(
        em,
        {
          entity: Reservation,
          table: 'reservations',
          tenantId: ctx.tenant.id,
          orderBy: ['created_at', 'id'],
          direction: 'desc',
          where,
          joins:
            args.from || args.to
              ? 'join sessions s on s.tenant_id = t.tenant_id and s.id = t.session_id'
              : '',
        },
        'family_id',
        familyIds,
        args,
      );
    }),
    /** Each family's charges, newest first. */
    chargePagesByFamilyId: pagesLoader<PageArgs & ChargeFilter, Charge>((familyIds, args) =>
      familyChargePages(ctx, familyIds, args),
    ),
  };
}

declare module '../graphql/context' {
  interface Loaders extends ReturnType<typeof createReservationLoaders> {}
}
