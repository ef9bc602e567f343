import { randomUUID } from 'node:crypto';
import { audit } from '../audit/audit.service';
import { isStaff } from '../auth/viewer';
import { unitPriceFor } from '../facilities/facilities.service';
import { PriceBracket } from '../facilities/price-bracket.entity';
import { Service, ServiceKind } from '../facilities/service.entity';
import { Family } from '../families/family.entity';
import { CONFLICT, idempotencyConflict, idempotent } from '../idempotency/idempotency.service';
import { ChargeReason } from '../reservations/charge.entity';
import { parseLocalDate, todayIn } from '../shared/dates';
import { ForbiddenError } from '../shared/errors';
import { requireTenant, type ServiceContext } from '../shared/service-context';
import { userError, UserErrorCode, type UserErrorData } from '../shared/user-errors';
import { BillingRun, BillingRunKind, BillingRunStatus } from './billing-run.entity';
import { assertCanRunBilling, issueInvoices, newRun } from './billing-run.service';
import { InvoiceKind } from './invoice.entity';

/**
 * Water (Saint-Nazaire): meter readings become consumption charges; families pay a fixed monthly
 * direct debit; once a year the regularisation invoices the year's consumption and settles it with
 * the year's debits. A month whose debit was not taken (billing suspended) is not caught up debit
 * by debit: the regularisation simply finds less debited and bills the difference.
 */

async function waterService(ctx: ServiceContext): Promise<Service | null> {
  return ctx.em.findOne(Service, { kind: ServiceKind.WATER }, { orderBy: { name: 'asc' } });
}

type Result<T> = { value: T | null; userErrors: UserErrorData[] };
const refuse = <T>(message: string, field: string[], code = UserErrorCode.INVALID): Result<T> => ({
  value: null,
  userErrors: [userError(code, message, field)],
});

/** A meter reading (agents): the cubic metres consumed up to `readingDate`, priced from the water grid. */
export async function recordWaterConsumption(
  ctx: ServiceContext,
  input: { familyId: string; readingDate: string; cubicMetres: number; idempotencyKey: string },
): Promise<Result<string>> {
  const tenant = requireTenant(ctx);
  if (!isStaff(ctx.viewer)) throw new ForbiddenError('Meter readings are recorded by agents.');
  const result = await idempotent(
    ctx,
    'recordWaterConsumption',
    input.idempotencyKey,
    { ...input, idempotencyKey: undefined },
    async () => {
      const date = parseLocalDate(input.readingDate, 'readingDate');
      if (!Number.isInteger(input.cubicMetres) || input.cubicMetres < 1 || input.cubicMetres > 100_000) {
        return refuse<string>('Give whole cubic metres, 1 to 100000.', ['cubicMetres']);
      }
      const [service, family] = await Promise.all([
        waterService(ctx),
        ctx.em.findOne(Family, { id: input.familyId }),
      ]);
      if (!service)
        return refuse<string>('This tenant has no water service.', ['familyId'], UserErrorCode.NOT_FOUND);
      if (!family) return refuse<string>('Family not found.', ['familyId'], UserErrorCode.NOT_FOUND);
      const unitPrice = unitPriceFor(
        await ctx.em.find(PriceBracket, { service: service.id }),
        family.familyQuotient,
        date,
      );
      if (unitPrice === null)
        return refuse<string>(`The water grid has no price for ${date}.`, ['readingDate']);
      const id = randomUUID();
      await ctx.em.execute(
        `insert into charges (id, tenant_id, family_id, child_id, reservation_id, service_id, date, reason, quantity,
           unit_price, amount, currency, created_at)
         values (?, ?, ?, null, null, ?, ?, ?, ?, ?, ?, ?, now())`,
        [
          id,
          tenant.id,
          family.id,
          service.id,
          date,
          ChargeReason.CONSUMPTION,
          input.cubicMetres,
          unitPrice,
          unitPrice * input.cubicMetres,
          tenant.currency,
        ],
        'run',
        ctx.em.getLoggerContext(),
      );
      return { value: id, userErrors: [] as UserErrorData[] };
    },
  );
  if (result === CONFLICT) return { value: null, userErrors: [idempotencyConflict()] };
  return result;
}

