import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { unitPriceFor } from '../../facilities/facilities.service';
import { quotientsOn } from '../../families/quotients';
import { PriceBracket } from '../../facilities/price-bracket.entity';
import { Service, ServiceKind } from '../../facilities/service.entity';
import { Family } from '../../families/family.entity';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { ChargeReason } from '../../reservations/charge.entity';
import { addDays, todayIn } from '../../shared/dates';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { InvoiceKind } from '../invoices/invoice.entity';
import { BillingRunKind, BillingRunStatus } from '../runs/billing-run.entity';
import { issueInvoices, newRun } from '../runs/issue-invoices';
import { day, msg } from '../../shared/i18n';

/**
 * Water (Saint-Nazaire): meter readings become consumption charges; families pay a fixed monthly
 * direct debit; once a year the regularisation invoices the year's consumption and settles it with
 * the year's debits. A month whose debit was not taken (billing suspended) is not caught up debit
 * by debit: the regularisation simply finds less debited and bills the difference.
 */

async function waterService(ctx: TenantContext): Promise<Service | null> {
  return ctx.em.findOne(Service, { kind: ServiceKind.WATER }, { orderBy: { name: 'asc' } });
}

/** A household's reading never exceeds this many cubic metres (a year is ~50–150 m³). */
export const MAX_CUBIC_METRES_PER_READING = 5000;
/** Readings are dated within the last two years (the regularisation bills one year). */
export const MAX_READING_AGE_DAYS = 730;

/**
 * A meter reading (staff): the cubic metres consumed up to `readingDate`, priced from the water
 * grid, as a consumption charge billed at the annual regularisation. The reading is dated today or
 * in the last two years of the tenant's calendar, never in the future, and holds at most 5000 m³.
 * Retry-safe with the idempotency key.
 */
export const recordWaterConsumption = idempotentMutation(
  'recordWaterConsumption',
  async (
    ctx: TenantContext,
    input: { familyId: string; readingDate: string; cubicMetres: number },
  ): Promise<Outcome<{ chargeId: string }>> => {
    const { tenant } = ctx;
    const today = todayIn(tenant.timeZone, ctx.now());
    const date = input.readingDate;
    if (date > today || date < addDays(today, -MAX_READING_AGE_DAYS)) {
      return refuse(
        UserErrorCode.INVALID,
        msg('water.readingDate', { from: day(addDays(today, -MAX_READING_AGE_DAYS)), today: day(today) }),
        ['readingDate'],
      );
    }
    if (
      !Number.isInteger(input.cubicMetres) ||
      input.cubicMetres < 1 ||
      input.cubicMetres > MAX_CUBIC_METRES_PER_READING
    ) {
      return refuse(UserErrorCode.INVALID, msg('water.cubicMetres', { max: MAX_CUBIC_METRES_PER_READING }), [
        'cubicMetres',
      ]);
    }
    const service = await waterService(ctx);
    const family = await ctx.em.findOne(Family, { id: input.familyId });
    if (!service) return refuse(UserErrorCode.NOT_FOUND, msg('water.noService'), ['familyId']);
    if (!family) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Family' }), ['familyId']);
    const quotients = await quotientsOn(ctx.em, tenant.id, [family.id], date);
    const unitPrice = unitPriceFor(
      await ctx.em.find(PriceBracket, { service: service.id }),
      quotients.get(family.id) ?? null,
      date,
    );
    if (unitPrice === null)
      return refuse(UserErrorCode.INVALID, msg('water.noPrice', { date: day(date) }), ['readingDate'], {
        date,
      });
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
    return done({ chargeId: id });
  },
);

/** Sets (or stops, with 0) a family's monthly water direct debit (staff). Audited. */
export async function setWaterDebit(
  ctx: TenantContext,
  input: { familyId: string; monthlyAmount: number },
): Promise<Outcome<number>> {
  const { tenant } = ctx;
  if (!Number.isInteger(input.monthlyAmount) || input.monthlyAmount < 0 || input.monthlyAmount > 1_000_000) {
    return refuse(UserErrorCode.INVALID, msg('water.monthlyAmount'), ['monthlyAmount']);
  }
  const service = await waterService(ctx);
  const family = await ctx.em.findOne(Family, { id: input.familyId });
  if (!service) return refuse(UserErrorCode.NOT_FOUND, msg('water.noService'), ['familyId']);
  if (!family) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Family' }), ['familyId']);
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
  return done(input.monthlyAmount);
}

