import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { Family } from '../../families/family.entity';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { todayIn } from '../../shared/dates';
import { amount, day, msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { PaymentMethod } from '../../tenants/tenant.entity';
import { creditSources, lockAccount } from '../ledger';
import { takeNumbers } from '../numbering';
import { DepositSlip, DepositSlipStatus, Refund, RefundMethod } from './bank.entity';
import { CashOffice } from './cash-desk.entity';
import { counterOffice } from './cash-desk.service';

/** An office's own gapless series: deposit slips (BR) and refunds (RB), one counter row each. */
const slipSeries = (office: CashOffice) => `BR:${office.id}`;
const refundSeries = (office: CashOffice) => `RB:${office.id}`;
const numberOf = (office: CashOffice, kind: 'BR' | 'RB', year: number, sequence: number) =>
  `${office.code}-${kind}${year ? year : ''}-${String(sequence).padStart(6, '0')}`;

/**
 * Prepares a bank deposit slip (bordereau de remise) of a cash office (staff; audited): its cash,
 * or its cheques, counted at every till closing not yet on a slip of that kind. Numbered in the
 * office's own gapless slip series, after everything that could refuse; an office's slips are
 * prepared one at a time (a lock), so two agents at once never put a closing on two slips.
 */
export const createDepositSlip = idempotentMutation(
  'createDepositSlip',
  async (
    ctx: TenantContext,
    input: { cashOfficeId: string; method: PaymentMethod },
  ): Promise<Outcome<{ slipId: string }>> => {
    const { tenant } = ctx;
    const office = await ctx.em.findOne(CashOffice, { id: input.cashOfficeId });
    if (!office) return refuse(UserErrorCode.NOT_FOUND, msg('cashDesk.officeNotFound'), ['cashOfficeId']);
    if (input.method !== PaymentMethod.CASH && input.method !== PaymentMethod.CHEQUE) {
      return refuse(UserErrorCode.INVALID, msg('depositSlip.method'), ['method']);
    }
    await ctx.em.execute(`select pg_advisory_xact_lock(hashtextextended('guichet:deposit-slips:' || ?, 0))`, [
      office.id,
    ]);
    const column = input.method === PaymentMethod.CASH ? 'counted_cash' : 'counted_cheques';
    const closings = await ctx.em.execute<{ id: string; amount: number }[]>(
      `select c.id, c.${column} as amount from till_closings c
       where c.tenant_id = ? and c.cash_office_id = ? and c.${column} > 0
         and not exists (select 1 from deposit_slip_closings s where s.tenant_id = c.tenant_id
                         and s.closing_id = c.id and s.method = ?::payment_method)
       order by c.day`,
      [tenant.id, office.id, input.method],
    );
    if (closings.length === 0) {
      return refuse(UserErrorCode.INVALID, msg('depositSlip.nothingToDeposit', { method: input.method }), [
        'cashOfficeId',
      ]);
    }
    const today = todayIn(tenant.timeZone, ctx.now());
    const block = await takeNumbers(ctx, slipSeries(office), today, 1);
    const total = closings.reduce((sum, c) => sum + Number(c.amount), 0);
    const slip = ctx.em.create(DepositSlip, {
      tenantId: tenant.id,
      cashOfficeId: office.id,
      method: input.method,
      year: block.year,
      sequence: block.first,
      number: numberOf(office, 'BR', block.year, block.first),
      closings: closings.length,
      total,
      status: DepositSlipStatus.PREPARED,
      createdBy: ctx.viewer.subject ?? 'system',
      createdAt: ctx.now(),
    });
    await ctx.em.flush();
    await ctx.em.execute(
      `insert into deposit_slip_closings (tenant_id, slip_id, closing_id, method, amount)
       select ?, ?, v.id, ?::payment_method, v.amount from json_to_recordset(?::json) as v(id uuid, amount int)`,
      [tenant.id, slip.id, input.method, JSON.stringify(closings)],
    );
    audit(ctx, {
      action: 'DEPOSIT_SLIP_PREPARED',
      subjectId: slip.id,
      details: {
        number: slip.number,
        office: office.code,
        method: input.method,
        total,
        closings: closings.length,
      },
    });
    await ctx.em.flush();
    return done({ slipId: slip.id });
  },
);

/** Marks a slip banked (staff; audited): from then on nothing in it can change (a trigger holds it). */
export const bankDepositSlip = idempotentMutation(
  'bankDepositSlip',
  async (
    ctx: TenantContext,
    input: { slipId: string; bankedOn?: string | null; bankReference?: string | null },
  ): Promise<Outcome<{ slipId: string }>> => {
    const { tenant } = ctx;
    const found = await ctx.em.findOne(DepositSlip, { id: input.slipId });
    if (!found) return refuse(UserErrorCode.NOT_FOUND, msg('depositSlip.notFound'), ['slipId']);
    await ctx.em.execute(`select 1 from deposit_slips where tenant_id = ? and id = ? for update`, [
      tenant.id,
      found.id,
    ]);
    const slip = await ctx.em.refresh(found);
    if (!slip) return refuse(UserErrorCode.NOT_FOUND, msg('depositSlip.notFound'), ['slipId']);
    if (slip.status === DepositSlipStatus.BANKED) {
      return refuse(
        UserErrorCode.INVALID,
        msg('depositSlip.banked', { number: slip.number, date: day(slip.bankedOn!) }),
        ['slipId'],
      );
    }
    const today = todayIn(tenant.timeZone, ctx.now());
    const bankedOn = input.bankedOn ?? today;
    if (bankedOn > today) return refuse(UserErrorCode.INVALID, msg('depositSlip.futureDay'), ['bankedOn']);
    Object.assign(slip, {
      status: DepositSlipStatus.BANKED,
      bankedOn,
      bankReference: input.bankReference?.trim() || null,
      bankedBy: ctx.viewer.subject ?? 'system',
      bankedAt: ctx.now(),
    });
    audit(ctx, {
      action: 'DEPOSIT_SLIP_BANKED',
      subjectId: slip.id,
      details: { number: slip.number, bankedOn, bankReference: slip.bankReference, total: slip.total },
    });
    await ctx.em.flush();
    return done({ slipId: slip.id });
  },
);

export interface RefundInput {
  familyId: string;
  cashOfficeId?: string | null;
  amount: number;
  method: RefundMethod;
  reason: string;
  reference?: string | null;
}

/**
 * Refunds part or all of a family's credit balance through a cash office (staff; audited): at most
 * the money the family could still spend on invoices (payments and credit notes not given to any
 * invoice nor refunded; a water debit still earmarked for its regularisation is not refundable),
 * taken oldest first. Numbered in the office's own gapless refund series. A cash refund leaves the
 * day's till (its closing expects that much less cash), so a closed till refunds nothing more.
 */
export const refundCredit = idempotentMutation(
  'refundCredit',
  async (ctx: TenantContext, input: RefundInput): Promise<Outcome<{ refundId: string }>> => {
    const { tenant } = ctx;
    const reason = input.reason.trim();
    if (!reason) return refuse(UserErrorCode.INVALID, msg('refund.reason'), ['reason']);
    const family = await ctx.em.findOne(Family, { id: input.familyId });
    if (!family) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Family' }), ['familyId']);
    const counter = await counterOffice(ctx, input.cashOfficeId);
    if (!('office' in counter)) return { value: null, userErrors: [counter] };
    if (!counter.office)
      return refuse(UserErrorCode.INVALID, msg('cashDesk.officeRequired'), ['cashOfficeId']);
    const office = counter.office;
    await lockAccount(ctx, family.id);
    const sources = await creditSources(ctx, family.id);
    const available = sources.reduce((sum, s) => sum + s.remaining, 0);
    if (!Number.isInteger(input.amount) || input.amount < 1 || input.amount > available) {
      return refuse(
        UserErrorCode.INVALID,
        msg('refund.amount', { available: amount(available, tenant.currency) }),
        ['amount'],
      );
    }
    // The till's receipt counter is the lock closeTill takes: no refund slips in while counting.
    await ctx.em.execute(`select 1 from document_sequences where tenant_id = ? and series = ? for update`, [
      tenant.id,
      `R:${office.id}`,
    ]);
    const today = todayIn(tenant.timeZone, ctx.now());
    const block = await takeNumbers(ctx, refundSeries(office), today, 1);
    const refund = ctx.em.create(Refund, {
      tenantId: tenant.id,
      cashOfficeId: office.id,
      familyId: family.id,
      year: block.year,
      sequence: block.first,
      number: numberOf(office, 'RB', block.year, block.first),
      day: today,
      amount: input.amount,
      currency: tenant.currency,
      method: input.method,
      reason,
      reference: input.reference?.trim() || null,
      refundedBy: ctx.viewer.subject ?? 'system',
      refundedAt: ctx.now(),
    });
    await ctx.em.flush();
    const taken: { id: string; payment_id: string | null; credit_note_id: string | null; amount: number }[] =
      [];
    let left = input.amount;
    for (const source of sources) {
      if (left === 0) break;
      const take = Math.min(left, source.remaining);
      taken.push({
        id: randomUUID(),
        payment_id: source.kind === 'PAYMENT' ? source.id : null,
        credit_note_id: source.kind === 'CREDIT_NOTE' ? source.id : null,
        amount: take,
      });
      left -= take;
    }
    await ctx.em.execute(
      `insert into refund_sources (id, tenant_id, refund_id, payment_id, credit_note_id, amount)
       select v.id, ?, ?, v.payment_id, v.credit_note_id, v.amount
       from json_to_recordset(?::json) as v(id uuid, payment_id uuid, credit_note_id uuid, amount int)`,
      [tenant.id, refund.id, JSON.stringify(taken)],
    );
    audit(ctx, {
      action: 'CREDIT_REFUNDED',
      familyId: family.id,
      subjectId: refund.id,
      details: {
        number: refund.number,
        office: office.code,
        amount: input.amount,
        method: input.method,
        reason,
        reference: refund.reference,
      },
    });
    await ctx.em.flush();
    return done({ refundId: refund.id });
  },
);
