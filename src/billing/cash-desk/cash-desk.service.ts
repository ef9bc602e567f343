import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { todayIn } from '../../shared/dates';
import { day, msg } from '../../shared/i18n';
import {
  done,
  refuse,
  userError,
  UserErrorCode,
  type Outcome,
  type UserErrorData,
} from '../../shared/user-errors';
import { PaymentMethod } from '../../tenants/tenant.entity';
import { takeNumbers } from '../numbering';
import type { Payment } from '../payments/payment.entity';
import { CashOffice, Receipt, TillClosing } from './cash-desk.entity';

/** A cash office's receipt series in `document_sequences`: its own counter, keyed by its id. */
const seriesOf = (office: CashOffice) => `R:${office.id}`;

/** The printed receipt number: CANT-2026-000042 (CANT-000042 when numbering does not restart yearly). */
export function receiptNumber(office: CashOffice, year: number, sequence: number): string {
  const digits = String(sequence).padStart(6, '0');
  return year ? `${office.code}-${year}-${digits}` : `${office.code}-${digits}`;
}

/** Opens a cash office (tenant admins; audited). Its code is printed in its receipt numbers. */
export const createCashOffice = idempotentMutation(
  'createCashOffice',
  async (
    ctx: TenantContext,
    input: { code: string; name: string },
  ): Promise<Outcome<{ officeId: string }>> => {
    const code = input.code.trim().toUpperCase();
    if (!/^[A-Z0-9]{1,8}$/.test(code)) return refuse(UserErrorCode.INVALID, msg('cashDesk.code'), ['code']);
    const name = input.name.trim();
    if (!name) return refuse(UserErrorCode.INVALID, msg('cashDesk.name'), ['name']);
    if (await ctx.em.findOne(CashOffice, { code })) {
      return refuse(UserErrorCode.INVALID, msg('cashDesk.codeTaken', { code }), ['code']);
    }
    const office = ctx.em.create(CashOffice, {
      tenantId: ctx.tenant.id,
      code,
      name,
      active: true,
      createdAt: ctx.now(),
    });
    audit(ctx, { action: 'CASH_OFFICE_CREATED', subjectId: office.id, details: { code, name } });
    await ctx.em.flush();
    return done({ officeId: office.id });
  },
);

/**
 * The cash office a counter payment goes through: the one named, or the tenant's only active
 * one; none when the tenant has no cash office (no receipt then). A closed till takes nothing
 * more that day.
 */
export async function counterOffice(
  ctx: TenantContext,
  officeId: string | null | undefined,
): Promise<{ office: CashOffice | null } | UserErrorData> {
  const offices = await ctx.em.find(CashOffice, { active: true }, { orderBy: { code: 'asc' } });
  let office: CashOffice | null = null;
  if (officeId) {
    office = offices.find((o) => o.id === officeId) ?? null;
    if (!office) return userError(UserErrorCode.NOT_FOUND, msg('cashDesk.officeNotFound'), ['cashOfficeId']);
  } else if (offices.length === 1) {
    office = offices[0];
  } else if (offices.length > 1) {
    return userError(UserErrorCode.INVALID, msg('cashDesk.officeRequired'), ['cashOfficeId']);
  }
  if (office) {
    const today = todayIn(ctx.tenant.timeZone, ctx.now());
    if (await ctx.em.findOne(TillClosing, { cashOfficeId: office.id, day: today })) {
      return userError(
        UserErrorCode.CLOSED,
        msg('cashDesk.tillClosed', { office: office.name, day: day(today) }),
        ['cashOfficeId'],
      );
    }
  }
  return { office };
}

/**
 * The receipt of a counter payment, numbered in its office's own gapless series: the counter row
 * is updated in the payment's transaction (as invoice numbers are), so concurrent payments at the
 * same office wait for each other and a rollback gives the number back.
 */
export async function issueReceipt(
  ctx: TenantContext,
  office: CashOffice,
  payment: Payment,
): Promise<Receipt> {
  const today = todayIn(ctx.tenant.timeZone, ctx.now());
  const block = await takeNumbers(ctx, seriesOf(office), today, 1);
  const receipt = ctx.em.create(Receipt, {
    tenantId: ctx.tenant.id,
    cashOfficeId: office.id,
    paymentId: payment.id,
    familyId: payment.familyId,
    year: block.year,
    sequence: block.first,
    number: receiptNumber(office, block.year, block.first),
    day: today,
    amount: payment.amount,
    method: payment.method,
    issuedBy: ctx.viewer.subject ?? 'system',
    issuedAt: ctx.now(),
  });
  await ctx.em.flush();
  return receipt;
}

