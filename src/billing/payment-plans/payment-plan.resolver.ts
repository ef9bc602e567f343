import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { ListLength } from '../../graphql/cost';
import { canSeeFamilyBilling } from '../../families/families.service';
import type { Family } from '../../families/family.entity';
import { FamilyType } from '../../families/family.types';
import { Access, STAFF } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { moneyOf, MoneyType } from '../../graphql/money';
import { registerNode } from '../../graphql/node';
import { afterCommit } from '../../graphql/payload';
import { BILLING_READERS } from '../../reservations/reservation.types';
import type { Invoice } from '../invoices/invoice.entity';
import { InvoiceType } from '../invoices/invoice.types';
import { PaymentPlan } from './payment-plan.entity';
import {
  CreatePaymentPlanInput,
  CreatePaymentPlanPayload,
  InstalmentType,
  PaymentPlanType,
} from './payment-plan.types';
import { createPaymentPlan, planOffer } from './payment-plans.service';

registerNode({
  typeName: 'PaymentPlan',
  entity: PaymentPlan,
  load: async (ctx, id) => {
    const plan = await ctx.loaders.planById.load(id);
    return plan && canSeeFamilyBilling(ctx, plan.familyId) ? plan : null;
  },
});

@Resolver(() => PaymentPlanType)
export class PaymentPlanResolver {
  @Access({ ...STAFF, parents: true })
  @Mutation(() => CreatePaymentPlanPayload, {
    description:
      "Spread open invoices over monthly instalments within the tenant's limits (staff, or the family).",
  })
  async createPaymentPlan(
    @Arg('input', { description: 'What to spread, and over how many months.' }) input: CreatePaymentPlanInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await createPaymentPlan(ctx, input);
    return {
      paymentPlan: afterCommit((read) => (value ? read.loaders.planById.load(value.planId) : null)),
      userErrors,
    };
  }

  @FieldResolver(() => MoneyType, { description: 'What was left to pay when it was agreed.' })
  total(@Root() plan: PaymentPlan, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(plan.total, ctx.tenant);
  }

  @ListLength(12)
  @FieldResolver(() => [InstalmentType], { description: 'Its instalments, in order, with what is paid.' })
  async instalments(@Root() plan: PaymentPlan, @Ctx() ctx: GraphQLContext) {
    return (await ctx.loaders.instalmentsByPlanId.load(plan.id)).map(({ instalment, paid, status }) => ({
      position: instalment.position,
      dueDate: instalment.dueDate,
      amount: moneyOf(instalment.amount, ctx.tenant),
      paid: moneyOf(paid, ctx.tenant),
      status,
    }));
  }
}

@Resolver(() => InvoiceType)
export class InvoicePlanResolver {
  @FieldResolver(() => PaymentPlanType, {
    nullable: true,
    description: 'The payment plan spreading it, if any.',
  })
  async paymentPlan(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<PaymentPlan | null> {
    const { planId } = await ctx.loaders.settlementByInvoiceId.load(invoice.id);
    return planId ? ctx.loaders.planById.load(planId) : null;
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description:
      "The most instalments a payment plan for it may have (tenant's limits); null when none is possible.",
  })
  async maxInstalments(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<number | null> {
    return planOffer(ctx.tenant, invoice, await ctx.loaders.settlementByInvoiceId.load(invoice.id));
  }
}

@Resolver(() => FamilyType)
export class FamilyPlansResolver {
  @Access(BILLING_READERS)
  @ListLength(2)
  @FieldResolver(() => [PaymentPlanType], { description: "The family's payment plans, newest first." })
  paymentPlans(@Root() family: Family, @Ctx() ctx: GraphQLContext): Promise<PaymentPlan[]> {
    return ctx.loaders.plansByFamilyId.load(family.id);
  }
}
