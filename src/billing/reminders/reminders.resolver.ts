import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { can, isStaff, Scope } from '../../auth/viewer';
import { canSeeFamilyBilling } from '../../families/families.service';
import { Access, STAFF, TENANT_ADMIN } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { ListLength } from '../../graphql/cost';
import { moneyOf, MoneyType } from '../../graphql/money';
import { registerNode } from '../../graphql/node';
import { afterCommit } from '../../graphql/payload';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode } from '../../shared/user-errors';
import type { Invoice } from '../invoices/invoice.entity';
import { InvoiceType } from '../invoices/invoice.types';
import { BILLING_READERS } from '../../reservations/reservation.types';
import { handOverToTreasury } from './hand-over.service';
import { setReminderPolicy } from './policy.service';
import { Reminder, ReminderBatch, ReminderSource, TreasuryBatch } from './reminder.entity';
import { sendReminders } from './reminders.service';
import {
  HandOverToTreasuryInput,
  HandOverToTreasuryPayload,
  ReminderBatchType,
  ReminderPolicyPayload,
  ReminderPolicyType,
  ReminderType,
  RunRemindersInput,
  RunRemindersPayload,
  SetReminderPolicyInput,
  TreasuryBatchType,
  TreasuryHandOverType,
} from './reminders.types';
import {
  reminderBatchLettersDocument,
  reminderLetterDocument,
  treasuryBatchCsvDocument,
} from './document-paths';

registerNode({
  typeName: 'Reminder',
  entity: Reminder,
  load: async (ctx, id) => {
    const reminder = await ctx.em.findOne(Reminder, { id });
    return reminder && canSeeFamilyBilling(ctx, reminder.familyId) ? reminder : null;
  },
});
registerNode({
  typeName: 'ReminderBatch',
  entity: ReminderBatch,
  load: async (ctx, id) => (isStaff(ctx.viewer) ? ctx.em.findOne(ReminderBatch, { id }) : null),
});
registerNode({
  typeName: 'TreasuryBatch',
  entity: TreasuryBatch,
  load: async (ctx, id) =>
    can(ctx.viewer, Scope.BILLING_READ) ? ctx.em.findOne(TreasuryBatch, { id }) : null,
});

const policyOf = (ctx: GraphQLContext): ReminderPolicyType => ({
  levels: (ctx.tenant.config.reminderLevels ?? []).map((l) => ({
    days: l.days,
    fee: moneyOf(l.fee, ctx.tenant),
  })),
  handOverDays: ctx.tenant.config.handOverDays,
});

const runReminders = idempotentMutation('runReminders', async (ctx) =>
  done(await sendReminders(ctx, ReminderSource.AGENT)),
);
const handOver = idempotentMutation('handOverToTreasury', async (ctx) => {
  const result = await handOverToTreasury(ctx);
  return result ? done(result) : refuse(UserErrorCode.INVALID, msg('treasury.nothingToHandOver'), []);
});

/** Reminders (relances) and the hand-over of unpaid debts to the public treasury. */
@Resolver()
export class RemindersResolver {
  @Access(STAFF)
  @Query(() => ReminderPolicyType, {
    description: "The tenant's reminder levels and hand-over delay (staff).",
  })
  reminderPolicy(@Ctx() ctx: GraphQLContext): ReminderPolicyType {
    return policyOf(ctx);
  }

  @Access(STAFF)
  @ListLength(31)
  @Query(() => [ReminderBatchType], {
    description: 'The last 31 batches of reminders, newest first (staff).',
  })
  reminderBatches(@Ctx() ctx: GraphQLContext): Promise<ReminderBatch[]> {
    return ctx.em.find(ReminderBatch, {}, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: 31 });
  }

  @Access({ scopes: [Scope.BILLING_READ] })
  @ListLength(50)
  @Query(() => [TreasuryBatchType], {
    description:
      'The last 50 collection batches handed over to the public treasury, newest first (staff and billing:read keys).',
  })
  treasuryBatches(@Ctx() ctx: GraphQLContext): Promise<TreasuryBatch[]> {
    return ctx.em.find(TreasuryBatch, {}, { orderBy: { year: 'desc', sequence: 'desc' }, limit: 50 });
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => ReminderPolicyPayload, {
    description:
      "Set the tenant's reminder levels (1 to 5, each `days` after the due date, with a fee charged once per debt or none) and the days after the due date when a debt past its last level goes to the treasury. Tenant admins; audited. Refused (INVALID): levels not in increasing days, out of range, a hand-over not after the last level.",
  })
  async setReminderPolicy(
    @Arg('input', { description: 'The policy.' }) input: SetReminderPolicyInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await setReminderPolicy(ctx, input);
    return { policy: afterCommit((read) => (value ? policyOf(read) : null)), userErrors };
  }

  @Access(STAFF)
  @Mutation(() => RunRemindersPayload, {
    description:
      'Send the reminders due today (the daily job does the same): each overdue invoice off any plan and each missed instalment whose next level is due gets it — a notification in the family’s log and a printable letter; a fee level charges its fee once (a FEE invoice). A debt climbs one level per batch. Staff; audited. Safe to repeat: nothing is sent twice (batch null when nothing was due).',
  })
  async runReminders(
    @Arg('input', { description: 'The idempotency key.' }) input: RunRemindersInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await runReminders(ctx, input);
    return {
      batch: afterCommit((read) =>
        value?.batchId ? read.em.findOne(ReminderBatch, { id: value.batchId }) : null,
      ),
      userErrors,
    };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => HandOverToTreasuryPayload, {
    description:
      'Hand over to the public treasury, in one collection batch numbered without gaps (TP2026-000001), every debt past its last reminder and the hand-over delay: overdue invoices, and the invoices of a plan whose instalment went unpaid. Each goes over once, with what it still owed; from then on no payment, credit or credit note is put on it here. Tenant admins (the daily job does the same); audited. Refused (INVALID) when nothing is eligible — no number is used.',
  })
  async handOverToTreasury(
    @Arg('input', { description: 'The idempotency key.' }) input: HandOverToTreasuryInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await handOver(ctx, input);
    return {
      treasuryBatch: afterCommit((read) =>
        value ? read.em.findOne(TreasuryBatch, { id: value.batchId }) : null,
      ),
      userErrors,
    };
  }
}

