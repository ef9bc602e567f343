import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { isStaff } from '../../auth/viewer';
import { canSeeFamilyBilling } from '../../families/families.service';
import type { Family } from '../../families/family.entity';
import { FamilyType } from '../../families/family.types';
import { Access, STAFF } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { ListLength } from '../../graphql/cost';
import { moneyOf, MoneyType } from '../../graphql/money';
import { registerNode } from '../../graphql/node';
import { afterCommit } from '../../graphql/payload';
import { BILLING_READERS } from '../../reservations/reservation.types';
import { PaymentMethod } from '../../tenants/tenant.entity';
import { LocalDate } from '../../graphql/scalars';
import { DepositSlip, Refund } from './bank.entity';
import { bankDepositSlip, createDepositSlip, refundCredit } from './bank.service';
import {
  BankDepositSlipInput,
  CreateDepositSlipInput,
  DepositSlipPayload,
  DepositSlipType,
  RefundCreditInput,
  RefundPayload,
  RefundType,
} from './bank.types';
import { CashOffice, Receipt } from './cash-desk.entity';
import { CashOfficeType, ReceiptType } from './cash-desk.types';

registerNode({
  typeName: 'DepositSlip',
  entity: DepositSlip,
  load: async (ctx, id) => (isStaff(ctx.viewer) ? ctx.em.findOne(DepositSlip, { id }) : null),
});
registerNode({
  typeName: 'Refund',
  entity: Refund,
  load: async (ctx, id) => {
    const refund = await ctx.em.findOne(Refund, { id });
    return refund && canSeeFamilyBilling(ctx, refund.familyId) ? refund : null;
  },
});

/** Deposit slips and refunds: the cash desk's side towards the bank and the families. */
@Resolver(() => DepositSlipType)
export class DepositSlipResolver {
  @FieldResolver(() => MoneyType, { description: 'The cash, or the cheques, counted at its closings.' })
  total(@Root() slip: DepositSlip, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(slip.total, ctx.tenant);
  }

  @ListLength(31)
  @FieldResolver(() => [LocalDate], { description: 'The days of the till closings it groups, oldest first.' })
  async days(@Root() slip: DepositSlip, @Ctx() ctx: GraphQLContext): Promise<string[]> {
    const rows = await ctx.em.execute<{ day: string }[]>(
      `select to_char(c.day, 'YYYY-MM-DD') as day from deposit_slip_closings s
       join till_closings c on c.tenant_id = s.tenant_id and c.id = s.closing_id
       where s.tenant_id = ? and s.slip_id = ? order by c.day`,
      [ctx.tenant.id, slip.id],
    );
    return rows.map((r) => r.day);
  }

  @ListLength(100)
  @FieldResolver(() => [ReceiptType], {
    description: 'For a cheque slip: the cheques it carries (their receipts, at most 500); empty for cash.',
  })
  async cheques(@Root() slip: DepositSlip, @Ctx() ctx: GraphQLContext): Promise<Receipt[]> {
    if (slip.method !== PaymentMethod.CHEQUE) return [];
    const rows = await ctx.em.execute<{ id: string }[]>(
      `select r.id from deposit_slip_closings s
       join till_closings c on c.tenant_id = s.tenant_id and c.id = s.closing_id
       join receipts r on r.tenant_id = c.tenant_id and r.cash_office_id = c.cash_office_id and r.day = c.day
       where s.tenant_id = ? and s.slip_id = ? and r.method = 'CHEQUE' order by r.year, r.sequence limit 500`,
      [ctx.tenant.id, slip.id],
    );
    return ctx.em.find(Receipt, { id: { $in: rows.map((r) => r.id) } }, { orderBy: { sequence: 'asc' } });
  }

  @Access(STAFF)
  @Mutation(() => DepositSlipPayload, {
    description:
      'Prepare a bank deposit slip of a cash office: its cash, or its cheques, counted at every till closing not yet on a slip of that kind; numbered per office without gaps (CANT-BR2026-000001). Staff; audited. Refused: NOT_FOUND office, INVALID method (CASH or CHEQUE only) or nothing to deposit (no number used). Retry-safe with idempotencyKey.',
  })
  async createDepositSlip(
    @Arg('input', { description: 'The office and what it deposits.' }) input: CreateDepositSlipInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await createDepositSlip(ctx, input);
    return {
      slip: afterCommit((read) => (value ? read.em.findOne(DepositSlip, { id: value.slipId }) : null)),
      userErrors,
    };
  }

  @Access(STAFF)
  @Mutation(() => DepositSlipPayload, {
    description:
      'Record that the bank took a deposit slip: BANKED, and from then on nothing in it can change (the database refuses). Staff; audited. Refused: NOT_FOUND slip, INVALID when already banked or for a future day. Retry-safe with idempotencyKey.',
  })
  async bankDepositSlip(
    @Arg('input', { description: 'The slip and the bank’s details.' }) input: BankDepositSlipInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await bankDepositSlip(ctx, input);
    return {
      slip: afterCommit((read) => (value ? read.em.findOne(DepositSlip, { id: value.slipId }) : null)),
      userErrors,
    };
  }
}

@Resolver(() => RefundType)
export class RefundResolver {
  @FieldResolver(() => MoneyType, { description: 'Amount paid back.' })
  amount(@Root() refund: Refund, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(refund.amount, ctx.tenant);
  }

  @Access(STAFF)
  @Mutation(() => RefundPayload, {
    description:
      "Refund part or all of a family's credit balance (money paid or credited and on no invoice) through a cash office, numbered per office without gaps (CANT-RB2026-000001); the family's credit goes down by as much. Staff; audited. Refused: NOT_FOUND family or office, INVALID amount (more than the refundable credit), no reason, no cash office; CLOSED when the office's till is closed today. Retry-safe with idempotencyKey.",
  })
  async refundCredit(
    @Arg('input', { description: 'The refund.' }) input: RefundCreditInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await refundCredit(ctx, input);
    return {
      refund: afterCommit((read) => (value ? read.em.findOne(Refund, { id: value.refundId }) : null)),
      userErrors,
    };
  }
}

@Resolver(() => CashOfficeType)
export class CashOfficeBankResolver {
  @ListLength(31)
  @FieldResolver(() => [DepositSlipType], { description: 'Its last 31 deposit slips, newest first.' })
  depositSlips(@Root() office: CashOffice, @Ctx() ctx: GraphQLContext): Promise<DepositSlip[]> {
    return ctx.em.find(
      DepositSlip,
      { cashOfficeId: office.id },
      { orderBy: { year: 'desc', sequence: 'desc' }, limit: 31 },
    );
  }
}

@Resolver(() => FamilyType)
export class FamilyRefundsResolver {
  @Access(BILLING_READERS)
  @ListLength(20)
  @FieldResolver(() => [RefundType], { description: "The family's last 20 refunds of credit, newest first." })
  refunds(@Root() family: Family, @Ctx() ctx: GraphQLContext): Promise<Refund[]> {
    return ctx.em.find(Refund, { familyId: family.id }, { orderBy: { refundedAt: 'desc' }, limit: 20 });
  }
}
