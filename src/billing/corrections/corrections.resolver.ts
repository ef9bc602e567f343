import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Family } from '../../families/family.entity';
import { FamilyType } from '../../families/family.types';
import { Access, STAFF } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { ListLength } from '../../graphql/cost';
import { moneyOf, MoneyType } from '../../graphql/money';
import { afterCommit } from '../../graphql/payload';
import { Charge } from '../../reservations/charge.entity';
import { DraftInvoiceLineType } from '../drafts/draft.types';
import type { Invoice } from '../invoices/invoice.entity';
import { InvoiceType } from '../invoices/invoice.types';
import { runPayload } from '../runs/billing-run.resolver';
import type { BillingRun } from '../runs/billing-run.entity';
import { BillingRunPayload, BillingRunType } from '../runs/billing-run.types';
import type { CorrectionLine, CorrectionWarning } from './build';
import { draftCorrectiveRun } from './corrective-run';
import {
  CorrectBilledChargeInput,
  CorrectBilledChargePayload,
  CorrectBilledPricesInput,
  CorrectBilledPricesPayload,
  CorrectionDraftType,
  DraftCorrectiveRunInput,
} from './corrections.types';
import { correctBilledCharge, correctBilledPrices } from './record.service';
import { present } from '../../shared/loaders';

/** A correction_drafts row as the API reads it. */
interface CorrectionDraftRow {
  id: string;
  familyId: string;
  correctedInvoiceId: string;
  creditNoteId: string;
  replacementId: string;
  creditTotal: number;
  replacementTotal: number;
  creditLines: CorrectionLine[];
  replacementLines: CorrectionLine[];
  reasons: string;
  warnings: CorrectionWarning[];
  excluded: boolean;
  excludedReason: string | null;
}

/** Corrective runs: record corrections, build the run, review it (it is promoted as any draft). */
@Resolver(() => BillingRunType)
export class CorrectiveRunResolver {
  @ListLength(20)
  @FieldResolver(() => [CorrectionDraftType], {
    description:
      'A corrective run: one entry per invoice corrected, largest change first (staff; empty for other runs). Kept after promotion, each with the credit note and replacement it issued.',
  })
  async corrections(@Root() run: BillingRun, @Ctx() ctx: GraphQLContext): Promise<CorrectionDraftRow[]> {
    return ctx.em.execute<CorrectionDraftRow[]>(
      `select id, family_id as "familyId", corrected_invoice_id as "correctedInvoiceId", credit_note_id as "creditNoteId",
              replacement_id as "replacementId", credit_total as "creditTotal", replacement_total as "replacementTotal",
              credit_lines as "creditLines", replacement_lines as "replacementLines", reasons, warnings, excluded,
              excluded_reason as "excludedReason"
       from correction_drafts where tenant_id = ? and billing_run_id = ?
       order by abs(replacement_total - credit_total) desc, id`,
      [ctx.tenant.id, run.id],
    );
  }

  @Access(STAFF)
  @Mutation(() => CorrectBilledChargePayload, {
    description:
      'Correct an invoiced charge (staff; audited): a corrected unitPrice, or cancel: true for a day that should not have been billed. The charge and its invoice never change: the correction waits for a corrective run (draftCorrectiveRun), which issues the credit note and the replacement invoice. A second correction of the same charge before the run replaces the first. Refused (userErrors): NOT_FOUND; INVALID for a charge not invoiced (correct the roll call), already cancelled, the price it is billed at already, no reason, or both or neither of unitPrice and cancel. Retry-safe with idempotencyKey.',
  })
  async correctBilledCharge(
    @Arg('input', { description: 'The charge and its correction.' }) input: CorrectBilledChargeInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await correctBilledCharge(ctx, input);
    return {
      charge: afterCommit((read) => (value ? read.em.findOne(Charge, { id: value.chargeId }) : null)),
      userErrors,
    };
  }

  @Access(STAFF)
  @Mutation(() => CorrectBilledPricesPayload, {
    description:
      "After a family's quotient was corrected (setFamilyQuotient): its invoiced charges dated from `from` through `through` priced again from their grids with the quotient valid on each date now; a pending correction recorded for each whose price differs (staff; audited). Refused (INVALID) without a reason or when through is before from. Retry-safe with idempotencyKey.",
  })
  async correctBilledPrices(
    @Arg('input', { description: 'The family, the days, the reason.' }) input: CorrectBilledPricesInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await correctBilledPrices(ctx, input);
    return { corrections: value?.corrections ?? null, userErrors };
  }

