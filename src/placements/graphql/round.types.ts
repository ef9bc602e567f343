import { Field, Int, ObjectType } from 'type-graphql';
import { Access, STAFF } from '../../graphql/access';
import { Node } from '../../graphql/node';
import { DateTime, LocalDate } from '../../graphql/scalars';
import { AgeGroup } from '../entities';
import { CriterionPointsType } from './objects';

@Access(STAFF)
@ObjectType('AllocationExclusion', {
  description: 'A proposed child a facility refused in a draft round, and why.',
})
export class ExclusionType {
  @Field({ description: 'Why (audited).' })
  reason!: string;
  @Field({ description: 'Who refused (token subject).' })
  by!: string;
  @Field(() => DateTime, { description: 'When.' })
  at!: Date;
  applicationId!: string;
  facilityId!: string;
}

@Access(STAFF)
@ObjectType('AllocationProposal', { implements: Node, description: 'One place a round proposes.' })
export class ProposalType extends Node {
  @Field(() => AgeGroup, { description: 'The age group of the place.' })
  ageGroup!: AgeGroup;
  @Field(() => Int, { description: 'The family’s order for this facility (1: its first choice).' })
  preference!: number;
  @Field(() => Int, { description: 'The application’s rank in that facility’s queue.' })
  rank!: number;
  applicationId!: string;
  facilityId!: string;
}

@Access(STAFF)
@ObjectType('AllocationRound', {
  implements: Node,
  description: 'An allocation round: a draft proposal by deferred acceptance, reviewed, then confirmed.',
})
export class AllocationRoundType extends Node {
  @Field({ description: 'DRAFT (review and adjust it), CONFIRMED (its offers went out), CANCELLED.' })
  status!: string;
  @Field(() => LocalDate, { description: 'When the places start.' })
  startDate!: string;
  @Field({
    description:
      'Whether the proposal was checked stable: no family and facility would both rather have each other.',
  })
  stable!: boolean;
  @Field(() => Int, { description: 'Applications that took part.' })
  applications!: number;
  @Field(() => Int, { description: 'Free places the round could fill.' })
  freePlaces!: number;
  @Field({ description: 'Who proposed it.' })
  createdBy!: string;
  @Field(() => DateTime, { description: 'When.' })
  createdAt!: Date;
  @Field(() => DateTime, { nullable: true, description: 'When it was confirmed.' })
  confirmedAt?: Date | null;
}

@Access(STAFF)
@ObjectType('PlacementQueueEntry', { description: 'One application in a facility age group’s queue.' })
export class QueueEntryType {
  @Field(() => Int, { description: '1 for the next to be offered a place.' })
  rank!: number;
  @Field(() => Int, { description: 'Points at this facility.' })
  points!: number;
  @Field({ description: 'Urgent (verified): ranks before any points.' })
  urgent!: boolean;
  @Field(() => DateTime, {
    nullable: true,
    description:
      'For an urgent application: the instant by which a place must be offered (proof date + the tenant’s days).',
  })
  urgentDeadline?: Date | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Whole days left before the urgent deadline (negative: past it); null if not urgent.',
  })
  urgentDaysLeft?: number | null;
  @Field(() => DateTime, { description: 'The registration instant.' })
  registeredAt!: Date;
  @Field(() => Int, { description: 'The family’s order for this facility.' })
  preference!: number;
  @Field(() => [CriterionPointsType], { description: 'The verified criteria that count here.' })
  criteria!: CriterionPointsType[];
  applicationId!: string;
}

@Access(STAFF)
@ObjectType('PlacementQueue', { description: 'A facility age group’s queue and places (agents).' })
export class QueueType {
  @Field(() => AgeGroup, { description: 'The age group.' })
  ageGroup!: AgeGroup;
  @Field(() => Int, { description: 'Places of the group.' })
  capacity!: number;
  @Field(() => Int, { description: 'Places held by placements.' })
  placesTaken!: number;
  @Field(() => Int, { description: 'Open offers, which the next round or offer leaves alone.' })
  openOffers!: number;
  @Field(() => Int, { description: 'Places free to offer: capacity − placements − open offers.' })
  freePlaces!: number;
  @Field(() => Int, { description: 'Applications waiting in the group.' })
  length!: number;
  @Field(() => [QueueEntryType], { description: 'The first `first` applications, in rank order.' })
  entries!: QueueEntryType[];
  facilityId!: string;
}
