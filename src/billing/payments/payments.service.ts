import type { TenantContext } from '../../auth/context';
import { can, isStaff, Role, Scope } from '../../auth/viewer';
import { audit } from '../../audit/audit.service';
import { emitEvent, gid } from '../../events/emit';
import { Family } from '../../families/family.entity';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { todayIn } from '../../shared/dates';
import {
  done,
  refuse,
  userError,
  UserErrorCode,
  type Outcome,
  type UserErrorData,
} from '../../shared/user-errors';
import { PaymentMethod } from '../../tenants/tenant.entity';
import { allocatePayment, lockAccount, openInvoices, settleAccount } from '../ledger';
import { Payment, PaymentChannel } from './payment.entity';
import { amount, msg, oneOf } from '../../shared/i18n';
import { forbidden } from '../../auth/requirement';
import { counterOffice, issueReceipt } from '../cash-desk/cash-desk.service';
import { handedOverRefusal } from '../reminders/handed-over';

/** A payment above this is surely a typo (minor units: 100 000,00). */
const MAX_PAYMENT = 10_000_000;

export interface PaymentInput {
  familyId: string;
  amount: number;
  method: PaymentMethod;
  reference?: string | null;
  allocations?: { invoiceId: string; amount: number }[] | null;
  /** At the counter: the cash office (régie) taking it, which issues its receipt. */
  cashOfficeId?: string | null;
}

/**
 * Where a payment comes from decides what it may be: staff take it at the counter in the methods
 * the tenant accepts there (cash and cheque only there); integrations (the card provider, the bank's
 * direct-debit file) record card and direct-debit payments with the payments:write scope.
 */
function channelFor(ctx: TenantContext, method: PaymentMethod): PaymentChannel | UserErrorData {
  const { tenant } = ctx;
  if (isStaff(ctx.viewer)) {
    if (!tenant.config.counterPaymentMethods.includes(method)) {
      const accepted = tenant.config.counterPaymentMethods;
      return userError(
        UserErrorCode.INVALID,
        msg('payment.methodNotAccepted', { method, accepted: oneOf(accepted), count: accepted.length }),
        ['method'],
      );
    }
    return PaymentChannel.COUNTER;
  }
  if (can(ctx.viewer, Scope.PAYMENTS_WRITE)) {
    if (method === PaymentMethod.CASH || method === PaymentMethod.CHEQUE) {
      return userError(UserErrorCode.INVALID, msg('payment.counterOnly'), ['method']);
    }
    return method === PaymentMethod.DIRECT_DEBIT ? PaymentChannel.DIRECT_DEBIT_RUN : PaymentChannel.ONLINE;
  }
  throw forbidden('access.payment', {
    roles: [Role.AGENT, Role.TENANT_ADMIN],
    scopes: [Scope.PAYMENTS_WRITE],
  });
}

/**
 * Records money received from a family (staff at the counter, `payments:write` integrations).
 * Without allocations it goes to the oldest open invoices (a plan's invoices fill their
 * instalments in order); with allocations, to those invoices. What exceeds what is due stays as
 * credit, applied to the next invoices. A deposit (acompte) is taken at the counter before any
 * invoice exists: credit applied to the next invoices automatically.
 */
async function receive(
  ctx: TenantContext,
  input: PaymentInput,
  deposit: boolean,
): Promise<Outcome<{ paymentId: string }>> {
  const { tenant } = ctx;
  if (!Number.isInteger(input.amount) || input.amount <= 0 || input.amount > MAX_PAYMENT) {
    return refuse(
      UserErrorCode.INVALID,
      msg('payment.amount', { max: amount(MAX_PAYMENT, tenant.currency) }),
      ['amount'],
    );
  }
  const channel = channelFor(ctx, input.method);
  if (typeof channel !== 'string') return { value: null, userErrors: [channel] };
  if (deposit && channel !== PaymentChannel.COUNTER)
    throw forbidden('access.deposit', { roles: [Role.AGENT, Role.TENANT_ADMIN] });
  const family = await ctx.em.findOne(Family, { id: input.familyId });
  if (!family) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Family' }), ['familyId']);
  // Every counter payment goes through a cash office, when the tenant has any, and gets its receipt.
  const counter = channel === PaymentChannel.COUNTER ? await counterOffice(ctx, input.cashOfficeId) : null;
  if (counter && !('office' in counter)) return { value: null, userErrors: [counter] };
  await lockAccount(ctx, family.id);

  const allocations = input.allocations ?? [];
  if (allocations.length) {
    const open = new Map((await openInvoices(ctx, family.id)).map((i) => [i.id, i.due]));
    let sum = 0;
    for (const [index, allocation] of allocations.entries()) {
      const due = open.get(allocation.invoiceId);
      const field = ['allocations', String(index)];
      if (due === undefined) {
        const handedOver = await handedOverRefusal(ctx, [allocation.invoiceId], field);
        return handedOver
          ? { value: null, userErrors: [handedOver] }
          : refuse(UserErrorCode.INVALID, msg('payment.notOpenInvoice'), field);
      }
      if (!Number.isInteger(allocation.amount) || allocation.amount <= 0 || allocation.amount > due) {
        return refuse(
          UserErrorCode.INVALID,
          msg('payment.allocation', { max: amount(due, tenant.currency) }),
          field,
        );
      }
      open.set(allocation.invoiceId, due - allocation.amount);
      sum += allocation.amount;
    }
    if (sum > input.amount)
      return refuse(UserErrorCode.INVALID, msg('payment.allocationsExceed'), ['allocations']);
  }
  const payment = ctx.em.create(Payment, {
    tenantId: tenant.id,
    familyId: family.id,
    amount: input.amount,
    currency: tenant.currency,
    method: input.method,
    channel,
    reference: input.reference?.trim() || null,
    isDeposit: deposit,
    receivedOn: todayIn(tenant.timeZone, ctx.now()),
    recordedBy: ctx.viewer.subject ?? 'system',
    recordedAt: new Date(),
  });
  await ctx.em.flush();
  if (allocations.length) {
    await allocatePayment(ctx, family.id, payment.id, input.amount, allocations);
  } else {
    await settleAccount(ctx, family.id, { onlySource: { kind: 'PAYMENT', id: payment.id } });
  }
  const paymentId = gid('Payment', payment.id);
  await emitEvent(ctx, 'payment.recorded', paymentId, {
    paymentId,
    familyId: gid('Family', family.id),
    amount: input.amount,
    currency: tenant.currency,
    method: input.method,
    deposit,
  });
  // The receipt's number last: its office's counter row stays locked only until the commit.
  const receipt = counter?.office ? await issueReceipt(ctx, counter.office, payment) : null;
  if (channel === PaymentChannel.COUNTER) {
    audit(ctx, {
      action: deposit ? 'DEPOSIT_RECORDED' : 'PAYMENT_RECORDED',
      familyId: family.id,
      subjectId: payment.id,
      details: {
        amount: input.amount,
        method: input.method,
        reference: payment.reference,
        receipt: receipt?.number ?? null,
      },
    });
    await ctx.em.flush();
  }
  return done({ paymentId: payment.id });
}

/** Records a payment (see `receive`). Retry-safe with the idempotency key. */
export const recordPayment = idempotentMutation('recordPayment', (ctx, input: PaymentInput) =>
  receive(ctx, input, false),
);

/** Records a deposit at the counter (see `receive`). Retry-safe with the idempotency key. */
export const recordDeposit = idempotentMutation(
  'recordDeposit',
  (ctx, input: Omit<PaymentInput, 'allocations'>) => receive(ctx, { ...input, allocations: null }, true),
);