  @Access(STAFF)
  @Mutation(() => BillingRunPayload, {
    description:
      'Build a corrective run as a draft (staff; audited) from every pending correction: per invoice corrected, a credit note and a replacement invoice (BillingRun.corrections). No number is taken, nothing is issued: review, exclude, rebuild, discard or promote it as any draft run (promoteBillingRun numbers the credit notes and the replacements, each series in one gapless block). amountInvoiced is the net change. Refused (INVALID) when no correction is pending. Retry-safe with idempotencyKey.',
  })
  async draftCorrectiveRun(
    @Arg('input', { description: 'The idempotency key.' }) input: DraftCorrectiveRunInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return runPayload(await draftCorrectiveRun(ctx, { idempotencyKey: input.idempotencyKey }));
  }
}

const linesOf = (lines: CorrectionLine[], ctx: GraphQLContext): DraftInvoiceLineType[] =>
  lines.map((line) => ({
    month: line.month,
    label: line.label,
    quantity: line.quantity,
    unitPrice: moneyOf(line.unitPrice, ctx.tenant),
    amount: moneyOf(line.amount, ctx.tenant),
  }));

@Resolver(() => CorrectionDraftType)
export class CorrectionDraftResolver {
  @FieldResolver(() => FamilyType, { description: 'The family.' })
  family(@Root() row: CorrectionDraftRow, @Ctx() ctx: GraphQLContext): Promise<Family> {
    return present(ctx.loaders.familyById.load(row.familyId));
  }

  @FieldResolver(() => InvoiceType, { description: 'The invoice corrected (it never changes).' })
  correctedInvoice(@Root() row: CorrectionDraftRow, @Ctx() ctx: GraphQLContext): Promise<Invoice> {
    return present(ctx.loaders.invoiceById.load(row.correctedInvoiceId));
  }

  @FieldResolver(() => MoneyType, { description: 'What the credit note takes off (0: no credit note).' })
  creditTotal(@Root() row: CorrectionDraftRow, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(row.creditTotal, ctx.tenant);
  }

  @FieldResolver(() => MoneyType, {
    description: 'What the replacement bills (0 and no lines: no replacement).',
  })
  replacementTotal(@Root() row: CorrectionDraftRow, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(row.replacementTotal, ctx.tenant);
  }

  @FieldResolver(() => MoneyType, {
    description: 'replacementTotal − creditTotal: negative when the family owes less.',
  })
  change(@Root() row: CorrectionDraftRow, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(row.replacementTotal - row.creditTotal, ctx.tenant);
  }

  @FieldResolver(() => [DraftInvoiceLineType], { description: "The credit note's lines, in print order." })
  creditNoteLines(@Root() row: CorrectionDraftRow, @Ctx() ctx: GraphQLContext): DraftInvoiceLineType[] {
    return linesOf(row.creditLines, ctx);
  }

  @FieldResolver(() => [DraftInvoiceLineType], { description: "The replacement's lines, in print order." })
  replacementLines(@Root() row: CorrectionDraftRow, @Ctx() ctx: GraphQLContext): DraftInvoiceLineType[] {
    return linesOf(row.replacementLines, ctx);
  }

  @FieldResolver(() => InvoiceType, {
    nullable: true,
    description:
      'Once promoted: the credit note issued; null before, when excluded, or when nothing was credited.',
  })
  creditNote(@Root() row: CorrectionDraftRow, @Ctx() ctx: GraphQLContext): Promise<Invoice | null> {
    return ctx.loaders.invoiceById.load(row.creditNoteId);
  }

  @FieldResolver(() => InvoiceType, {
    nullable: true,
    description:
      'Once promoted: the replacement invoice issued; null before, when excluded, or when every charge was cancelled.',
  })
  replacement(@Root() row: CorrectionDraftRow, @Ctx() ctx: GraphQLContext): Promise<Invoice | null> {
    return ctx.loaders.invoiceById.load(row.replacementId);
  }
}

/** Both ways of the `corrects` link between an invoice and its corrections. */
@Resolver(() => InvoiceType)
export class InvoiceCorrectionsResolver {
  @FieldResolver(() => InvoiceType, {
    nullable: true,
    description:
      'For a credit note or a replacement invoice: the invoice it corrects (see `reason` for why); null for other documents.',
  })
  corrects(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<Invoice | null> | null {
    const id = invoice.creditedInvoiceId ?? invoice.correctsInvoiceId;
    return id ? ctx.loaders.invoiceById.load(id) : null;
  }

  @ListLength(4)
  @FieldResolver(() => [InvoiceType], {
    description:
      'The documents that correct it: credit notes (by hand or by corrective runs) and replacement invoices, oldest first; empty when it was never corrected.',
  })
  correctedBy(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<Invoice[]> {
    return ctx.loaders.correctionsByInvoiceId.load(invoice.id);
  }
}
