import { ArgsType, Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Access, STAFF } from '../../graphql/access';
import { connectionOf, PageArgs } from '../../graphql/connection';
import { IdField, idempotencyKeyField, TextField } from '../../graphql/inputs';
import { MoneyType } from '../../graphql/money';
import { Node } from '../../graphql/node';
import { LocalDate, YearMonth } from '../../graphql/scalars';
import { BillingRunKind } from '../runs/billing-run.entity';
import { DraftWarning } from './draft-invoice.entity';

registerEnumType(DraftWarning, {
  name: 'DraftWarning',
  description: 'What an agent must look at before a draft invoice goes out.',
  valuesConfig: {
    TOTAL_NOT_POSITIVE: { description: 'The total is zero or negative.' },
    OLD_CHARGES: { description: "The oldest charge is older than the tenant's draftStaleChargeDays." },
    ABOVE_THRESHOLD: { description: "The total is above the tenant's draftAmountThreshold." },
    QUOTIENT_MISSING: { description: 'The family has no quotient on file (priced at the top bracket).' },
    QUOTIENT_EXPIRED: {
      description:
        "The family's latest quotient attestation took effect more than a year before the run's end.",
    },
    ON_PAYMENT_PLAN: { description: 'The family is paying an earlier invoice off on a payment plan.' },
  },
});

@Access(STAFF)
@ObjectType('DraftInvoiceLine', { description: 'A line of a draft invoice, as it would be printed (staff).' })
export class DraftInvoiceLineType {
  @Field({ description: 'Month of the services, YYYY-MM.' })
  month!: string;

  @Field({ description: 'What is billed, as it would be printed.' })
  label!: string;

  @Field(() => Int, { description: 'Units (meals, days, m³…).' })
  quantity!: number;

  @Field(() => MoneyType, { description: 'Price of one unit.' })
  unitPrice!: MoneyType;

  @Field(() => MoneyType, { description: 'quantity × unitPrice.' })
  amount!: MoneyType;
}

@Access(STAFF)
@ObjectType('DraftInvoice', {
  implements: Node,
  description:
    "One family's invoice in a draft billing run: lines and total as they would be issued, no number yet; promotion issues it as an Invoice with the same lines (staff).",
})
export class DraftInvoiceType extends Node {
  @Field(() => LocalDate, { description: 'First day of the services billed.' })
  periodFrom!: string;

  @Field(() => LocalDate, { description: 'Last day of the services billed.' })
  periodTo!: string;

  @Field(() => LocalDate, { description: 'Date of its oldest charge.' })
  oldestCharge!: string;

  @Field(() => [DraftWarning], { description: 'What to check before it goes out (empty: nothing).' })
  warnings!: DraftWarning[];

  @Field({ description: 'Left out of the run by an agent: its charges wait for a later run.' })
  excluded!: boolean;

  @Field(() => String, { nullable: true, description: 'Why it was left out.' })
  excludedReason?: string | null;
}

export const DraftInvoiceConnection = connectionOf(DraftInvoiceType, 'DraftInvoice');

@Access(STAFF)
@ObjectType('DraftWarningCount', { description: 'How many draft invoices carry a warning.' })
export class DraftWarningCountType {
  @Field(() => DraftWarning, { description: 'The warning.' })
  warning!: DraftWarning;

  @Field(() => Int, { description: 'Draft invoices carrying it (excluded ones included).' })
  count!: number;
}

@ArgsType()
export class DraftInvoicesArgs extends PageArgs {
  @Field(() => DraftWarning, { nullable: true, description: 'Only the draft invoices with this warning.' })
  warning?: DraftWarning | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Only the excluded ones (true) or the included ones (false); both when omitted.',
  })
  excluded?: boolean | null;
}

@InputType('DraftBillingRunInput', { description: 'Build a billing run as a draft.' })
export class DraftBillingRunInput {
  @Field(() => BillingRunKind, { description: 'Monthly, catch-up or water regularisation.' })
  kind!: BillingRunKind;

  @Field(() => YearMonth, {
    nullable: true,
    description: 'MONTHLY: the month billed, YYYY-MM; it must be over.',
  })
  period?: string | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'CATCH_UP: gather charges up to this past day (default: the end of last month).',
  })
  through?: string | null;

  @Field(() => Int, { nullable: true, description: 'WATER_REGULARISATION: the year, which must be over.' })
  year?: number | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('BillingRunInput', { description: 'A draft billing run to act on.' })
export class BillingRunInput {
  @IdField('BillingRun', { description: 'The draft run.' })
  runId!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('ExcludeFromBillingRunInput', {
  description: 'Leave a family out of a draft run, or bring it back.',
})
export class ExcludeFromBillingRunInput {
  @IdField('BillingRun', { description: 'The draft run.' })
  runId!: string;

  @IdField('Family', { description: 'The family (it must have an invoice in the draft).' })
  familyId!: string;

  @Field({ description: 'true: leave it out; false: bring it back.' })
  excluded!: boolean;

  @TextField({ nullable: true, maxLength: 500, description: 'Why (at most 500 characters).' })
  reason?: string | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}
