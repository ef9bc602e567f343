import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { isStaff } from '../auth/viewer';
import { toConnection, type ConnectionShape } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { moneyOf, MoneyType } from '../graphql/money';
import { registerNode } from '../graphql/node';
import type { Family } from '../families/family.entity';
import { FamilyType } from '../families/family.types';
import { canSeeFamily } from '../families/families.service';
import { expectGlobalId } from '../shared/ids';
import { requireTenant } from '../shared/service-context';
import { todayIn } from '../shared/dates';
import { BillingRun } from './billing-run.entity';
import { resumeBilling, runBilling, suspendBilling } from './billing-run.service';
import {
  AllocationType,
  BillingRunPayload,
  CollectWaterDebitsInput,
  CollectWaterDebitsPayload,
  RecordWaterConsumptionInput,
  RecordWaterConsumptionPayload,
  RegulariseWaterInput,
  SetWaterDebitInput,
  SetWaterDebitPayload,
  BillingRunType,
  BillingTotalsType,
  CreatePaymentPlanInput,
  CreatePaymentPlanPayload,
  FamilyAccountType,
  FamilyInvoicesArgs,
  InstalmentType,
  InvoiceConnection,
  InvoiceLineType,
  InvoicesArgs,
  InvoiceType,
  IssueCreditNoteInput,
  IssueCreditNotePayload,
  PaymentPlanType,
  PaymentType,
  RecordDepositInput,
  RecordPaymentInput,
  RecordPaymentPayload,
  ResumeBillingInput,
  RunBillingInput,
  SuspendBillingInput,
} from './billing.types';
import { issueCreditNote } from './credit-notes.service';
import { Invoice, InvoiceLine } from './invoice.entity';
import {
  billingTotals,
  familyAccount,
  invoiceStatus,
  InvoiceStatus,
  listInvoices,
  planOffer,
  visibleInvoice,
} from './invoices.service';
import { Allocation, Payment } from './payment.entity';
import { PaymentPlan } from './payment-plan.entity';
import { createPaymentPlan, familyPlans, instalmentStates } from './payment-plans.service';
import { recordDeposit, recordPayment } from './payments.service';
import { collectWaterDebits, recordWaterConsumption, regulariseWater, setWaterDebit } from './water.service';
import { Charge } from '../reservations/charge.entity';
import { TenantType } from '../tenants/tenant.types';
import type { Tenant } from '../tenants/tenant.entity';

registerNode({ typeName: 'Invoice', entity: Invoice, load: (ctx, id) => visibleInvoice(ctx, id) });
registerNode({
  typeName: 'InvoiceLine',
  entity: InvoiceLine,
  load: async (ctx, id) => {
    const line = await ctx.em.findOne(InvoiceLine, { id });
    return line && (await visibleInvoice(ctx, line.invoiceId)) ? line : null;
  },
});
registerNode({
  typeName: 'Payment',
  entity: Payment,
  load: async (ctx, id) => {
    const payment = await ctx.loaders.paymentById.load(id);
    return payment && canSeeFamily(ctx, payment.familyId) ? payment : null;
  },
});
registerNode({
  typeName: 'PaymentPlan',
  entity: PaymentPlan,
  load: async (ctx, id) => {
    const plan = await ctx.loaders.planById.load(id);
    return plan && canSeeFamily(ctx, plan.familyId) ? plan : null;
  },
});
registerNode({
  typeName: 'BillingRun',
  entity: BillingRun,
  load: async (ctx, id) => (isStaff(ctx.viewer) ? ctx.em.findOne(BillingRun, { id }) : null),
});

const money = (ctx: GraphQLContext, amount: number): MoneyType => moneyOf(amount, requireTenant(ctx));

