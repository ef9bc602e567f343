import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { unitPriceFor } from '../../facilities/facilities.service';
import { PriceBracket } from '../../facilities/price-bracket.entity';
import { quotientsOn } from '../../families/quotients';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { amount, msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';

/**
 * How an invoiced charge is billed today: on its invoice at its own price, or — once a correction
 * of it was issued — on that correction's replacement invoice at the corrected price (null: the
 * correction cancelled it).
 */
export interface BilledCharge {
  id: string;
  family_id: string;
  service_id: string;
  date: string;
  reason: string;
  quantity: number;
  /** The invoice billing it now (the original, or the latest replacement). */
  billed_invoice_id: string;
  /** The price it is billed at now; null when an issued correction cancelled it. */
  billed_unit_price: number | null;
}

/** The invoiced charges matching `where` (on `c`), as billed today: one statement. */
export async function billedCharges(
  ctx: TenantContext,
  where: string,
  params: unknown[],
  lock = false,
): Promise<BilledCharge[]> {
  return ctx.em.execute<BilledCharge[]>(
    `select c.id, c.family_id, c.service_id, to_char(c.date, 'YYYY-MM-DD') as date, c.reason, c.quantity,
            coalesce(last.replacement_id, c.invoice_id) as billed_invoice_id,
            case when last.id is null then c.unit_price else last.new_unit_price end as billed_unit_price
     from charges c
     left join lateral (select k.id, k.replacement_id, k.new_unit_price from charge_corrections k
                        where k.tenant_id = c.tenant_id and k.charge_id = c.id and k.billing_run_id is not null
                        order by k.requested_at desc limit 1) last on true
     where c.tenant_id = ? and c.invoice_id is not null and ${where}
     order by c.date, c.id
     ${lock ? 'for update of c' : ''}`,
    [ctx.tenant.id, ...params],
    'all',
    ctx.em.getLoggerContext(),
  );
}

/** Records (or replaces) the pending correction of one billed charge. */
async function upsertCorrection(
  ctx: TenantContext,
  charge: BilledCharge,
  newUnitPrice: number | null,
  reason: string,
): Promise<void> {
  await ctx.em.execute(
    `insert into charge_corrections (id, tenant_id, family_id, charge_id, billed_invoice_id, old_unit_price,
       new_unit_price, quantity, reason, requested_by, requested_at)
     values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (tenant_id, charge_id) where billing_run_id is null
     do update set billed_invoice_id = excluded.billed_invoice_id, old_unit_price = excluded.old_unit_price,
       new_unit_price = excluded.new_unit_price, quantity = excluded.quantity, reason = excluded.reason,
       requested_by = excluded.requested_by, requested_at = excluded.requested_at`,
    [
      ctx.tenant.id,
      charge.family_id,
      charge.id,
      charge.billed_invoice_id,
      charge.billed_unit_price,
      newUnitPrice,
      charge.quantity,
      reason,
      ctx.viewer.subject ?? 'unknown',
      ctx.now(),
    ],
    'run',
    ctx.em.getLoggerContext(),
  );
}

export interface CorrectChargeInput {
  chargeId: string;
  /** The corrected unit price, minor units… */
  unitPrice?: number | null;
  /** …or true: the charge should not have been billed (a billed day unlocked). */
  cancel?: boolean | null;
  reason: string;
}

/**
 * Records the correction of an invoiced charge (staff): repriced, or cancelled (a day billed that
 * should not have been: an absence justified late, a walk-in recorded on the wrong child). The
 * charge and its invoice never change: the correction waits, pending, for a corrective run to
 * issue its credit note and replacement invoice. A second correction of the same charge before
 * the run replaces the first. Audited.
 */
export const correctBilledCharge = idempotentMutation(
  'correctBilledCharge',
  async (ctx: TenantContext, input: CorrectChargeInput): Promise<Outcome<{ chargeId: string }>> => {
    const reason = input.reason.trim();
    if (!reason) return refuse(UserErrorCode.INVALID, msg('correction.reasonRequired'), ['reason']);
    const hasPrice = input.unitPrice !== null && input.unitPrice !== undefined;
    if (hasPrice === Boolean(input.cancel)) {
      return refuse(UserErrorCode.INVALID, msg('correction.priceOrCancel'), ['unitPrice']);
    }
    if (hasPrice && (!Number.isInteger(input.unitPrice) || input.unitPrice! < 0)) {
      return refuse(UserErrorCode.INVALID, msg('amount.positive'), ['unitPrice']);
    }
    const [exists] = await ctx.em.execute<{ invoiced: boolean; family_id: string }[]>(
      `select invoice_id is not null as invoiced, family_id from charges where tenant_id = ? and id = ?`,
      [ctx.tenant.id, input.chargeId],
      'all',
      ctx.em.getLoggerContext(),
    );
    if (!exists) return refuse(UserErrorCode.NOT_FOUND, msg('correction.chargeNotFound'), ['chargeId']);
    if (!exists.invoiced) return refuse(UserErrorCode.INVALID, msg('correction.notInvoiced'), ['chargeId']);
    // The charge's row is locked: two agents correcting it at once are serialised.
    const [charge] = await billedCharges(ctx, 'c.id = ?', [input.chargeId], true);
    if (charge.billed_unit_price === null) {
      return refuse(UserErrorCode.INVALID, msg('correction.cancelled'), ['chargeId']);
    }
    const newPrice = hasPrice ? input.unitPrice! : null;
    if (newPrice === charge.billed_unit_price) {
      return refuse(
        UserErrorCode.INVALID,
        msg('correction.noChange', { price: amount(newPrice, ctx.tenant.currency) }),
        ['unitPrice'],
      );
    }
    await upsertCorrection(ctx, charge, newPrice, reason);
    audit(ctx, {
      action: 'CHARGE_CORRECTION_RECORDED',
      familyId: charge.family_id,
      subjectId: charge.id,
      details: { date: charge.date, before: charge.billed_unit_price, after: newPrice, reason },
    });
    await ctx.em.flush();
    return done({ chargeId: charge.id });
  },
);

/**
 * After a family's quotient was corrected (setFamilyQuotient with an earlier effective date):
 * every invoiced charge of its reservations dated in [from, through] is priced again from its
 * service's grid for the quotient valid on its date now, and a pending correction is recorded
 * for each whose price differs (staff; audited). Charges already cancelled are left alone.
 * Returns how many corrections were recorded.
 */
export const correctBilledPrices = idempotentMutation(
  'correctBilledPrices',
  async (
    ctx: TenantContext,
    input: { familyId: string; from: string; through: string; reason: string },
  ): Promise<Outcome<{ familyId: string; corrections: number }>> => {
    const reason = input.reason.trim();
    if (!reason) return refuse(UserErrorCode.INVALID, msg('correction.reasonRequired'), ['reason']);
    if (input.through < input.from) {
      return refuse(UserErrorCode.INVALID, msg('input.toBeforeFrom', { from: 'from', to: 'through' }), [
        'through',
      ]);
    }
    const charges = await billedCharges(
      ctx,
      `c.family_id = ? and c.date between ?::date and ?::date and c.reservation_id is not null`,
      [input.familyId, input.from, input.through],
      true,
    );
    const serviceIds = [...new Set(charges.map((c) => c.service_id))];
    const brackets = serviceIds.length
      ? await ctx.em.find(PriceBracket, { service: { $in: serviceIds } })
      : [];
    const quotients = new Map<string, number | null | undefined>();
    for (const date of new Set(charges.map((c) => c.date))) {
      quotients.set(
        date,
        (await quotientsOn(ctx.em, ctx.tenant.id, [input.familyId], date)).get(input.familyId),
      );
    }
    let recorded = 0;
    for (const charge of charges) {
      if (charge.billed_unit_price === null) continue;
      const grid = brackets.filter((b) => b.service.id === charge.service_id);
      const price = unitPriceFor(grid, quotients.get(charge.date), charge.date);
      if (price === null || price === charge.billed_unit_price) continue;
      await upsertCorrection(ctx, charge, price, reason);
      recorded++;
    }
    audit(ctx, {
      action: 'CHARGE_PRICES_CORRECTED',
      familyId: input.familyId,
      subjectId: input.familyId,
      details: { from: input.from, through: input.through, corrections: recorded, reason },
    });
    await ctx.em.flush();
    return done({ familyId: input.familyId, corrections: recorded });
  },
);