/** Sets (or stops, with 0) a family's monthly water direct debit (agents). Audited. */
export async function setWaterDebit(
  ctx: ServiceContext,
  input: { familyId: string; monthlyAmount: number },
): Promise<Result<number>> {
  const tenant = requireTenant(ctx);
  if (!isStaff(ctx.viewer)) throw new ForbiddenError('Direct-debit schedules are set by agents.');
  if (!Number.isInteger(input.monthlyAmount) || input.monthlyAmount < 0 || input.monthlyAmount > 1_000_000) {
    return refuse<number>('A monthly amount is 0 (stop) or a positive number of cents.', ['monthlyAmount']);
  }
  const [service, family] = await Promise.all([
    waterService(ctx),
    ctx.em.findOne(Family, { id: input.familyId }),
  ]);
  if (!service)
    return refuse<number>('This tenant has no water service.', ['familyId'], UserErrorCode.NOT_FOUND);
  if (!family) return refuse<number>('Family not found.', ['familyId'], UserErrorCode.NOT_FOUND);
  // 0 stops the debit (the schedule keeps its last amount, inactive); any other amount (re)starts it.
  await ctx.em.execute(
    input.monthlyAmount === 0
      ? `update water_debit_schedules set active = false where tenant_id = ? and family_id = ? and service_id = ?`
      : `insert into water_debit_schedules (id, tenant_id, family_id, service_id, monthly_amount, active)
         values (?, ?, ?, ?, ?, true)
         on conflict (tenant_id, family_id, service_id)
         do update set monthly_amount = excluded.monthly_amount, active = true`,
    input.monthlyAmount === 0
      ? [tenant.id, family.id, service.id]
      : [randomUUID(), tenant.id, family.id, service.id, input.monthlyAmount],
    'run',
    ctx.em.getLoggerContext(),
  );
  audit(ctx, {
    action: 'WATER_DEBIT_SET',
    familyId: family.id,
    details: { monthlyAmount: input.monthlyAmount },
  });
  await ctx.em.flush();
  return { value: input.monthlyAmount, userErrors: [] };
}

/**
 * Takes the month's water debits (admins, or the bank's direct-debit run): one payment per active
 * schedule, at most once per family and month (a unique index). While billing is suspended the
 * month is skipped — it is never taken later; the regularisation settles it.
 */
export async function collectWaterDebits(
  ctx: ServiceContext,
  input: { period: string },
): Promise<Result<{ debits: number; skipped: boolean }>> {
  const tenant = requireTenant(ctx);
  assertCanRunBilling(ctx);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(input.period)) return refuse('A period is YYYY-MM.', ['period']);
  if (tenant.config.billingSuspended) {
    audit(ctx, { action: 'WATER_DEBITS_SKIPPED', details: { period: input.period } });
    await ctx.em.flush();
    return { value: { debits: 0, skipped: true }, userErrors: [] };
  }
  const rows = await ctx.em.execute<{ id: string }[]>(
    `insert into payments (id, tenant_id, family_id, amount, currency, method, channel, reference, is_deposit,
       received_on, recorded_by, recorded_at, service_id, debit_period)
     select gen_random_uuid(), s.tenant_id, s.family_id, s.monthly_amount, ?, 'DIRECT_DEBIT', 'DIRECT_DEBIT_RUN',
            'prélèvement eau ' || ?, false, ?::date, ?, now(), s.service_id, ?
     from water_debit_schedules s where s.tenant_id = ? and s.active
     on conflict (tenant_id, family_id, service_id, debit_period) where debit_period is not null do nothing
     returning id`,
    [
      tenant.currency,
      input.period,
      todayIn(tenant.timeZone, ctx.now()),
      ctx.viewer.subject ?? 'system',
      input.period,
      tenant.id,
    ],
    'all',
    ctx.em.getLoggerContext(),
  );
  return { value: { debits: rows.length, skipped: false }, userErrors: [] };
}

/**
 * The annual water regularisation (admins): one REGULARISATION invoice per family for the year's
 * consumption, settled first with the year's debits; what remains is due, or — when more was
 * debited than consumed — the surplus becomes credit.
 */
export async function regulariseWater(
  ctx: ServiceContext,
  input: { year: number; idempotencyKey: string },
): Promise<{ run: BillingRun | null; userErrors: UserErrorData[] }> {
  const tenant = requireTenant(ctx);
  assertCanRunBilling(ctx);
  const today = todayIn(tenant.timeZone, ctx.now());
  if (!Number.isInteger(input.year) || `${input.year}-12-31` >= today) {
    return {
      run: null,
      userErrors: [userError(UserErrorCode.INVALID, 'Regularise a year that is over.', ['year'])],
    };
  }
  if (tenant.config.billingSuspended) {
    return { run: null, userErrors: [userError(UserErrorCode.INVALID, 'Billing is suspended.', ['year'])] };
  }
  const result = await idempotent(ctx, 'regulariseWater', input.idempotencyKey, input.year, async () => {
    const run = newRun(
      ctx,
      BillingRunKind.WATER_REGULARISATION,
      null,
      `${input.year}-12-31`,
      BillingRunStatus.COMPLETED,
    );
    await ctx.em.flush();
    await issueInvoices(ctx, {
      kind: InvoiceKind.REGULARISATION,
      period: null,
      from: `${input.year}-01-01`,
      through: `${input.year}-12-31`,
      run,
    });
    audit(ctx, {
      action: 'WATER_REGULARISED',
      subjectId: run.id,
      details: { year: input.year, invoices: run.invoicesCreated },
    });
    await ctx.em.flush();
    return run.id;
  });
  if (result === CONFLICT) return { run: null, userErrors: [idempotencyConflict()] };
  return { run: await ctx.em.findOneOrFail(BillingRun, { id: result }), userErrors: [] };
}
