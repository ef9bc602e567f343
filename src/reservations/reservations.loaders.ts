import DataLoader from 'dataloader';
import { writtenOrRead } from '../shared/written-rows';
import type { TenantContext } from '../auth/context';
import { lightFind } from '../shared/light-entities';
import { byId, groupBy, pagesLoader } from '../shared/loaders';
import { paginateMany, sql, type Condition, type PageArgs } from '../shared/pagination';
import { Child } from '../families/child.entity';
import { visibleChild } from '../families/families.service';
import { NotFoundError } from '../shared/errors';
import { loadBookingFacts } from './booking-facts';
import type { BookingFacts } from './booking-status';
import { Charge } from './charge.entity';
import { liveCharges } from './pricing';
import { familyChargePages, type ChargeFilter } from './charges.service';
import { Reservation, ReservationStatus } from './reservation.entity';

export interface ReservationFilter {
  status?: ReservationStatus | null;
  /** Sessions from / up to these dates (inclusive). */
  from?: string | null;
  to?: string | null;
  childId?: string | null;
}

/**
 * Per-unit batch loaders of reservations and charges. A parent's view of a session shows their
 * own children's bookings only.
 */
export function createReservationLoaders(ctx: TenantContext) {
  const { em } = ctx;
  /** Reservations by family or child, newest first (one page per parent, two statements per level). */
  function reservationPages(column: 'family_id' | 'child_id') {
    return pagesLoader<PageArgs & ReservationFilter, Reservation>((parentIds, args) => {
      const where: Condition[] = [];
      if (args.status) where.push(sql('t.status = ?', args.status));
      if (args.childId) where.push(sql('t.child_id = ?', args.childId));
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
        column,
        parentIds,
        args,
      );
    });
  }
  return {
    /** The roll of each session: every reservation that is not (freely) cancelled. */
    rollBySessionId: new DataLoader<string, Reservation[]>(async (sessionIds) =>
      groupBy(
        sessionIds,
        await lightFind<Reservation>(em, Reservation, {
          tenantId: ctx.tenant.id,
          column: 'session_id',
          values: sessionIds,
          where: `t.status <> 'CANCELLED'`,
          orderBy: 't.created_at, t.id',
        }),
        (r) => r.session.id,
      ),
    ),
    /** The viewer family's live reservations on each session (empty for other viewers). */
    familyBookingsBySessionId: new DataLoader<string, Reservation[]>(async (sessionIds) => {
      const familyId = ctx.viewer.familyId;
      if (!familyId) return sessionIds.map(() => []);
      const rows = await lightFind<Reservation>(em, Reservation, {
        tenantId: ctx.tenant.id,
        column: 'session_id',
        values: sessionIds,
        where: `t.status <> 'CANCELLED' and t.family_id = ?`,
        params: [familyId],
      });
      return groupBy(sessionIds, rows, (r) => r.session.id);
    }),
    /** Reservations by id; those the unit's write just inserted come from `ctx.written`. */
    reservationById: new DataLoader<string, Reservation | null>((ids) =>
      writtenOrRead(ctx.written, Reservation, ids, async (missing) =>
        byId(
          missing,
          await lightFind<Reservation>(em, Reservation, {
            tenantId: ctx.tenant.id,
            column: 'id',
            values: missing,
          }),
        ),
      ),
    ),
    chargeByReservationId: new DataLoader<string, Charge | null>(async (reservationIds) => {
      const charges = await lightFind<Charge>(em, Charge, {
        tenantId: ctx.tenant.id,
        column: 'reservation_id',
        values: reservationIds,
      });
      // The live one: a corrected reservation also has its invoiced charge and the reversal.
      const { live } = liveCharges(charges);
      return reservationIds.map((id) => live.get(id) ?? null);
    }),
    /** Each family's reservations, newest first (one page per family, two statements per level). */
    reservationPagesByFamilyId: reservationPages('family_id'),
    /** Each child's reservations whichever household booked them (staff; shared custody). */
    reservationPagesByChildId: reservationPages('child_id'),
    /** Booking facts per `childId|sessionId`, one batch of queries per child (see loadBookingFacts). */
    bookingFacts: new DataLoader<string, BookingFacts>(async (keys) => {
      const byChild = new Map<string, string[]>();
      for (const key of keys) {
        const [childId, sessionId] = key.split('|');
        byChild.set(childId, [...(byChild.get(childId) ?? []), sessionId]);
      }
      const found = new Map<string, BookingFacts | Error>();
      for (const [childId, sessionIds] of byChild) {
        try {
          const child = await visibleChild(ctx, childId);
          const facts = await loadBookingFacts(ctx, child, sessionIds);
          for (const sessionId of sessionIds) {
            found.set(`${childId}|${sessionId}`, facts.get(sessionId) ?? new NotFoundError('Session'));
          }
        } catch (error) {
          for (const sessionId of sessionIds) found.set(`${childId}|${sessionId}`, error as Error);
        }
      }
      return keys.map((key) => found.get(key)!);
    }),
    /** The viewer's child when their family has exactly one (a parent need not name it). */
    onlyChildOfViewer: new DataLoader<string, string | null>(async (keys) => {
      const familyId = ctx.viewer.familyId;
      const children = familyId
        ? await em.find(Child, { family: familyId }, { fields: ['id'], limit: 2 })
        : [];
      return keys.map(() => (children.length === 1 ? children[0].id : null));
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
