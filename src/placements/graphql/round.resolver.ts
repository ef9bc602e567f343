import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { Facility } from '../../facilities/facility.entity';
import { FacilityType } from '../../facilities/facility.types';
import { Access, STAFF } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { ListLength } from '../../graphql/cost';
import { IdField } from '../../graphql/inputs';
import { registerNode } from '../../graphql/node';
import { afterCommit, payloadType } from '../../graphql/payload';
import { adjustAllocationProposal, confirmAllocation, proposeAllocation } from '../allocation/round.service';
import { AllocationRound, AgeGroup, type PlacementApplication } from '../entities';
import { ProposalRow } from '../placements.loaders';
import { placementQueue } from '../queue.service';
import { freePlacesByMonth, type MonthPlaces } from '../free-places.service';
import { MonthPlacesType, MonthRangeArgs, monthRangeOf } from './places.resolver';
import { AdjustAllocationProposalInput, AllocationRoundInput, ProposeAllocationInput } from './inputs';
import { PlacementApplicationType } from './objects';
import { AllocationRoundType, ExclusionType, ProposalType, QueueEntryType, QueueType } from './round.types';
import { present } from '../../shared/loaders';

registerNode({
  typeName: 'AllocationRound',
  entity: AllocationRound,
  load: async (ctx, id) => (ctx.viewer.familyId ? null : ctx.em.findOne(AllocationRound, { id })),
});
registerNode({
  typeName: 'AllocationProposal',
  entity: ProposalRow,
  load: async (ctx, id) => {
    if (ctx.viewer.familyId) return null;
    const [row] = await ctx.em.execute<{ round_id: string }[]>(
      `select round_id from allocation_proposals where tenant_id = ? and id = ?`,
      [ctx.tenant.id, id],
    );
    if (!row) return null;
    return (await ctx.loaders.proposalsByRoundId.load(row.round_id)).find((p) => p.id === id) ?? null;
  },
});

export const AllocationRoundPayload = payloadType(
  'AllocationRoundPayload',
  'Result of a change to an allocation round.',
  {
    allocationRound: {
      type: () => AllocationRoundType,
      nullable: true,
      description: 'The round, as the change left it.',
    },
  },
);

const roundPayload = (value: { roundId: string } | null) =>
  afterCommit((read: GraphQLContext) =>
    value ? read.loaders.allocationRoundById.load(value.roundId) : null,
  );

@ArgsType()
class PlacementQueueArgs {
  @IdField('Facility', { description: 'The facility.' })
  facilityId!: string;
  @Field(() => AgeGroup, { description: 'The age group.' })
  ageGroup!: AgeGroup;
  @Field(() => Int, { defaultValue: 50, description: 'How many entries, from the first (1 to 100).' })
  first!: number;
}

@Resolver(() => AllocationRoundType)
export class AllocationRoundResolver {
  @Access(STAFF)
  @Mutation(() => AllocationRoundPayload, {
    description:
      'The commission’s round: proposes the free places (capacity − placements − open offers) of these facilities from `startDate` by deferred acceptance — each application proposes to its facilities in the family’s order, each age group holds its best-ranked applicants up to its free places. Stable, best for every family among stable results, and no family gains by misreporting its order (docs/placements.md). A DRAFT: nothing is offered until confirmAllocation. Audited.',
  })
  async proposeAllocation(
    @Arg('input', { description: 'The facilities and the start date.' }) input: ProposeAllocationInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await proposeAllocation(ctx, input);
    return { allocationRound: roundPayload(value), userErrors };
  }

  @Access(STAFF)
  @Mutation(() => AllocationRoundPayload, {
    description:
      'Adjusts a DRAFT round: the facility refuses a proposed child (reason required, audited). The round is computed again without that pair: the place goes to the next applicant, the child to its next choice.',
  })
  async adjustAllocationProposal(
    @Arg('input', { description: 'The proposed place and why it is refused.' })
    input: AdjustAllocationProposalInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await adjustAllocationProposal(ctx, input);
    return { allocationRound: roundPayload(value), userErrors };
  }

