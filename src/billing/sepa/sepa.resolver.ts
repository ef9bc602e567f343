import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { isStaff } from '../../auth/viewer';
import type { Family } from '../../families/family.entity';
import { FamilyType } from '../../families/family.types';
import { ListLength } from '../../graphql/cost';
import { Access, STAFF, TENANT_ADMIN } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { moneyOf, MoneyType } from '../../graphql/money';
import { registerNode } from '../../graphql/node';
import { afterCommit } from '../../graphql/payload';
import { toGlobalId } from '../../shared/ids';
import { batchPain008, createDebitBatch, exportDebitBatch } from './debits.service';
import { closeMandate, createMandate, setSepaCreditor } from './mandates.service';
import { importDebitReturns } from './returns.service';
import { DebitBatch, Mandate } from './sepa.entity';
import {
  CloseMandateInput,
  CreateDebitBatchInput,
  CreateMandateInput,
  DebitBatchPayload,
  DebitBatchType,
  DebitType,
  ExportDebitBatchInput,
  ImportDebitReturnsInput,
  ImportDebitReturnsPayload,
  MandatePayload,
  MandateType,
  SetSepaCreditorInput,
  SetSepaCreditorPayload,
} from './sepa.types';

registerNode({
  typeName: 'Mandate',
  entity: Mandate,
  load: async (ctx, id) => (isStaff(ctx.viewer) ? ctx.em.findOne(Mandate, { id }) : null),
});
registerNode({
  typeName: 'DebitBatch',
  entity: DebitBatch,
  load: async (ctx, id) => (isStaff(ctx.viewer) ? ctx.em.findOne(DebitBatch, { id }) : null),
});

const batchPayload = (batchId: string | undefined) =>
  afterCommit((read) => (batchId ? read.em.findOne(DebitBatch, { id: batchId }) : null));

/** SEPA direct debits: the creditor, mandates, debit batches (pain.008) and the bank's returns. */
@Resolver(() => DebitBatchType)
export class DebitBatchResolver {
  @FieldResolver(() => MoneyType, { description: 'Total of its debits.' })
  total(@Root() batch: DebitBatch, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(Number(batch.total), ctx.tenant);
  }

  @FieldResolver(() => String, {
    description:
      'The batch as an ISO 20022 pain.008.001.02 XML message (SEPA Core direct debits, UTF-8) to hand to the bank: one payment information block per sequence type, one transaction per debit.',
  })
  pain008(@Root() batch: DebitBatch, @Ctx() ctx: GraphQLContext): Promise<string> {
    return batchPain008(ctx, batch);
  }

  @FieldResolver(() => Int, { description: 'How many debits it sends (withdrawn ones aside).' })
  debitCount(@Root() batch: DebitBatch): number {
    return batch.debits;
  }

  @ListLength(50)
  @FieldResolver(() => [DebitType], {
    description: 'Its debits, by end-to-end id (withdrawn ones too, with their status).',
  })
  async debits(@Root() batch: DebitBatch, @Ctx() ctx: GraphQLContext): Promise<DebitType[]> {
    const rows = await ctx.em.execute<
      {
        end_to_end_id: string;
        amount: number;
        water_amount: number;
        water_period: string | null;
        sequence: string;
        status: string;
        reason_code: string | null;
        numbers: string[];
        instalment_amount: number;
        instalments: { plan_id: string; position: number; due_date: string }[] | null;
      }[]
    >(
      `select d.end_to_end_id, d.amount, d.water_amount, d.water_period, d.sequence, d.status, d.reason_code,
              array(select i.number from unnest(d.invoice_ids) with ordinality u(id, n)
                    join invoices i on i.tenant_id = d.tenant_id and i.id = u.id order by u.n) as numbers,
              d.instalment_amount,
              (select json_agg(json_build_object('plan_id', n.plan_id, 'position', n.position,
                                                 'due_date', to_char(n.due_date, 'YYYY-MM-DD')) order by u.k)
               from unnest(d.instalment_ids) with ordinality u(id, k)
               join instalments n on n.tenant_id = d.tenant_id and n.id = u.id) as instalments
       from sepa_debits d where d.tenant_id = ? and d.batch_id = ? order by d.end_to_end_id`,
      [ctx.tenant.id, batch.id],
    );
    return rows.map((r) => ({
      endToEndId: r.end_to_end_id,
      amount: moneyOf(r.amount, ctx.tenant),
      waterAmount: moneyOf(r.water_amount, ctx.tenant),
      waterPeriod: r.water_period,
      sequence: r.sequence as DebitType['sequence'],
      status: r.status as DebitType['status'],
      reasonCode: r.reason_code,
      invoiceNumbers: r.numbers,
      instalmentAmount: moneyOf(r.instalment_amount, ctx.tenant),
      instalments: (r.instalments ?? []).map((n) => ({
        paymentPlanId: toGlobalId('PaymentPlan', n.plan_id),
        position: n.position,
        dueDate: n.due_date,
      })),
    }));
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => SetSepaCreditorPayload, {
    description:
      "Set the tenant's SEPA creditor details (ICS, name, IBAN, BIC) and rejection fee. Tenant admins; audited. Refused (INVALID) for an ICS or IBAN whose check digits are wrong, a BIC not 8 or 11 characters.",
  })
  async setSepaCreditor(
    @Arg('input', { description: 'The creditor details.' }) input: SetSepaCreditorInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { userErrors } = await setSepaCreditor(ctx, input);
    return { tenant: afterCommit((read) => read.tenant), userErrors };
  }

