import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ListLength } from '../../graphql/cost';
import { Scope } from '../../auth/viewer';
import type { Family } from '../../families/family.entity';
import { FamilyType } from '../../families/family.types';
import { Access, STAFF } from '../../graphql/access';
import { toConnection, type ConnectionShape } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { IdArg } from '../../graphql/inputs';
import { moneyOf, MoneyType } from '../../graphql/money';
import { registerNode } from '../../graphql/node';
import { afterCommit } from '../../graphql/payload';
import { YearMonth } from '../../graphql/scalars';
import { BILLING_READERS } from '../../reservations/reservation.types';
import { todayIn } from '../../shared/dates';
import { invoicePdfDocument, treasuryCsvDocument } from '../documents/document-paths';
import { issueCreditNote } from './credit-notes.service';
import { Invoice, InvoiceLine } from './invoice.entity';
import {
  BillingTotalsType,
  FamilyInvoicesArgs,
  InvoiceConnection,
  InvoiceLineType,
  InvoicesArgs,
  InvoiceType,
  IssueCreditNoteInput,
  IssueCreditNotePayload,
  TreasuryCsvFormat,
} from './invoice.types';
import {
  billingTotals,
  invoiceStatus,
  InvoiceStatus,
  listInvoices,
  visibleInvoice,
} from './invoices.service';
import { present } from '../../shared/loaders';

registerNode({ typeName: 'Invoice', entity: Invoice, load: (ctx, id) => visibleInvoice(ctx, id) });
registerNode({
  typeName: 'InvoiceLine',
  entity: InvoiceLine,
  load: async (ctx, id) => {
    const line = await ctx.em.findOne(InvoiceLine, { id });
    return line && (await visibleInvoice(ctx, line.invoiceId)) ? line : null;
  },
});

const money = (ctx: GraphQLContext, amount: number): MoneyType => moneyOf(amount, ctx.tenant);

@Resolver(() => InvoiceType)
export class InvoiceResolver {
  @Access(BILLING_READERS)
  @Query(() => InvoiceConnection, {
    description:
      'Issued documents, newest first. Staff and billing:read keys list every family; parents give their own familyId.',
  })
  async invoices(
    @Args() { filter, ...page }: InvoicesArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Invoice>> {
    return toConnection(await listInvoices(ctx, filter ?? {}, page));
  }

  @Access(BILLING_READERS)
  @Query(() => InvoiceType, { nullable: true, description: 'One document, if the viewer may see it.' })
  invoice(@IdArg('id', 'Invoice', { description: 'Its ID.' }) id: string, @Ctx() ctx: GraphQLContext) {
    return visibleInvoice(ctx, id);
  }

  @Access({ scopes: [Scope.BILLING_READ, Scope.DASHBOARD_READ] })
  @Query(() => BillingTotalsType, {
    description:
      'Dashboard figures for the documents issued in a month (staff, billing:read and dashboard:read keys).',
  })
  async billingTotals(
    @Arg('period', () => YearMonth, { description: 'The month, YYYY-MM.' }) period: string,
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
      overdue: money(ctx, totals.overdue),
      overdueInvoices: totals.overdueInvoices,
    };
  }

  @Access({ scopes: [Scope.BILLING_READ] })
  @Query(() => String, {
    description:
      "A link to the treasury's CSV of a month (every document issued and payment received in it) that works for ten minutes without an Authorization header, e.g. in an `<a href>`; signed for this tenant, this viewer, the month and the format. Staff and billing:read keys. See docs/auth.md.",
  })
  treasuryCsvUrl(
    @Arg('period', () => YearMonth, { description: 'The month, YYYY-MM.' }) period: string,
    @Arg('format', () => TreasuryCsvFormat, {
      defaultValue: TreasuryCsvFormat.SPREADSHEET,
      description: 'For people (a spreadsheet, the default) or for scripts (RFC 4180).',
    })
    format: TreasuryCsvFormat,
    @Ctx() ctx: GraphQLContext,
  ): string {
    const flavour = format === TreasuryCsvFormat.RFC4180 ? 'rfc4180' : 'spreadsheet';
    const { path, params } = treasuryCsvDocument(period, flavour);
    return ctx.links.sign({ path, params, tenant: ctx.tenant.slug, viewer: ctx.viewer, now: ctx.now() });
  }

  @Access(STAFF)
  @Mutation(() => IssueCreditNotePayload, {
    description: 'Correct an issued invoice with a credit note (staff). The invoice itself never changes.',
  })
  async issueCreditNote(
    @Arg('input', { description: 'What to credit.' }) input: IssueCreditNoteInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await issueCreditNote(ctx, input);
    return {
      creditNote: afterCommit((read) => (value ? read.loaders.invoiceById.load(value.creditNoteId) : null)),
      userErrors,
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

  @FieldResolver(() => InvoiceStatus, {
    description: 'Open, overdue, on a plan, paid, handed over to the public treasury, or a credit note.',
  })
  async status(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<InvoiceStatus> {
    const settlement = await ctx.loaders.settlementByInvoiceId.load(invoice.id);
    return invoiceStatus(invoice, settlement, todayIn(ctx.tenant.timeZone, ctx.now()));
  }

  @ListLength(10)
  @FieldResolver(() => [InvoiceLineType], { description: 'Its lines.' })
  lines(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<InvoiceLine[]> {
    return ctx.loaders.linesByInvoiceId.load(invoice.id);
  }

  @FieldResolver(() => FamilyType, { description: 'The family billed.' })
  family(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<Family> {
    return present(ctx.loaders.familyById.load(invoice.family.id));
  }

  @FieldResolver(() => InvoiceType, {
    nullable: true,
    description: 'For a credit note: the invoice it corrects.',
  })
  creditedInvoice(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<Invoice | null> | null {
    return invoice.creditedInvoiceId ? ctx.loaders.invoiceById.load(invoice.creditedInvoiceId) : null;
  }

  @ListLength(2)
  @FieldResolver(() => [InvoiceType], { description: 'Credit notes issued against it.' })
  creditNotes(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<Invoice[]> {
    return ctx.loaders.creditNotesByInvoiceId.load(invoice.id);
  }

  @FieldResolver(() => String, {
    description:
      "A link to download it as PDF that works for ten minutes without an Authorization header (e.g. in an `<a href>`): `/documents/invoices/<number>.pdf?expires=…&tenant=…&reader=…&sig=…`, signed for this tenant and this viewer. A path to resolve against the API's URL, or absolute when the server's PUBLIC_URL is set. Past its expiry, or altered, it answers 403: ask for a new one. The same path without its parameters works with the bearer token. See docs/auth.md.",
  })
  pdfUrl(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): string {
    // The invoice reached this field, so the viewer may read it; the link opens it alone.
    const { path, params } = invoicePdfDocument(invoice.number);
    return ctx.links.sign({ path, params, tenant: ctx.tenant.slug, viewer: ctx.viewer, now: ctx.now() });
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

@Resolver(() => FamilyType)
export class FamilyInvoicesResolver {
  @Access(BILLING_READERS)
  @FieldResolver(() => InvoiceConnection, {
    description:
      "The family's invoices and credit notes, newest first (staff, billing:read keys, the family).",
  })
  async invoices(
    @Root() family: Family,
    @Args() args: FamilyInvoicesArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Invoice>> {
    return toConnection(
      await ctx.loaders.invoicePagesByFamilyId.load({ parentId: family.id, args: { ...args } }),
    );
  }
}