@Resolver(() => ReminderType)
export class ReminderResolver {
  @FieldResolver(() => MoneyType, { description: 'What was left to pay when it was sent.' })
  amount(@Root() reminder: Reminder, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(reminder.amount, ctx.tenant);
  }

  @FieldResolver(() => MoneyType, { description: 'The fee charged with it (zero: none).' })
  fee(@Root() reminder: Reminder, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(reminder.fee, ctx.tenant);
  }

  @FieldResolver(() => String, {
    description:
      'A link to its printable letter (PDF), working for ten minutes without an Authorization header (signed for this viewer).',
  })
  letterUrl(@Root() reminder: Reminder, @Ctx() ctx: GraphQLContext): string {
    const { path, params } = reminderLetterDocument(reminder.id);
    return ctx.links.sign({ path, params, tenant: ctx.tenant.slug, viewer: ctx.viewer, now: ctx.now() });
  }
}

@Resolver(() => ReminderBatchType)
export class ReminderBatchResolver {
  @FieldResolver(() => String, {
    description:
      'A link to all its letters in one PDF, one per page, to print and post (ten minutes, signed).',
  })
  lettersUrl(@Root() batch: ReminderBatch, @Ctx() ctx: GraphQLContext): string {
    const { path, params } = reminderBatchLettersDocument(batch.id);
    return ctx.links.sign({ path, params, tenant: ctx.tenant.slug, viewer: ctx.viewer, now: ctx.now() });
  }
}

@Resolver(() => TreasuryBatchType)
export class TreasuryBatchResolver {
  @FieldResolver(() => MoneyType, { description: 'What its invoices still owed when handed over.' })
  total(@Root() batch: TreasuryBatch, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(batch.total, ctx.tenant);
  }

  @FieldResolver(() => String, {
    description:
      'A link to its CSV for the treasury (one line per invoice: number, dates, debtor and address, amount, object; RFC 4180), ten minutes, signed. Its columns and the PES V2 fields they map to: docs/billing.md.',
  })
  csvUrl(@Root() batch: TreasuryBatch, @Ctx() ctx: GraphQLContext): string {
    const { path, params } = treasuryBatchCsvDocument(batch.number);
    return ctx.links.sign({ path, params, tenant: ctx.tenant.slug, viewer: ctx.viewer, now: ctx.now() });
  }
}

@Resolver(() => InvoiceType)
export class InvoiceCollectionResolver {
  @Access(BILLING_READERS)
  @ListLength(5)
  @FieldResolver(() => [ReminderType], { description: 'The reminders sent for it, first level first.' })
  reminders(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<Reminder[]> {
    return ctx.loaders.remindersByInvoiceId.load(invoice.id);
  }

  @Access(BILLING_READERS)
  @FieldResolver(() => TreasuryHandOverType, {
    nullable: true,
    description:
      'Set when it was handed over to the public treasury, which collects it from then on: no payment, credit or credit note is put on it here any more. Null otherwise.',
  })
  async treasuryHandOver(
    @Root() invoice: Invoice,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TreasuryHandOverType | null> {
    const row = await ctx.loaders.handOverByInvoiceId.load(invoice.id);
    return row
      ? {
          batchNumber: row.batch_number,
          handedOverOn: row.handed_over_on,
          position: row.position,
          amount: moneyOf(Number(row.amount), ctx.tenant),
        }
      : null;
  }
}
