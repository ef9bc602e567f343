import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { ListLength } from '../../graphql/cost';
import { Scope } from '../../auth/viewer';
import { canSeeFamilyBilling } from '../../families/families.service';
import { Access, STAFF } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { moneyOf, MoneyType } from '../../graphql/money';
import { registerNode } from '../../graphql/node';
import { afterCommit } from '../../graphql/payload';
import type { Invoice } from '../invoices/invoice.entity';
import { InvoiceType } from '../invoices/invoice.types';
import { Allocation, Payment } from './payment.entity';
import {
  AllocationType,
  PaymentType,
  RecordDepositInput,
  RecordPaymentInput,
  RecordPaymentPayload,
} from './payment.types';
import { recordDeposit, recordPayment } from './payments.service';

registerNode({
  typeName: 'Payment',
  entity: Payment,
  load: async (ctx, id) => {
    const payment = await ctx.loaders.paymentById.load(id);
    return payment && canSeeFamilyBilling(ctx, payment.familyId) ? payment : null;
  },
});

@Resolver(() => PaymentType)
export class PaymentResolver {
  @Access({ scopes: [Scope.PAYMENTS_WRITE] })
  @Mutation(() => RecordPaymentPayload, {
    description:
      'Record money received: to the oldest open invoices unless allocations are given; any excess becomes credit. Staff at the counter, or the payment integration (payments:write). Retry-safe with idempotencyKey.',
  })
  async recordPayment(
    @Arg('input', { description: 'The payment.' }) input: RecordPaymentInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await recordPayment(ctx, input);
    return {
      payment: afterCommit((read) => (value ? read.loaders.paymentById.load(value.paymentId) : null)),
      userErrors,
    };
  }

  @Access(STAFF)
  @Mutation(() => RecordPaymentPayload, {
    description:
      'Record a deposit (acompte) taken at the counter (staff): credit applied to the next invoices automatically. Retry-safe with idempotencyKey.',
  })
  async recordDeposit(
    @Arg('input', { description: 'The deposit.' }) input: RecordDepositInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await recordDeposit(ctx, input);
    return {
      payment: afterCommit((read) => (value ? read.loaders.paymentById.load(value.paymentId) : null)),
      userErrors,
    };
  }

  @FieldResolver(() => MoneyType, { description: 'Amount received.' })
  amount(@Root() payment: Payment, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(payment.amount, ctx.tenant);
  }
}

@Resolver(() => AllocationType)
export class AllocationResolver {
  @FieldResolver(() => MoneyType, { description: 'How much.' })
  amount(@Root() allocation: Allocation, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(allocation.amount, ctx.tenant);
  }

  @FieldResolver(() => PaymentType, { nullable: true, description: 'The payment it comes from, if any.' })
  payment(@Root() allocation: Allocation, @Ctx() ctx: GraphQLContext): Promise<Payment | null> | null {
    return allocation.paymentId ? ctx.loaders.paymentById.load(allocation.paymentId) : null;
  }

  @FieldResolver(() => InvoiceType, { nullable: true, description: 'The credit note it comes from, if any.' })
  creditNote(@Root() allocation: Allocation, @Ctx() ctx: GraphQLContext): Promise<Invoice | null> | null {
    return allocation.creditNoteId ? ctx.loaders.invoiceById.load(allocation.creditNoteId) : null;
  }
}

@Resolver(() => InvoiceType)
export class InvoiceAllocationsResolver {
  @ListLength(5)
  @FieldResolver(() => [AllocationType], { description: 'Payments and credit notes put on it.' })
  allocations(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<Allocation[]> {
    return ctx.loaders.allocationsByInvoiceId.load(invoice.id);
  }
}
