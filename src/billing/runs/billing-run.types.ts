import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Access, STAFF } from '../../graphql/access';
import { Node } from '../../graphql/node';
import { payloadType } from '../../graphql/payload';
import { DateTime, LocalDate, YearMonth } from '../../graphql/scalars';
import { TenantType } from '../../directory/tenant.types';
import { idempotencyKeyField } from '../../graphql/inputs';
import { BillingRunKind, BillingRunStatus } from './billing-run.entity';

registerEnumType(BillingRunStatus, {
  name: 'BillingRunStatus',
  description: 'What a billing run did.',
  valuesConfig: {
    COMPLETED: { description: 'Invoices issued (possibly none, when nothing was billable).' },
    SUSPENDED: { description: 'Billing is suspended: nothing was issued, charges keep accruing.' },
    DRAFT: {
      description:
        'Built for review (draftBillingRun): invoicesCreated, chargesInvoiced and amountInvoiced say what promoteBillingRun would issue; no number taken, no charge changed.',
    },
    DISCARDED: { description: 'A draft given up (discardBillingRun): nothing was issued.' },
  },
});
registerEnumType(BillingRunKind, {
  name: 'BillingRunKind',
  description: 'Which kind of run.',
  valuesConfig: {
    MONTHLY: { description: 'Month-end billing of a period.' },
    CATCH_UP: { description: 'Catch-up invoices when billing resumes.' },
    WATER_REGULARISATION: { description: 'Annual water regularisation.' },
    CORRECTIVE: {
      description:
        'Corrections of issued invoices: a credit note and a replacement invoice per invoice corrected (draftCorrectiveRun).',
    },
  },
});

@Access(STAFF)
@ObjectType('BillingRun', { implements: Node, description: 'What one billing run did (staff).' })
export class BillingRunType extends Node {
  @Field(() => BillingRunKind, { description: 'Monthly, catch-up or water regularisation.' })
  kind!: BillingRunKind;

  @Field(() => String, { nullable: true, description: 'The period billed, YYYY-MM (monthly runs).' })
  period?: string | null;

  @Field(() => LocalDate, { description: 'Charges dated up to this day were gathered.' })
  throughDate!: string;

  @Field(() => BillingRunStatus, { description: 'Completed, or suspended (nothing issued).' })
  status!: BillingRunStatus;

  @Field(() => Int, {
    description: 'Invoices issued (a draft: invoices in the draft, excluded ones included).',
  })
  invoicesCreated!: number;

  @Field(() => Int, { description: 'Charges put on them.' })
  chargesInvoiced!: number;

  @Field(() => DateTime, { description: 'Start.' })
  startedAt!: Date;

  @Field(() => DateTime, { description: 'End (of the last build, for a draft).' })
  finishedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'A draft: when it was last built or rebuilt.' })
  builtAt?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'A promoted draft: when it was issued.' })
  promotedAt?: Date | null;
}

@InputType('RunBillingInput', { description: 'Bill a period.' })
export class RunBillingInput {
  @Field(() => YearMonth, { description: 'The month billed, YYYY-MM; it must be over.' })
  period!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('ResumeBillingInput', { description: 'End a billing suspension with catch-up invoices.' })
export class ResumeBillingInput {
  @Field(() => LocalDate, {
    nullable: true,
    description: 'Gather charges up to this day (default: the end of last month).',
  })
  through?: string | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('SuspendBillingInput', { description: 'Suspend billing.' })
export class SuspendBillingInput {
  @Field(() => LocalDate, { nullable: true, description: 'Since when (default: today).' })
  since?: string | null;
}

export const BillingRunPayload = payloadType(
  'BillingRunPayload',
  'Result of runBilling, resumeBilling or regulariseWater.',
  {
    billingRun: { type: () => BillingRunType, nullable: true, description: 'The run.' },
  },
);

export const SuspendBillingPayload = payloadType('SuspendBillingPayload', 'Result of suspendBilling.', {
  tenant: { type: () => TenantType, description: 'The tenant, with its billing configuration.' },
});
