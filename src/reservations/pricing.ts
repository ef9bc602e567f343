import type { TenantContext } from '../auth/context';
import { unitPriceFor } from '../facilities/facilities.service';
import { PriceBracket } from '../facilities/price-bracket.entity';
import type { Service } from '../facilities/service.entity';
import { Family } from '../families/family.entity';
import { quotientsOn } from '../families/quotients';
import { BadInputError } from '../shared/errors';
import type { Session } from '../sessions/session.entity';
import { Charge, ChargeReason } from './charge.entity';
import { ReservationChannel, ReservationStatus, type Reservation } from './reservation.entity';
import { day, msg } from '../shared/i18n';

/**
 * Why a reservation in its current outcome is billed, or null when it is not:
 * a meal eaten (or a walk-in), a late cancellation, an unjustified absence where the service bills
 * it, a justified absence whose reason the tenant still bills.
 */
export function billableReason(
  reservation: Pick<Reservation, 'status' | 'channel'>,
  service: Service,
  absenceReason?: { billable: boolean } | null,
): ChargeReason | null {
  switch (reservation.status) {
    case ReservationStatus.ATTENDED:
      return reservation.channel === ReservationChannel.WALK_IN
        ? ChargeReason.WALK_IN
        : ChargeReason.ATTENDED;
    case ReservationStatus.LATE_CANCELLED:
      return ChargeReason.LATE_CANCELLATION;
    case ReservationStatus.ABSENT_UNJUSTIFIED:
      return service.bookingPolicy.billsUnjustifiedAbsence ? ChargeReason.UNJUSTIFIED_ABSENCE : null;
    case ReservationStatus.ABSENT_JUSTIFIED:
      return absenceReason?.billable ? ChargeReason.BILLABLE_ABSENCE : null;
    default:
      return null;
  }
}

/**
 * Each reservation's live charge among `charges` (all of theirs): not a reversal, not reversed,
 * the latest generation — and the generation a new charge of the reservation takes.
 */
export function liveCharges(charges: Charge[]): { live: Map<string, Charge>; next: Map<string, number> } {
  const reversed = new Set(charges.map((c) => c.reversesChargeId).filter(Boolean));
  const live = new Map<string, Charge>();
  const next = new Map<string, number>();
  for (const charge of charges) {
    const reservationId = charge.reservation?.id;
    if (!reservationId) continue;
    next.set(reservationId, Math.max(next.get(reservationId) ?? 0, (charge.generation ?? 0) + 1));
    if (charge.reversesChargeId || reversed.has(charge.id)) continue;
    const current = live.get(reservationId);
    if (!current || current.generation < charge.generation) live.set(reservationId, charge);
  }
  return { live, next };
}

/**
 * The charges of a batch of reservations of one session, with what is needed to price new ones,
 * loaded in three statements whatever the batch size (a roll call of 300 children).
 */
export class ChargeBook {
  private constructor(
    private readonly ctx: TenantContext,
    private readonly session: Session,
    private readonly charges: Map<string, Charge>,
    /** The generation each reservation's next charge takes (after corrections). */
    private readonly generations: Map<string, number>,
    private readonly brackets: PriceBracket[],
    private readonly families: Map<string, Family>,
    /** Each family's quotient valid on the session's date (its history, else the one on file). */
    private readonly quotients: Map<string, number | null>,
  ) {}

  /** `walkInFamilyIds`: families whose children may get a reservation (and a charge) in this batch. */
  static async load(
    ctx: TenantContext,
    session: Session,
    reservations: Reservation[],
    walkInFamilyIds: string[] = [],
  ): Promise<ChargeBook> {
    const ids = reservations.map((r) => r.id);
    const familyIds = [...new Set([...reservations.map((r) => r.family.id), ...walkInFamilyIds])];
    // One after the other: they share the transaction's one connection (pg would queue them, and
    // pg 9 refuses a query sent while another runs).
    const charges = ids.length ? await ctx.em.find(Charge, { reservation: { $in: ids } }) : [];
    const brackets = await ctx.em.find(PriceBracket, { service: session.service.id });
    const families = familyIds.length ? await ctx.em.find(Family, { id: { $in: familyIds } }) : [];
    const quotients = await quotientsOn(ctx.em, ctx.tenant.id, familyIds, session.date);
    const { live, next } = liveCharges(charges);
    return new ChargeBook(
      ctx,
      session,
      live,
      next,
      brackets,
      new Map(families.map((f) => [f.id, f])),
      quotients,
    );
  }

