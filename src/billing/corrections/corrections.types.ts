import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Access, STAFF } from '../../graphql/access';
import { IdField, idempotencyKeyField, TextField } from '../../graphql/inputs';
import { payloadType } from '../../graphql/payload';
import { LocalDate } from '../../graphql/scalars';
import { ChargeType } from '../../reservations/reservation.types';
import { CorrectionWarning } from './build';

registerEnumType(CorrectionWarning, {
  name: 'CorrectionWarning',
  description: 'What an agent must look at before a correction goes out.',
  valuesConfig: {
    ALREADY_CREDITED: {
      description:
        'The invoice was already credited by hand for these units, or cannot be credited that much any more: exclude it, or the promotion is refused.',
    },
    INCREASE: { description: 'The correction raises what the family owes.' },
    HANDED_OVER: {
      description:
        'The invoice was handed over to the public treasury (Invoice.status HANDED_OVER): no credit note is put on it here any more, the correction goes through the treasury. Exclude it, or the promotion is refused (INVALID, reason HANDED_OVER).',
    },
  },
});

@Access(STAFF)
@ObjectType('CorrectionDraft', {
  description:
    'One invoice corrected in a corrective draft run: the credit note taking its corrected charges off at the price they were billed, and the replacement invoice billing them again at the corrected price (cancelled ones left out). replacementTotal − creditTotal = change. After promotion, `creditNote` and `replacement` are the documents issued (staff).',
})
export class CorrectionDraftType {
  @Field({ description: 'Why: the corrections’ reasons, joined by " ; ".' })
  reasons!: string;

  @Field(() => [CorrectionWarning], { description: 'What to check before it goes out (empty: nothing).' })
  warnings!: CorrectionWarning[];

  @Field({ description: 'Left out of the run by an agent (excludeFromBillingRun): its corrections wait.' })
  excluded!: boolean;

  @Field(() => String, { nullable: true, description: 'Why it was left out.' })
  excludedReason?: string | null;
}

@InputType('CorrectBilledChargeInput', {
  description: 'Correct an invoiced charge: a corrected unit price, or cancel (exactly one of the two).',
})
export class CorrectBilledChargeInput {
  @IdField('Charge', { description: 'The invoiced charge.' })
  chargeId!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'The corrected unit price, in minor units (cents), ≥ 0 and different from the billed one.',
  })
  unitPrice?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'true: the charge should not have been billed (a billed day unlocked); it is credited and not re-billed.',
  })
  cancel?: boolean | null;

  @TextField({ maxLength: 500, description: 'Why (printed on the documents; at most 500 characters).' })
  reason!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('CorrectBilledPricesInput', {
  description: "Price a family's invoiced charges again, after its quotient was corrected.",
})
export class CorrectBilledPricesInput {
  @IdField('Family', { description: 'The family.' })
  familyId!: string;

  @Field(() => LocalDate, { description: 'First day of the charges to price again.' })
  from!: string;

  @Field(() => LocalDate, { description: 'Last day of the charges to price again (on or after from).' })
  through!: string;

  @TextField({ maxLength: 500, description: 'Why (printed on the documents; at most 500 characters).' })
  reason!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('DraftCorrectiveRunInput', { description: 'Build a corrective run from the pending corrections.' })
export class DraftCorrectiveRunInput {
  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const CorrectBilledChargePayload = payloadType(
  'CorrectBilledChargePayload',
  'Result of correctBilledCharge.',
  {
    charge: {
      type: () => ChargeType,
      nullable: true,
      description: 'The charge corrected (itself unchanged: the correction waits for a corrective run).',
    },
  },
);

export const CorrectBilledPricesPayload = payloadType(
  'CorrectBilledPricesPayload',
  'Result of correctBilledPrices.',
  {
    corrections: {
      type: () => Int,
      nullable: true,
      description: 'How many charges got a pending correction (0: every price was right).',
    },
  },
);