  @Access(STAFF)
  @Mutation(() => AllocationRoundPayload, {
    description:
      'Confirms a DRAFT round: one offer per proposed place, expiring after the tenant’s offer days (on the job queue). INVALID (reason STALE) if places or applications changed since the proposal: propose again. Audited.',
  })
  async confirmAllocation(
    @Arg('input', { description: 'The round.' }) input: AllocationRoundInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await confirmAllocation(ctx, input);
    return { allocationRound: roundPayload(value), userErrors };
  }

  @Access(STAFF)
  @Query(() => QueueType, {
    description:
      'A facility age group’s queue (agents): places (capacity, taken, open offers, free) and the first applications in rank order with points, criteria, registration instants and urgent deadlines. BAD_USER_INPUT for an unknown facility or age group.',
  })
  placementQueue(@Args() args: PlacementQueueArgs, @Ctx() ctx: GraphQLContext) {
    return placementQueue(ctx, args.facilityId, args.ageGroup, Math.min(100, Math.max(1, args.first)));
  }

  @ListLength(100)
  @FieldResolver(() => [ProposalType], {
    description: 'The places proposed, by facility, age group and rank.',
  })
  proposals(@Root() round: AllocationRound, @Ctx() ctx: GraphQLContext): Promise<ProposalRow[]> {
    return ctx.loaders.proposalsByRoundId.load(round.id);
  }

  @ListLength(5)
  @FieldResolver(() => [ExclusionType], { description: 'Proposed children the facilities refused, and why.' })
  exclusions(@Root() round: AllocationRound) {
    return round.exclusions.map((e) => ({ ...e, at: new Date(e.at) }));
  }

  @ListLength(10)
  @FieldResolver(() => [FacilityType], { description: 'The facilities of the round.' })
  async facilities(@Root() round: AllocationRound, @Ctx() ctx: GraphQLContext): Promise<Facility[]> {
    return (await ctx.loaders.facilityById.loadMany(round.facilityIds)) as Facility[];
  }
}

@Resolver(() => ProposalType)
export class ProposalFieldsResolver {
  @FieldResolver(() => PlacementApplicationType, { description: 'The application proposed.' })
  application(@Root() p: ProposalRow, @Ctx() ctx: GraphQLContext): Promise<PlacementApplication> {
    return present(ctx.loaders.placementApplicationById.load(p.applicationId));
  }
  @FieldResolver(() => FacilityType, { description: 'The facility.' })
  facility(@Root() p: ProposalRow, @Ctx() ctx: GraphQLContext): Promise<Facility> {
    return present(ctx.loaders.facilityById.load(p.facilityId));
  }
}

@Resolver(() => QueueEntryType)
export class QueueEntryFieldsResolver {
  @FieldResolver(() => PlacementApplicationType, { description: 'The application.' })
  async application(
    @Root() e: { applicationId: string },
    @Ctx() ctx: GraphQLContext,
  ): Promise<PlacementApplication> {
    return (await ctx.loaders.placementApplicationById.load(e.applicationId))!;
  }
}

@Resolver(() => QueueType)
export class QueueFieldsResolver {
  @FieldResolver(() => FacilityType, { description: 'The facility.' })
  async facility(@Root() q: { facilityId: string }, @Ctx() ctx: GraphQLContext): Promise<Facility> {
    return (await ctx.loaders.facilityById.load(q.facilityId))!;
  }

  @ListLength(6)
  @FieldResolver(() => [MonthPlacesType], {
    description:
      'The group’s free places month by month (as placementFreePlaces counts them), from `from` to `to`; default: this month and the five after.',
  })
  async freeByMonth(
    @Root() q: { facilityId: string; ageGroup: AgeGroup },
    @Args() args: MonthRangeArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MonthPlaces[]> {
    const [group] = await freePlacesByMonth(ctx, {
      ...monthRangeOf(ctx, args),
      facilityId: q.facilityId,
      ageGroup: q.ageGroup,
    });
    return group?.months ?? [];
  }
}
