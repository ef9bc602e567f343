import { Field, Int, ObjectType } from 'type-graphql';
import { Access, STAFF } from '../../graphql/access';
import { Node } from '../../graphql/node';
import { DateTime, LocalDate } from '../../graphql/scalars';
import { ReservationChannel } from '../../shared/channels';
import { AgeGroup, ApplicationStatus, OfferStatus } from '../entities';
import { PLACEMENT_READERS } from './enums';

@Access(PLACEMENT_READERS)
@ObjectType('PlacementCriterionPoints', {
  description: 'A verified admission criterion that counts at a facility.',
})
export class CriterionPointsType {
  @Field({ description: 'The criterion code, e.g. SIBLING.' })
  code!: string;
  @Field({ description: "The tenant's (or facility's) wording, e.g. « Frère ou sœur fréquentant le CPE »." })
  label!: string;
  @Field(() => Int, { description: 'Points it is worth at this facility.' })
  points!: number;
}

@Access(PLACEMENT_READERS)
@ObjectType('DeclaredCriterion', { description: 'A criterion the family declared, and its verification.' })
export class DeclaredCriterionType {
  @Field({ description: 'The criterion code.' })
  code!: string;
  @Field({ description: "The tenant's wording." })
  label!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Reference of the proof document, as the family gave it.',
  })
  documentRef?: string | null;
  @Field({ description: 'DECLARED (not checked yet: counts for nothing), VERIFIED (counts), REJECTED.' })
  status!: string;
  @Field(() => DateTime, { nullable: true, description: 'When an agent checked it.' })
  verifiedAt?: Date | null;
}

@Access(PLACEMENT_READERS)
@ObjectType('PlacementPreference', {
  description: 'One facility an application chose, in the family’s order.',
})
export class PreferenceType {
  @Field(() => Int, { description: '1 for the most wanted.' })
  preference!: number;
  @Field(() => DateTime, {
    nullable: true,
    description: 'When the family declined an offer there (it no longer waits there).',
  })
  declinedAt?: Date | null;
  facilityId!: string;
}

@Access(PLACEMENT_READERS)
@ObjectType('PlacementStanding', {
  description:
    'Where an ACTIVE application stands at one facility it chose: "4th of 37 at CPE Les Lucioles: sibling attending +30, registered 2026-03-02".',
})
export class StandingType {
  @Field(() => Int, { description: 'The family’s order for this facility (1: most wanted).' })
  preference!: number;
  @Field(() => AgeGroup, { description: 'The age group the child falls in there at the desired start date.' })
  ageGroup!: AgeGroup;
  @Field(() => Int, {
    description: 'Rank in that age group’s queue, 1 being the next to be offered a place.',
  })
  rank!: number;
  @Field(() => Int, { description: 'Applications ahead of this one (rank − 1).' })
  ahead!: number;
  @Field(() => Int, { description: 'Applications in that queue.' })
  queueLength!: number;
  @Field(() => Int, { description: 'Points of the verified criteria at this facility.' })
  points!: number;
  @Field({
    description: 'Whether the application ranks as urgent (its urgency verified): before any points.',
  })
  urgent!: boolean;
  @Field(() => DateTime, { description: 'The registration instant, which orders equal points.' })
  registeredAt!: Date;
  @Field(() => [CriterionPointsType], { description: 'The criteria that count here, with their points.' })
  criteria!: CriterionPointsType[];
  facilityId!: string;
}

@Access(PLACEMENT_READERS)
@ObjectType('PlacementApplication', {
  implements: Node,
  description: 'A child’s application for a childcare place, ranked at each facility it chose.',
})
export class PlacementApplicationType extends Node {
  @Field(() => ApplicationStatus, { description: 'Where it stands.' })
  status!: ApplicationStatus;
  @Field(() => DateTime, {
    description: 'The registration instant: set once, never changed (updates keep it).',
  })
  registeredAt!: Date;
  @Field(() => LocalDate, { description: 'When the family wants the place to start (YYYY-MM-DD).' })
  desiredStartDate!: string;
  @Field(() => Int, { description: 'Days per week wanted (1 to 7).' })
  daysPerWeek!: number;
  @Field({ description: 'Full time (true) or part time.' })
  fullTime!: boolean;
  @Field(() => ReservationChannel, { description: 'ONLINE by the family, COUNTER by an agent.' })
  channel!: ReservationChannel;
  @Field({ description: 'Whether the family declared an urgency.' })
  urgentDeclared!: boolean;
  @Field(() => String, { nullable: true, description: 'The urgency the family declared.' })
  urgentReason?: string | null;
  @Field(() => DateTime, {
    nullable: true,
    description: 'When the urgency’s proof arrived (verified by an agent): it ranks as urgent from then.',
  })
  urgentProofAt?: Date | null;
  @Field(() => DateTime, {
    nullable: true,
    description: 'When it left the queue (placed, withdrawn, expired).',
  })
  closedAt?: Date | null;
}

@Access(PLACEMENT_READERS)
@ObjectType('PlacementOffer', {
  implements: Node,
  description: 'A childcare place offered to an application.',
})
export class PlacementOfferType extends Node {
  @Field(() => OfferStatus, { description: 'Where it stands.' })
  status!: OfferStatus;
  @Field(() => AgeGroup, { description: 'The age group of the place.' })
  ageGroup!: AgeGroup;
  @Field(() => LocalDate, { description: 'When the place starts.' })
  startDate!: string;
  @Field(() => DateTime, { description: 'When it was made.' })
  offeredAt!: Date;
  @Field(() => DateTime, { description: 'Answer before this instant, or the place goes back to the queue.' })
  expiresAt!: Date;
  @Field(() => DateTime, { nullable: true, description: 'When it was answered (or expired).' })
  answeredAt?: Date | null;
  @Access(STAFF)
  @Field(() => String, {
    nullable: true,
    description: 'Why an agent offered it to another than the first-ranked application (staff only).',
  })
  outOfOrderReason?: string | null;
}

@Access(PLACEMENT_READERS)
@ObjectType('Placement', {
  implements: Node,
  description: 'A child’s place in a facility age group from a start date: what monthly billing charges.',
})
export class PlacementType extends Node {
  @Field(() => AgeGroup, { description: 'The age group.' })
  ageGroup!: AgeGroup;
  @Field(() => LocalDate, { description: 'First day.' })
  startDate!: string;
  @Field(() => LocalDate, {
    nullable: true,
    description:
      'Last day: by default the day before the child leaves its age group (ages out), earlier when ended (endPlacement, a transfer, a temporary centre closing); null if unknown.',
  })
  endDate?: string | null;
  @Field(() => Int, { description: 'Days per week.' })
  daysPerWeek!: number;
  @Field({ description: 'Full time or part time.' })
  fullTime!: boolean;
  @Field({
    description:
      'ACTIVE, or ENDED: its end is settled and its place went back to the age group (ended by an agent or a transfer, or its last day has passed).',
  })
  status!: string;
  @Access(STAFF)
  @Field(() => String, {
    nullable: true,
    description: 'Why an agent ended it early (staff only); null otherwise.',
  })
  endReason?: string | null;
  @Field({ description: 'An urgent place, given outside the queue by a tenant admin.' })
  urgent!: boolean;
  @Access(STAFF)
  @Field(() => String, { nullable: true, description: 'Why the urgent place was given (staff only).' })
  urgentReason?: string | null;
  @Access(STAFF)
  @Field({ description: 'Who gave it (the subject of their token; staff only).' })
  createdBy!: string;
  @Field(() => DateTime, { description: 'When it was given.' })
  createdAt!: Date;
}
