import { DomainError } from '../shared/errors';
import { requireTenant, type ServiceContext } from '../shared/service-context';
import { unitPriceFor } from '../facilities/facilities.service';
import { PriceBracket } from '../facilities/price-bracket.entity';
import { Family } from '../families/family.entity';
import type { Session } from '../sessions/session.entity';
import { Charge, type ChargeReason } from './charge.entity';
import type { Reservation } from './reservation.entity';

/**
 * Creates (or, while not invoiced, re-prices) the one charge of a reservation, priced from the
 * service's grid for the family's quotient on the session date. The unique (tenant, reservation)
 * key makes a second charge impossible.
 */
export async function chargeReservation(
  ctx: ServiceContext,
  reservation: Reservation,
  session: Session,
  reason: ChargeReason,
): Promise<Charge> {
  const tenant = requireTenant(ctx);
  const [family, brackets] = await Promise.all([
    ctx.em.findOneOrFail(Family, { id: reservation.family.id }),
    ctx.em.find(PriceBracket, { service: session.service.id }),
  ]);
  const unitPrice = unitPriceFor(brackets, family.familyQuotient, session.date);
  if (unitPrice === null) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `The service has no price for ${session.date}: complete its price grid first.`,
    );
  }
  const existing = await ctx.em.findOne(Charge, { reservation: reservation.id });
  const charge =
    existing ??
    ctx.em.create(Charge, {
      tenantId: tenant.id,
      familyId: reservation.family.id,
      childId: reservation.child.id,
      reservation,
      service: session.service,
      date: session.date,
      reason,
      quantity: 1,
      unitPrice,
      amount: unitPrice,
      currency: tenant.currency,
      createdAt: new Date(),
    });
  Object.assign(charge, { reason, unitPrice, amount: unitPrice * charge.quantity });
  return charge;
}