@Resolver(() => InvoiceType)
export class InvoiceResolver {
  @Authorized()
  @Query(() => InvoiceConnection, {
    description: 'Issued documents, newest first (agents; parents with their familyId).',
  })
  async invoices(
    @Args() { filter, ...page }: InvoicesArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Invoice>> {
    return toConnection(
      await listInvoices(
        ctx,
        {
          ...filter,
          familyId: filter?.familyId ? expectGlobalId(filter.familyId, 'Family', 'filter.familyId') : null,
        },
        page,
      ),
    );
  }

  @Authorized()
  @Query(() => InvoiceType, { nullable: true, description: 'One document, if the viewer may see it.' })
  invoice(@Arg('id', () => String, { description: 'Its ID.' }) id: string, @Ctx() ctx: GraphQLContext) {
    return visibleInvoice(ctx, expectGlobalId(id, 'Invoice', 'id'));
  }

  @Authorized()
  @Query(() => BillingTotalsType, {
    description: 'Dashboard figures for the documents issued in a period (agents).',
  })
  async billingTotals(
    @Arg('period', { description: 'YYYY-MM.' }) period: string,
    @Ctx() ctx: GraphQLContext,
  ) {
    const totals = await billingTotals(ctx, period);
    return {
      invoices: totals.invoices,
      billed: money(ctx, totals.billed),
      credited: money(ctx, totals.credited),
      paid: money(ctx, totals.paid),
      outstanding: money(ctx, totals.outstanding),
      onPaymentPlans: money(ctx, totals.onPaymentPlans),
    };
  }

  @FieldResolver(() => MoneyType, { description: 'Total of the document.' })
  total(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): MoneyType {
    return money(ctx, invoice.total);
  }

  @FieldResolver(() => MoneyType, {
    description: 'Paid or credited so far (for a credit note: applied so far).',
  })
  async amountPaid(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<MoneyType> {
    return money(ctx, (await ctx.loaders.settlementByInvoiceId.load(invoice.id)).allocated);
  }

  @FieldResolver(() => MoneyType, { description: 'Left to pay (zero for a credit note).' })
  async amountDue(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<MoneyType> {
    if (invoice.kind === 'CREDIT_NOTE') return money(ctx, 0);
    return money(ctx, invoice.total - (await ctx.loaders.settlementByInvoiceId.load(invoice.id)).allocated);
  }

  @FieldResolver(() => InvoiceStatus, { description: 'Open, overdue, on a plan, paid, or a credit note.' })
  async status(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<InvoiceStatus> {
    const settlement = await ctx.loaders.settlementByInvoiceId.load(invoice.id);
    return invoiceStatus(invoice, settlement, todayIn(requireTenant(ctx).timeZone, ctx.now()));
  }

  @FieldResolver(() => [InvoiceLineType], { description: 'Its lines.' })
  lines(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<InvoiceLine[]> {
    return ctx.loaders.linesByInvoiceId.load(invoice.id);
  }

  @FieldResolver(() => [AllocationType], { description: 'Payments and credit notes put on it.' })
  allocations(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<Allocation[]> {
    return ctx.loaders.allocationsByInvoiceId.load(invoice.id);
  }

  @FieldResolver(() => FamilyType, { description: 'The family billed.' })
  async family(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<Family> {
    return (await ctx.loaders.familyById.load(invoice.family.id))!;
  }

  @FieldResolver(() => InvoiceType, {
    nullable: true,
    description: 'For a credit note: the invoice it corrects.',
  })
  creditedInvoice(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<Invoice | null> | null {
    return invoice.creditedInvoiceId ? ctx.loaders.invoiceById.load(invoice.creditedInvoiceId) : null;
  }

  @FieldResolver(() => [InvoiceType], { description: 'Credit notes issued against it.' })
  creditNotes(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<Invoice[]> {
    return ctx.loaders.creditNotesByInvoiceId.load(invoice.id);
  }

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
    return planOffer(ctx, invoice, await ctx.loaders.settlementByInvoiceId.load(invoice.id));
  }

  @FieldResolver(() => String, { description: 'Where to download it as PDF (send the same bearer token).' })
  pdfUrl(@Root() invoice: Invoice): string {
    return `/documents/invoices/${encodeURIComponent(invoice.number)}.pdf`;
  }
}

@Resolver(() => InvoiceLineType)
export class InvoiceLineResolver {
  @FieldResolver(() => MoneyType, { description: 'Price of one unit.' })
  unitPrice(@Root() line: InvoiceLine, @Ctx() ctx: GraphQLContext): MoneyType {
    return money(ctx, line.unitPrice);
  }

  @FieldResolver(() => MoneyType, { description: 'quantity × unitPrice.' })
  amount(@Root() line: InvoiceLine, @Ctx() ctx: GraphQLContext): MoneyType {
    return money(ctx, line.amount);
  }
}

@Resolver(() => AllocationType)
export class AllocationResolver {
  @FieldResolver(() => MoneyType, { description: 'How much.' })
  amount(@Root() allocation: Allocation, @Ctx() ctx: GraphQLContext): MoneyType {
    return money(ctx, allocation.amount);
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

@Resolver(() => PaymentType)
export class PaymentResolver {
  @FieldResolver(() => MoneyType, { description: 'Amount received.' })
  amount(@Root() payment: Payment, @Ctx() ctx: GraphQLContext): MoneyType {
    return money(ctx, payment.amount);
  }
}

@Resolver(() => PaymentPlanType)
export class PaymentPlanResolver {
  @FieldResolver(() => MoneyType, { description: 'What was left to pay when it was agreed.' })
  total(@Root() plan: PaymentPlan, @Ctx() ctx: GraphQLContext): MoneyType {
    return money(ctx, plan.total);
  }

  @FieldResolver(() => [InstalmentType], { description: 'Its instalments, in order, with what is paid.' })
  async instalments(@Root() plan: PaymentPlan, @Ctx() ctx: GraphQLContext) {
    return (await instalmentStates(ctx, plan)).map(({ instalment, paid, status }) => ({
      position: instalment.position,
      dueDate: instalment.dueDate,
      amount: money(ctx, instalment.amount),
      paid: money(ctx, paid),
      status,
    }));
  }
}

@Resolver(() => BillingRunType)
export class BillingRunResolver {
  @FieldResolver(() => MoneyType, { description: 'Total invoiced by the run.' })
  amountInvoiced(@Root() run: BillingRun, @Ctx() ctx: GraphQLContext): MoneyType {
    return money(ctx, Number(run.amountInvoiced));
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => BillingRunPayload, {
    description:
      'Bill a month that is over: one invoice per family, numbered without gaps. Issues nothing while billing is suspended. Tenant admins; the scheduler runs it at each month end.',
  })
  async runBilling(
    @Arg('input', { description: 'The period.' }) input: RunBillingInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { run, userErrors } = await runBilling(ctx, input);
    return { billingRun: run, userErrors };
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => BillingRunPayload, {
    description:
      'End a billing suspension: one catch-up invoice per family with every unbilled charge, lines by month and service. Tenant admins.',
  })
  async resumeBilling(
    @Arg('input', { description: 'How far to catch up.' }) input: ResumeBillingInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { run, userErrors } = await resumeBilling(ctx, input);
    return { billingRun: run, userErrors };
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => TenantType, {
    description: 'Suspend billing: charges accrue, no invoice is issued. Tenant admins; audited.',
  })
  async suspendBilling(
    @Arg('input', { description: 'Since when.' }) input: SuspendBillingInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Tenant> {
    await suspendBilling(ctx, input);
    return requireTenant(ctx);
  }

  @Authorized()
  @Mutation(() => IssueCreditNotePayload, {
    description: 'Correct an issued invoice with a credit note (agents). The invoice itself never changes.',
  })
  async issueCreditNote(
    @Arg('input', { description: 'What to credit.' }) input: IssueCreditNoteInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return issueCreditNote(ctx, {
      ...input,
      invoiceId: expectGlobalId(input.invoiceId, 'Invoice', 'input.invoiceId'),
      lines: input.lines?.map((l, i) => ({
        ...l,
        lineId: expectGlobalId(l.lineId, 'InvoiceLine', `input.lines.${i}.lineId`),
      })),
    });
  }

  @Authorized()
  @Mutation(() => CreatePaymentPlanPayload, {
    description:
      "Spread open invoices over monthly instalments within the tenant's limits (agents, or the family).",
  })
  async createPaymentPlan(
    @Arg('input', { description: 'What to spread, and over how many months.' }) input: CreatePaymentPlanInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { plan, userErrors } = await createPaymentPlan(ctx, {
      ...input,
      invoiceId: input.invoiceId ? expectGlobalId(input.invoiceId, 'Invoice', 'input.invoiceId') : null,
      familyId: input.familyId ? expectGlobalId(input.familyId, 'Family', 'input.familyId') : null,
    });
    return { paymentPlan: plan, userErrors };
  }

  @Authorized()
  @Mutation(() => RecordPaymentPayload, {
    description:
      'Record money received: to the oldest open invoices unless allocations are given; any excess becomes credit. Agents at the counter, or the payment integration (payments:write).',
  })
  recordPayment(
    @Arg('input', { description: 'The payment.' }) input: RecordPaymentInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return recordPayment(ctx, {
      ...input,
      familyId: expectGlobalId(input.familyId, 'Family', 'input.familyId'),
      allocations: input.allocations?.map((a, i) => ({
        ...a,
        invoiceId: expectGlobalId(a.invoiceId, 'Invoice', `input.allocations.${i}.invoiceId`),
      })),
    });
  }

  @Authorized()
  @Mutation(() => RecordPaymentPayload, {
    description:
      'Record a deposit (acompte) taken at the counter: credit applied to the next invoices automatically.',
  })
  recordDeposit(
    @Arg('input', { description: 'The deposit.' }) input: RecordDepositInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return recordDeposit(ctx, {
      ...input,
      familyId: expectGlobalId(input.familyId, 'Family', 'input.familyId'),
    });
  }
}

@Resolver()
export class WaterResolver {
  @Authorized()
  @Mutation(() => RecordWaterConsumptionPayload, {
    description:
      'Record a water meter reading (agents): a consumption charge, billed at the annual regularisation.',
  })
  async recordWaterConsumption(
    @Arg('input', { description: 'The reading.' }) input: RecordWaterConsumptionInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await recordWaterConsumption(ctx, {
      ...input,
      familyId: expectGlobalId(input.familyId, 'Family', 'input.familyId'),
    });
    return { charge: value ? await ctx.em.findOne(Charge, { id: value }) : null, userErrors };
  }

  @Authorized()
  @Mutation(() => SetWaterDebitPayload, {
    description: "Set or stop a household's monthly water direct debit (agents).",
  })
  async setWaterDebit(
    @Arg('input', { description: 'The schedule.' }) input: SetWaterDebitInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await setWaterDebit(ctx, {
      ...input,
      familyId: expectGlobalId(input.familyId, 'Family', 'input.familyId'),
    });
    return { monthlyAmount: value, userErrors };
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => CollectWaterDebitsPayload, {
    description:
      "Take a month's water debits (tenant admins). Skipped while billing is suspended: never taken later.",
  })
  async collectWaterDebits(
    @Arg('input', { description: 'The month.' }) input: CollectWaterDebitsInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await collectWaterDebits(ctx, input);
    return { debits: value?.debits ?? null, skipped: value?.skipped ?? null, userErrors };
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => BillingRunPayload, {
    description:
      "The annual water regularisation (tenant admins): the year's consumption invoiced, settled first with the year's debits.",
  })
  async regulariseWater(
    @Arg('input', { description: 'The year.' }) input: RegulariseWaterInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { run, userErrors } = await regulariseWater(ctx, input);
    return { billingRun: run, userErrors };
  }
}

@Resolver(() => FamilyType)
export class FamilyBillingResolver {
  @FieldResolver(() => FamilyAccountType, { description: "The family's account, derived from the ledger." })
  async account(@Root() family: Family, @Ctx() ctx: GraphQLContext) {
    const account = await familyAccount(ctx, family.id);
    const open = await ctx.loaders.invoiceById.loadMany(account.openInvoiceIds);
    return {
      balance: money(ctx, account.balance),
      credit: money(ctx, account.credit),
      due: money(ctx, account.due),
      overdue: money(ctx, account.overdue),
      unbilled: money(ctx, account.unbilled),
      invoiced: money(ctx, account.invoiced),
      credited: money(ctx, account.credited),
      paid: money(ctx, account.paid),
      openInvoices: open,
    };
  }

  @FieldResolver(() => InvoiceConnection, {
    description: "The family's invoices and credit notes, newest first.",
  })
  async invoices(
    @Root() family: Family,
    @Args() args: FamilyInvoicesArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Invoice>> {
    const { status, ...page } = args;
    return toConnection(await listInvoices(ctx, { familyId: family.id, status }, page));
  }

  @FieldResolver(() => [PaymentPlanType], { description: "The family's payment plans, newest first." })
  paymentPlans(@Root() family: Family, @Ctx() ctx: GraphQLContext): Promise<PaymentPlan[]> {
    return familyPlans(ctx, family.id);
  }
}