  @Access(STAFF)
  @Mutation(() => MandatePayload, {
    description:
      "Record a household's signed SEPA mandate. Staff; audited. Refused (INVALID): IBAN length or check digits wrong, country outside SEPA, BIC malformed, reference malformed or already used, signed after today, the family already has an active mandate. Retry-safe with idempotencyKey.",
  })
  async createMandate(
    @Arg('input', { description: 'The mandate.' }) input: CreateMandateInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await createMandate(ctx, input);
    return {
      mandate: afterCommit((read) => (value ? read.em.findOne(Mandate, { id: value.mandateId }) : null)),
      userErrors,
    };
  }

  @Access(STAFF)
  @Mutation(() => MandatePayload, {
    description:
      'Close a mandate, at once or after its next debit (sent FNAL). Staff; audited. Refused (INVALID) for a closed mandate. Retry-safe with idempotencyKey.',
  })
  async closeMandate(
    @Arg('input', { description: 'The mandate.' }) input: CloseMandateInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await closeMandate(ctx, input);
    return {
      mandate: afterCommit((read) => (value ? read.em.findOne(Mandate, { id: value.mandateId }) : null)),
      userErrors,
    };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => DebitBatchPayload, {
    description:
      'Create the debit batch of a collection date: one debit per family with an active mandate, for its open invoices due by that date not already awaiting the bank; numbered without gaps; its pain.008 is DebitBatch.pain008. With prepare: true it is PREPARED, its debits following the family’s payments and credits until exportDebitBatch. Nothing is paid until the return file is imported. Tenant admins; audited. Refused (INVALID): no creditor details, a date not after today, nothing to debit. Retry-safe with idempotencyKey.',
  })
  async createDebitBatch(
    @Arg('input', { description: 'The collection date.' }) input: CreateDebitBatchInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await createDebitBatch(ctx, input);
    return { debitBatch: batchPayload(value?.batchId), userErrors };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => DebitBatchPayload, {
    description:
      'Export a PREPARED debit batch: its debits, as adjusted so far, are frozen (EXPORTED, exportedAt) and DebitBatch.pain008 is the file to hand to the bank; from then on payments and credits on its invoices no longer change it (what the bank then collects beyond what is owed becomes credit at the return import). Tenant admins; audited. Refused (INVALID): a batch already exported or settled, a batch whose every debit was withdrawn. Retry-safe with idempotencyKey.',
  })
  async exportDebitBatch(
    @Arg('input', { description: 'The batch.' }) input: ExportDebitBatchInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await exportDebitBatch(ctx, input);
    return { debitBatch: batchPayload(value?.batchId), userErrors };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => ImportDebitReturnsPayload, {
    description:
      "Import the bank's return file (pain.002 status report) for a batch, all or nothing: each rejected debit keeps its reason code, its invoices are due again, the family is notified and the tenant's rejection fee invoiced; every other debit is collected as a DIRECT_DEBIT payment on its invoices. Tenant admins; audited. Refused (INVALID): not a pain.002 report, a debit not in the batch (a withdrawn debit is not), a batch only prepared or already settled. Retry-safe with idempotencyKey.",
  })
  async importDebitReturns(
    @Arg('input', { description: 'The batch and the file.' }) input: ImportDebitReturnsInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await importDebitReturns(ctx, input);
    return {
      debitBatch: batchPayload(value?.batchId),
      rejected: value?.rejected ?? null,
      collected: value?.collected ?? null,
      userErrors,
    };
  }
}

@Resolver(() => FamilyType)
export class FamilyMandatesResolver {
  @Access(STAFF)
  @ListLength(2)
  @FieldResolver(() => [MandateType], { description: "The family's SEPA mandates, newest first (staff)." })
  mandates(@Root() family: Family, @Ctx() ctx: GraphQLContext): Promise<Mandate[]> {
    return ctx.em.find(Mandate, { familyId: family.id }, { orderBy: { createdAt: 'desc', id: 'desc' } });
  }
}
