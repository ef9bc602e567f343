import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isStaff } from '../../auth/viewer';
import { canSeeFamilyBilling } from '../../families/families.service';
import { ListLength } from '../../graphql/cost';
import { Access, STAFF, TENANT_ADMIN } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { moneyOf, MoneyType } from '../../graphql/money';
import { registerNode } from '../../graphql/node';
import { afterCommit } from '../../graphql/payload';
import { receiptPdfDocument } from '../documents/document-paths';
import type { Payment } from '../payments/payment.entity';
import { PaymentType } from '../payments/payment.types';
import { BILLING_READERS } from '../../reservations/reservation.types';
import { CashOffice, Receipt, TillClosing } from './cash-desk.entity';
import { closeTill, createCashOffice } from './cash-desk.service';
import {
  CashOfficePayload,
  CashOfficeType,
  CloseTillInput,
  CloseTillPayload,
  CreateCashOfficeInput,
  ReceiptType,
  TillClosingType,
} from './cash-desk.types';

registerNode({
  typeName: 'CashOffice',
  entity: CashOffice,
  load: async (ctx, id) => (isStaff(ctx.viewer) ? ctx.em.findOne(CashOffice, { id }) : null),
});
registerNode({
  typeName: 'Receipt',
  entity: Receipt,
  load: async (ctx, id) => {
    const receipt = await ctx.em.findOne(Receipt, { id });
    return receipt && canSeeFamilyBilling(ctx, receipt.familyId) ? receipt : null;
  },
});

/** A closing as the API shows it: amounts as Money, differences computed. */
function closingOf(closing: TillClosing, ctx: GraphQLContext): TillClosingType {
  const money = (amount: number) => moneyOf(amount, ctx.tenant);
  return {
    day: closing.day,
    receipts: closing.receipts,
    expectedCash: money(closing.expectedCash),
    countedCash: money(closing.countedCash),
    cashDifference: money(closing.countedCash - closing.expectedCash),
    expectedCheques: money(closing.expectedCheques),
    countedCheques: money(closing.countedCheques),
    chequeDifference: money(closing.countedCheques - closing.expectedCheques),
    note: closing.note ?? null,
    closedAt: closing.closedAt,
  };
}

/** The cash desk: cash offices, their receipts and their tills' daily closings. */
@Resolver(() => CashOfficeType)
export class CashOfficeResolver {
  @Access(STAFF)
  @ListLength(5)
  @Query(() => [CashOfficeType], { description: "The tenant's cash offices (régies), by code (staff)." })
  cashOffices(@Ctx() ctx: GraphQLContext): Promise<CashOffice[]> {
    return ctx.em.find(CashOffice, {}, { orderBy: { code: 'asc' } });
  }

  @ListLength(31)
  @FieldResolver(() => [TillClosingType], { description: 'Its last 31 till closings, newest first.' })
  async closings(@Root() office: CashOffice, @Ctx() ctx: GraphQLContext): Promise<TillClosingType[]> {
    const closings = await ctx.em.find(
      TillClosing,
      { cashOfficeId: office.id },
      { orderBy: { day: 'desc' }, limit: 31 },
    );
    return closings.map((c) => closingOf(c, ctx));
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => CashOfficePayload, {
    description:
      'Open a cash office (régie) with its own gapless receipt numbers. Tenant admins; audited. Refused (INVALID): a code not 1–8 capitals or digits, or taken. Retry-safe with idempotencyKey.',
  })
  async createCashOffice(
    @Arg('input', { description: 'The cash office.' }) input: CreateCashOfficeInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await createCashOffice(ctx, input);
    return {
      cashOffice: afterCommit((read) => (value ? read.em.findOne(CashOffice, { id: value.officeId }) : null)),
      userErrors,
    };
  }

  @Access(STAFF)
  @Mutation(() => CloseTillPayload, {
    description:
      "Close a cash office's till for a day: cash and cheques counted against its receipts, differences kept and audited; the till then takes no more payments that day. Staff. Refused: NOT_FOUND office, INVALID for a future day, a till already closed, a negative count. Retry-safe with idempotencyKey.",
  })
  async closeTill(
    @Arg('input', { description: 'The count.' }) input: CloseTillInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await closeTill(ctx, input);
    return {
      closing: afterCommit(async (read) => {
        const closing = value ? await read.em.findOne(TillClosing, { id: value.closingId }) : null;
        return closing ? closingOf(closing, read) : null;
      }),
      userErrors,
    };
  }
}

@Resolver(() => ReceiptType)
export class ReceiptResolver {
  @FieldResolver(() => MoneyType, { description: 'Amount received.' })
  amount(@Root() receipt: Receipt, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(receipt.amount, ctx.tenant);
  }

  @FieldResolver(() => String, {
    description:
      'A link to its PDF for the family, working for ten minutes without an Authorization header (signed for this viewer).',
  })
  pdfUrl(@Root() receipt: Receipt, @Ctx() ctx: GraphQLContext): string {
    const { path, params } = receiptPdfDocument(receipt.number);
    return ctx.links.sign({ path, params, tenant: ctx.tenant.slug, viewer: ctx.viewer, now: ctx.now() });
  }
}

@Resolver(() => PaymentType)
export class PaymentReceiptResolver {
  @Access(BILLING_READERS)
  @FieldResolver(() => ReceiptType, {
    nullable: true,
    description:
      'A counter payment or deposit: its numbered receipt (null elsewhere, or where the tenant has no cash office).',
  })
  receipt(@Root() payment: Payment, @Ctx() ctx: GraphQLContext): Promise<Receipt | null> {
    return ctx.em.findOne(Receipt, { paymentId: payment.id });
  }
}
