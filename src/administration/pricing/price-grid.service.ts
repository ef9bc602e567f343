import { msg, day } from '../../shared/i18n';
import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { bracketsValidOn } from '../../facilities/facilities.service';
import { PriceBracket } from '../../facilities/price-bracket.entity';
import { Service } from '../../facilities/service.entity';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { addDays, todayIn } from '../../shared/dates';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { gridErrors, type BracketInput } from './price-grid';

export interface SetPriceGridInput {
  serviceId: string;
  validFrom: string;
  brackets: BracketInput[];
}

const facts = (brackets: { minQuotient: number; maxQuotient?: number | null; unitPrice: number }[]) =>
  [...brackets]
    .sort((a, b) => a.minQuotient - b.minQuotient)
    .map((b) => ({ minQuotient: b.minQuotient, maxQuotient: b.maxQuotient ?? null, unitPrice: b.unitPrice }));

/**
 * A service's new price grid from `validFrom` until the next grid that starts later (if any):
 * the grid in force that day ends the day before; a grid starting the same day is replaced.
 * Every quotient must be priced exactly once (`gridErrors`). A date in the past is refused once a
 * charge of the service is dated on or after it: charges keep the price they were created with,
 * and a grid never pretends otherwise. Tenant admins; audited (the grid before → after).
 */
export const setPriceGrid = idempotentMutation(
  'setPriceGrid',
  async (ctx: TenantContext, input: SetPriceGridInput): Promise<Outcome<{ serviceId: string }>> => {
    const errors = gridErrors(input.brackets);
    if (errors.length) return { value: null, userErrors: errors };
    const service = await ctx.em.findOne(Service, { id: input.serviceId });
    if (!service)
      return refuse(UserErrorCode.NOT_FOUND, msg('admin.notFound', { what: 'Service' }), ['serviceId']);
    const today = todayIn(ctx.tenant.timeZone, ctx.now());
    if (input.validFrom < today) {
      const [{ last }] = await ctx.em.execute<{ last: string | null }[]>(
        `select to_char(max(date), 'YYYY-MM-DD') as last from charges where tenant_id = ? and service_id = ? and date >= ?`,
        [ctx.tenant.id, service.id, input.validFrom],
        'all',
        ctx.em.getLoggerContext(),
      );
      if (last) {
        return refuse(UserErrorCode.INVALID, msg('grid.pricedUpTo', { last: day(last), today: day(today) }), [
          'validFrom',
        ]);
      }
    }
    const existing = await ctx.em.find(PriceBracket, { service: service.id });
    const before = bracketsValidOn(existing, input.validFrom);
    const nextStart = existing
      .map((b) => b.validFrom)
      .filter((d) => d > input.validFrom)
      .sort()[0];
    for (const bracket of existing) {
      if (bracket.validFrom === input.validFrom) ctx.em.remove(bracket);
      else if (
        bracket.validFrom < input.validFrom &&
        (!bracket.validTo || bracket.validTo >= input.validFrom)
      ) {
        bracket.validTo = addDays(input.validFrom, -1);
      }
    }
    for (const b of input.brackets) {
      ctx.em.create(PriceBracket, {
        tenantId: ctx.tenant.id,
        service,
        minQuotient: b.minQuotient,
        maxQuotient: b.maxQuotient ?? null,
        unitPrice: b.unitPrice,
        validFrom: input.validFrom,
        validTo: nextStart ? addDays(nextStart, -1) : null,
      });
    }
    audit(ctx, {
      action: 'PRICE_GRID_SET',
      subjectId: service.id,
      details: {
        validFrom: input.validFrom,
        validTo: nextStart ? addDays(nextStart, -1) : null,
        before: before.length ? facts(before) : null,
        after: facts(input.brackets),
      },
    });
    await ctx.em.flush();
    return done({ serviceId: service.id });
  },
);