export interface CloseTillInput {
  cashOfficeId: string;
  day?: string | null;
  countedCash: number;
  countedCheques: number;
  note?: string | null;
}

/**
 * Closes a till for a day (staff; audited): cash and cheques counted against what its receipts
 * say; the differences are kept with the closing (and audited apart when there are any). Once
 * closed, the till takes no more payments that day and the closing never changes.
 */
export const closeTill = idempotentMutation(
  'closeTill',
  async (ctx: TenantContext, input: CloseTillInput): Promise<Outcome<{ closingId: string }>> => {
    const office = await ctx.em.findOne(CashOffice, { id: input.cashOfficeId });
    if (!office) return refuse(UserErrorCode.NOT_FOUND, msg('cashDesk.officeNotFound'), ['cashOfficeId']);
    const today = todayIn(ctx.tenant.timeZone, ctx.now());
    const closedDay = input.day ?? today;
    if (closedDay > today) return refuse(UserErrorCode.INVALID, msg('cashDesk.futureDay'), ['day']);
    for (const [field, value] of [
      ['countedCash', input.countedCash],
      ['countedCheques', input.countedCheques],
    ] as const) {
      if (!Number.isInteger(value) || value < 0 || value > 100_000_000) {
        return refuse(
          UserErrorCode.INVALID,
          msg('input.outOfRange', { field, min: 0, max: 100_000_000, value }),
          [field],
        );
      }
    }
    // The office's receipt counter is the lock every payment there takes: none slips in while counting.
    await ctx.em.execute(`select 1 from document_sequences where tenant_id = ? and series = ? for update`, [
      ctx.tenant.id,
      seriesOf(office),
    ]);
    if (await ctx.em.findOne(TillClosing, { cashOfficeId: office.id, day: closedDay })) {
      return refuse(UserErrorCode.INVALID, msg('cashDesk.alreadyClosed', { day: day(closedDay) }), ['day']);
    }
    const [totals] = await ctx.em.execute<{ receipts: number; cash: number; cheques: number }[]>(
      `select count(*)::int as receipts,
              coalesce(sum(amount) filter (where method = 'CASH'), 0)::int
                -- Cash refunded at the counter that day left the till.
                - (select coalesce(sum(r.amount), 0)::int from refunds r where r.tenant_id = ?
                   and r.cash_office_id = ? and r.day = ?::date and r.method = 'CASH') as cash,
              coalesce(sum(amount) filter (where method = 'CHEQUE'), 0)::int as cheques
       from receipts where tenant_id = ? and cash_office_id = ? and day = ?::date`,
      [ctx.tenant.id, office.id, closedDay, ctx.tenant.id, office.id, closedDay],
    );
    const closing = ctx.em.create(TillClosing, {
      tenantId: ctx.tenant.id,
      cashOfficeId: office.id,
      day: closedDay,
      receipts: totals.receipts,
      expectedCash: totals.cash,
      countedCash: input.countedCash,
      expectedCheques: totals.cheques,
      countedCheques: input.countedCheques,
      note: input.note?.trim() || null,
      closedBy: ctx.viewer.subject ?? 'system',
      closedAt: ctx.now(),
    });
    const cashDifference = input.countedCash - totals.cash;
    const chequeDifference = input.countedCheques - totals.cheques;
    const details = {
      office: office.code,
      day: closedDay,
      receipts: totals.receipts,
      expectedCash: totals.cash,
      countedCash: input.countedCash,
      cashDifference,
      expectedCheques: totals.cheques,
      countedCheques: input.countedCheques,
      chequeDifference,
      note: closing.note,
    };
    audit(ctx, { action: 'TILL_CLOSED', subjectId: closing.id, details });
    if (cashDifference !== 0 || chequeDifference !== 0) {
      audit(ctx, { action: 'TILL_DIFFERENCE', subjectId: closing.id, details });
    }
    await ctx.em.flush();
    return done({ closingId: closing.id });
  },
);

/** What a receipt says, for its PDF and its reader. */
export const receiptMethods: Record<PaymentMethod, string> = {
  [PaymentMethod.CASH]: 'espèces',
  [PaymentMethod.CHEQUE]: 'chèque',
  [PaymentMethod.CARD]: 'carte bancaire',
  [PaymentMethod.DIRECT_DEBIT]: 'prélèvement',
};
