import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Family } from '../../families/family.entity';
import { FamilyType } from '../../families/family.types';
import { Access, STAFF, TENANT_ADMIN } from '../../graphql/access';
import { toConnection, type ConnectionShape } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { moneyOf, MoneyType } from '../../graphql/money';
import { registerNode } from '../../graphql/node';
import { isStaff } from '../../auth/viewer';
import { paginate, sql, type Condition } from '../../shared/pagination';
import type { Invoice } from '../invoices/invoice.entity';
import { InvoiceType } from '../invoices/invoice.types';
import { BillingRun } from '../runs/billing-run.entity';
import { runPayload } from '../runs/billing-run.resolver';
import { BillingRunPayload, BillingRunType } from '../runs/billing-run.types';
import { DraftInvoice, DraftInvoiceLine, DraftWarning } from './draft-invoice.entity';
import {
  BillingRunInput,
  DraftBillingRunInput,
  DraftInvoiceConnection,
  DraftInvoiceLineType,
  DraftInvoicesArgs,
  DraftInvoiceType,
  DraftWarningCountType,
  ExcludeFromBillingRunInput,
} from './draft.types';
import {
  discardBillingRun,
  draftBillingRun,
  excludeFromBillingRun,
  rebuildBillingRun,
} from './drafts.service';
import { promoteBillingRun } from './promote';
import { present } from '../../shared/loaders';

registerNode({
  typeName: 'DraftInvoice',
  entity: DraftInvoice,
  load: async (ctx, id) => (isStaff(ctx.viewer) ? ctx.em.findOne(DraftInvoice, { id }) : null),
});

/** Draft runs: build, review (by warning), exclude, rebuild, promote or discard. */
@Resolver(() => BillingRunType)
export class DraftRunResolver {
  @FieldResolver(() => DraftInvoiceConnection, {
    description:
      'A draft run: its invoices, largest total first, filtered by warning or exclusion (staff). Kept after promotion (each issued as the Invoice it became).',
  })
  async draftInvoices(
    @Root() run: BillingRun,
    @Args() { warning, excluded, ...page }: DraftInvoicesArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<DraftInvoice>> {
    const where: Condition[] = [sql('t.billing_run_id = ?', run.id)];
    if (warning) where.push(sql('? = any (t.warnings)', warning));
    if (excluded != null) where.push(sql('t.excluded = ?', excluded));
    return toConnection(
      await paginate(
        ctx.em,
        {
          entity: DraftInvoice,
          table: 'billing_draft_invoices',
          tenantId: ctx.tenant.id,
          orderBy: ['total', 'id'],
          direction: 'desc',
          where,
        },
        page,
      ),
    );
  }

  @FieldResolver(() => [DraftWarningCountType], {
    description:
      'A draft run: how many of its invoices carry each warning (every warning listed, 0 included).',
  })
  async warningCounts(@Root() run: BillingRun, @Ctx() ctx: GraphQLContext): Promise<DraftWarningCountType[]> {
    const rows = await ctx.em.execute<{ warning: DraftWarning; count: number }[]>(
      `select w as warning, count(*)::int as count from billing_draft_invoices, unnest(warnings) w
       where tenant_id = ? and billing_run_id = ? group by w`,
      [ctx.tenant.id, run.id],
    );
    return Object.values(DraftWarning).map((warning) => ({
      warning,
      count: rows.find((r) => r.warning === warning)?.count ?? 0,
    }));
  }

  @Access(STAFF)
  @Mutation(() => BillingRunPayload, {
    description:
      'Build a billing run (monthly, catch-up or water regularisation) as a draft to review: every invoice with its lines, totals and warnings; no number is taken and no charge changes. Staff. Refused (userErrors, INVALID) for a month not over, a catch-up while billing is not suspended, a monthly run while it is, a year not over. Retry-safe with idempotencyKey.',
  })
  async draftBillingRun(
    @Arg('input', { description: 'Which run.' }) input: DraftBillingRunInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return runPayload(await draftBillingRun(ctx, input));
  }

  @Access(STAFF)
  @Mutation(() => BillingRunPayload, {
    description:
      "Build a draft again from today's charges, after data was corrected: its invoices and warnings are replaced, exclusions kept. Staff. Refused (INVALID) once the run is not a draft. Retry-safe with idempotencyKey.",
  })
  async rebuildBillingRun(
    @Arg('input', { description: 'The draft.' }) input: BillingRunInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return runPayload(await rebuildBillingRun(ctx, input));
  }

  @Access(STAFF)
  @Mutation(() => BillingRunPayload, {
    description:
      'Leave a family out of a draft run (its charges wait for a later run), or bring it back. Staff; audited. Refused: NOT_FOUND when the family has no invoice in the draft, INVALID once the run is not a draft.',
  })
  async excludeFromBillingRun(
    @Arg('input', { description: 'The run, the family, and whether to exclude it.' })
    input: ExcludeFromBillingRunInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return runPayload(await excludeFromBillingRun(ctx, input));
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => BillingRunPayload, {
    description:
      'Issue a draft run whole, in one transaction: its invoices (excluded ones aside) numbered in one gapless block, charges linked, credit applied; a catch-up ends the billing suspension. Tenant admins; audited. Refused (INVALID): the run is not a draft (already promoted — of two promotions at once one wins —, or discarded); details.reason STALE_DRAFT when charges changed since it was built (rebuild it). Retry-safe with idempotencyKey.',
  })
  async promoteBillingRun(
    @Arg('input', { description: 'The draft.' }) input: BillingRunInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return runPayload(await promoteBillingRun(ctx, input));
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => BillingRunPayload, {
    description:
      'Give a draft up: its draft invoices are deleted, nothing was issued. Tenant admins; audited. Refused (INVALID) once the run is not a draft. Retry-safe with idempotencyKey.',
  })
  async discardBillingRun(
    @Arg('input', { description: 'The draft.' }) input: BillingRunInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return runPayload(await discardBillingRun(ctx, input));
  }
}

@Resolver(() => DraftInvoiceType)
export class DraftInvoiceResolver {
  @FieldResolver(() => FamilyType, { description: 'The family it would bill.' })
  family(@Root() draft: DraftInvoice, @Ctx() ctx: GraphQLContext): Promise<Family> {
    return present(ctx.loaders.familyById.load(draft.familyId));
  }

  @FieldResolver(() => MoneyType, { description: 'Its total, as it would be issued.' })
  total(@Root() draft: DraftInvoice, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(draft.total, ctx.tenant);
  }

  @FieldResolver(() => InvoiceType, {
    nullable: true,
    description:
      'Once the run is promoted: the invoice it became (same lines and total, numbered); null before, or when excluded.',
  })
  invoice(@Root() draft: DraftInvoice, @Ctx() ctx: GraphQLContext): Promise<Invoice | null> {
    return ctx.loaders.invoiceById.load(draft.id);
  }

  @FieldResolver(() => [DraftInvoiceLineType], { description: 'Its lines, in print order.' })
  async lines(@Root() draft: DraftInvoice, @Ctx() ctx: GraphQLContext): Promise<DraftInvoiceLineType[]> {
    const lines = await ctx.loaders.draftLinesByDraftId.load(draft.id);
    return lines.map((line: DraftInvoiceLine) => ({
      month: line.month,
      label: line.label,
      quantity: line.quantity,
      unitPrice: moneyOf(line.unitPrice, ctx.tenant),
      amount: moneyOf(line.amount, ctx.tenant),
    }));
  }
}