/**
 * Takes the month's water debits (tenant admins, or the bank's direct-debit run): one payment per
 * active schedule, at most once per family and month (a unique index), so a retry takes nothing
 * twice. A household with an active SEPA mandate is left out: its month rides in the debit batch
 * of a collection date in that month (createDebitBatch), and is recorded when the bank's return
 * file is imported. While billing is suspended the month is skipped — it is never taken later; the
 * regularisation settles it.
 */
export async function collectWaterDebits(
  ctx: TenantContext,
  input: { period: string },
): Promise<Outcome<{ debits: number; skipped: boolean }>> {
  const { tenant } = ctx;
  if (tenant.config.billingSuspended) {
    audit(ctx, { action: 'WATER_DEBITS_SKIPPED', details: { period: input.period } });
    await ctx.em.flush();
    return done({ debits: 0, skipped: true });
  }
  const rows = await ctx.em.execute<{ id: string }[]>(
    `insert into payments (id, tenant_id, family_id, amount, currency, method, channel, reference, is_deposit,
       received_on, recorded_by, recorded_at, service_id, debit_period)
     select gen_random_uuid(), s.tenant_id, s.family_id, s.monthly_amount, ?, 'DIRECT_DEBIT', 'DIRECT_DEBIT_RUN',
            'prélèvement eau ' || ?, false, ?::date, ?, now(), s.service_id, ?
     from water_debit_schedules s where s.tenant_id = ? and s.active
       -- A household with a mandate pays its water through the debit batches (createDebitBatch).
       and not exists (select 1 from sepa_mandates m where m.tenant_id = s.tenant_id and m.family_id = s.family_id
                       and m.status = 'ACTIVE')
       and not exists (select 1 from sepa_debits d where d.tenant_id = s.tenant_id and d.family_id = s.family_id
                       and d.water_service_id = s.service_id and d.water_period = ?
                       and d.status in ('PENDING', 'COLLECTED'))
     on conflict (tenant_id, family_id, service_id, debit_period) where debit_period is not null do nothing
     returning id`,
    [
      tenant.currency,
      input.period,
      todayIn(tenant.timeZone, ctx.now()),
      ctx.viewer.subject ?? 'system',
      input.period,
      tenant.id,
      input.period,
    ],
    'all',
    ctx.em.getLoggerContext(),
  );
  return done({ debits: rows.length, skipped: false });
}

/**
 * The annual water regularisation (tenant admins): one REGULARISATION invoice per family for the
 * year's consumption, settled first with the year's debits; what remains is due, or — when more
 * was debited than consumed — the surplus becomes credit. Retry-safe with the idempotency key.
 */
export function regulariseWater(
  ctx: TenantContext,
  input: { year: number; idempotencyKey: string },
): Promise<Outcome<{ runId: string }>> {
  const { tenant } = ctx;
  const today = todayIn(tenant.timeZone, ctx.now());
  if (!Number.isInteger(input.year) || input.year < 2000 || `${input.year}-12-31` >= today) {
    return Promise.resolve(refuse(UserErrorCode.INVALID, msg('water.yearNotOver'), ['year']));
  }
  if (tenant.config.billingSuspended) {
    return Promise.resolve(refuse(UserErrorCode.INVALID, msg('billing.suspended'), ['year']));
  }
  return regularise(ctx, input);
}

const regularise = idempotentMutation(
  'regulariseWater',
  async (ctx: TenantContext, input: { year: number }): Promise<Outcome<{ runId: string }>> => {
    const through = `${input.year}-12-31`;
    const run = newRun(ctx, BillingRunKind.WATER_REGULARISATION, null, through, BillingRunStatus.COMPLETED);
    await ctx.em.flush();
    await issueInvoices(ctx, {
      kind: InvoiceKind.REGULARISATION,
      period: null,
      from: `${input.year}-01-01`,
      through,
      run,
    });
    audit(ctx, {
      action: 'WATER_REGULARISED',
      subjectId: run.id,
      details: { year: input.year, invoices: run.invoicesCreated },
    });
    await ctx.em.flush();
    return done({ runId: run.id });
  },
);