  /** Whether the reservation's charge is on an invoice: its outcome may no longer change. */
  isLocked(reservation: Reservation): boolean {
    return Boolean(this.charges.get(reservation.id)?.invoiceId);
  }

  chargeOf(reservation: Reservation): Charge | null {
    return this.charges.get(reservation.id) ?? null;
  }

  /**
   * Makes the reservation's one charge match its outcome: created (priced from the grid for the
   * family's quotient valid on the session date), given its new reason (keeping the price it was created
   * with), or removed when the outcome is no longer billable. Never touches an invoiced charge.
   */
  settle(reservation: Reservation, reason: ChargeReason | null): Charge | null {
    const existing = this.charges.get(reservation.id);
    if (existing?.invoiceId)
      throw new Error('An invoiced charge cannot change (check isLocked first, or correct).');
    if (!reason) {
      if (existing) {
        this.ctx.em.remove(existing);
        this.charges.delete(reservation.id);
      }
      return null;
    }
    if (existing) {
      existing.reason = reason;
      return existing;
    }
    const tenant = this.ctx.tenant;
    const family = this.families.get(reservation.family.id);
    if (!family) throw new Error('ChargeBook.load was not given this reservation.');
    const quotient = this.quotients.has(family.id) ? this.quotients.get(family.id) : family.familyQuotient;
    const unitPrice = unitPriceFor(this.brackets, quotient, this.session.date);
    if (unitPrice === null) {
      throw new BadInputError(msg('pricing.noPrice', { date: day(this.session.date) }));
    }
    const charge = this.ctx.em.create(Charge, {
      tenantId: tenant.id,
      familyId: reservation.family.id,
      childId: reservation.child.id,
      reservation,
      service: this.session.service,
      date: this.session.date,
      reason,
      quantity: 1,
      unitPrice,
      amount: unitPrice,
      currency: tenant.currency,
      invoiceId: null,
      generation: this.generations.get(reservation.id) ?? 0,
      createdAt: this.ctx.now(),
    });
    this.charges.set(reservation.id, charge);
    this.generations.set(reservation.id, charge.generation + 1);
    return charge;
  }

  /**
   * Corrects an invoiced outcome (its day unlocked by an agent): the invoiced charge stays as it is;
   * a reversing charge (quantity -1, its price) and, when the new outcome is billable, a new charge
   * at the same price are billed by the next run. Nothing when the billed reason is unchanged.
   */
  correct(reservation: Reservation, reason: ChargeReason | null): void {
    const invoiced = this.charges.get(reservation.id);
    if (!invoiced?.invoiceId) {
      this.settle(reservation, reason);
      return;
    }
    if (invoiced.reason === reason) return;
    const base = {
      tenantId: invoiced.tenantId,
      familyId: invoiced.familyId,
      childId: invoiced.childId,
      reservation,
      service: invoiced.service,
      date: invoiced.date,
      unitPrice: invoiced.unitPrice,
      currency: invoiced.currency,
      invoiceId: null,
      createdAt: this.ctx.now(),
    };
    this.ctx.em.create(Charge, {
      ...base,
      reason: invoiced.reason,
      quantity: -1,
      amount: -invoiced.amount,
      reversesChargeId: invoiced.id,
      generation: invoiced.generation,
    });
    this.charges.delete(reservation.id);
    if (!reason) return;
    const generation = this.generations.get(reservation.id) ?? invoiced.generation + 1;
    const charge = this.ctx.em.create(Charge, {
      ...base,
      reason,
      quantity: 1,
      amount: invoiced.unitPrice,
      generation,
    });
    this.charges.set(reservation.id, charge);
    this.generations.set(reservation.id, generation + 1);
  }
}
