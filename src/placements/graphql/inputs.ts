import { Field, InputType, Int } from 'type-graphql';
import { IdField, idempotencyKeyField, TextField } from '../../graphql/inputs';
import { DateTime, LocalDate } from '../../graphql/scalars';
import { AgeGroup } from '../entities';

@InputType('DeclaredCriterionInput', {
  description: 'A criterion the family declares, with its proof’s reference.',
})
export class DeclaredCriterionInput {
  @TextField({
    maxLength: 40,
    description: 'A criterion code of the tenant or of a chosen facility, e.g. SIBLING.',
  })
  code!: string;
  @TextField({
    nullable: true,
    maxLength: 255,
    description: 'Reference of the proof document (checked by an agent).',
  })
  documentRef?: string | null;
}

@InputType('ApplyForPlacementInput', { description: 'Apply for a childcare place.' })
export class ApplyForPlacementInput {
  @IdField('Child', { description: 'The child.' })
  childId!: string;
  @Field(() => LocalDate, { description: 'When the place should start (YYYY-MM-DD); sets the age group.' })
  desiredStartDate!: string;
  @Field(() => Int, { description: 'Days per week (1 to 7).' })
  daysPerWeek!: number;
  @Field({ description: 'Full time (true) or part time.' })
  fullTime!: boolean;
  @IdField('Facility', {
    list: true,
    maxItems: 20,
    description:
      'Facilities, most wanted first (1 to the tenant’s limit, 5 by default); each needs an age group for the child.',
  })
  facilityIds!: string[];
  @Field(() => [DeclaredCriterionInput], { description: 'Criteria declared (they count once verified).' })
  criteria!: DeclaredCriterionInput[];
  @TextField({
    nullable: true,
    maxLength: 500,
    description:
      'An urgency (e.g. a sudden return to work, a social-services referral): ranks as urgent once its proof is verified.',
  })
  urgentReason?: string | null;
  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('UpdatePlacementApplicationInput', {
  description:
    'Change an ACTIVE application; omitted fields are unchanged; the registration instant is kept.',
})
export class UpdatePlacementApplicationInput {
  @IdField('PlacementApplication', { description: 'The application.' })
  applicationId!: string;
  @Field(() => LocalDate, { nullable: true, description: 'New desired start date.' })
  desiredStartDate?: string;
  @Field(() => Int, { nullable: true, description: 'Days per week (1 to 7).' })
  daysPerWeek?: number;
  @Field({ nullable: true, description: 'Full time or part time.' })
  fullTime?: boolean;
  @IdField('Facility', {
    list: true,
    maxItems: 20,
    nullable: true,
    description: 'The new ordered list of facilities.',
  })
  facilityIds?: string[];
  @Field(() => [DeclaredCriterionInput], {
    nullable: true,
    description: 'The new declared criteria (one kept with the same proof keeps its verification).',
  })
  criteria?: DeclaredCriterionInput[];
  @TextField({
    nullable: true,
    maxLength: 500,
    description: 'The urgency declared (empty: none); fixed once verified.',
  })
  urgentReason?: string | null;
  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('PlacementApplicationInput', { description: 'Act on one application.' })
export class PlacementApplicationInput {
  @IdField('PlacementApplication', { description: 'The application.' })
  applicationId!: string;
  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('VerifyCriterionInput', { description: 'An agent checks a declared criterion’s proof.' })
export class VerifyCriterionInput {
  @IdField('PlacementApplication', { description: 'The application.' })
  applicationId!: string;
  @TextField({ maxLength: 40, description: 'The declared criterion’s code.' })
  code!: string;
  @Field({ description: 'true: VERIFIED (counts); false: REJECTED.' })
  verified!: boolean;
  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('VerifyUrgencyInput', { description: 'An agent verifies the proof of a declared urgency.' })
export class VerifyUrgencyInput {
  @IdField('PlacementApplication', { description: 'The application.' })
  applicationId!: string;
  @Field(() => DateTime, {
    nullable: true,
    description: 'When the proof arrived (default: now): starts the urgent deadline.',
  })
  proofReceivedAt?: Date | null;
  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('ProposeAllocationInput', { description: 'Propose an allocation round.' })
export class ProposeAllocationInput {
  @IdField('Facility', {
    list: true,
    maxItems: 100,
    description: 'The facilities whose free places the round fills (1 to 100).',
  })
  facilityIds!: string[];
  @Field(() => LocalDate, {
    description: 'When the places start; applications wanting to start later wait for a later round.',
  })
  startDate!: string;
  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('AdjustAllocationProposalInput', {
  description: 'The facility refuses a proposed child, with a reason.',
})
export class AdjustAllocationProposalInput {
  @IdField('AllocationProposal', { description: 'The proposed place (`AllocationRound.proposals`).' })
  proposalId!: string;
  @TextField({ maxLength: 500, description: 'Why (required, audited).' })
  reason!: string;
  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('AllocationRoundInput', { description: 'Act on a round.' })
export class AllocationRoundInput {
  @IdField('AllocationRound', { description: 'The round (DRAFT).' })
  roundId!: string;
  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('OfferPlaceInput', { description: 'Offer one free place outside a round.' })
export class OfferPlaceInput {
  @IdField('Facility', { description: 'The facility.' })
  facilityId!: string;
  @Field(() => AgeGroup, { description: 'The age group with a free place.' })
  ageGroup!: AgeGroup;
  @Field(() => LocalDate, { description: 'When the place starts (or the desired start date, if later).' })
  startDate!: string;
  @IdField('PlacementApplication', {
    nullable: true,
    description: 'Omitted: the first-ranked application. Another one needs `reason` (audited).',
  })
  applicationId?: string | null;
  @TextField({ nullable: true, maxLength: 500, description: 'Why not the first-ranked application.' })
  reason?: string | null;
  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('PlacementOfferInput', { description: 'Answer an offer.' })
export class PlacementOfferInput {
  @IdField('PlacementOffer', { description: 'The offer (OFFERED).' })
  offerId!: string;
  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('AllocateUrgentPlaceInput', { description: 'An urgent place outside the queue.' })
export class AllocateUrgentPlaceInput {
  @IdField('Child', { description: 'The child.' })
  childId!: string;
  @IdField('Facility', { description: 'The facility (often a temporary centre).' })
  facilityId!: string;
  @Field(() => AgeGroup, { description: 'The age group with a free place.' })
  ageGroup!: AgeGroup;
  @Field(() => LocalDate, { description: 'First day.' })
  startDate!: string;
  @Field(() => LocalDate, {
    nullable: true,
    description: 'Last day (a temporary facility’s end date at the latest, which is the default there).',
  })
  endDate?: string | null;
  @TextField({ maxLength: 1000, description: 'Why (required, audited, in the urgentPlacements report).' })
  reason!: string;
  @idempotencyKeyField()
  idempotencyKey!: string;
}
