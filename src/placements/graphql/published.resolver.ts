import { Ctx, Field, FieldResolver, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { Facility } from '../../facilities/facility.entity';
import { FacilityType } from '../../facilities/facility.types';
import { Access, SIGNED_IN } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { ListLength } from '../../graphql/cost';
import { LocalDate } from '../../graphql/scalars';
import {
  publishedPolicy,
  type FacilityAdmission,
  type PublishedCriterion,
  type PublishedPolicy,
} from '../admission/published.service';
import { FacilityAgeGroupType } from './admin.resolver';

@Access(SIGNED_IN)
@ObjectType('CriterionAtFacility', { description: 'A facility’s own value of an admission criterion.' })
class CriterionAtFacilityType {
  @Field({ description: 'Its wording there.' })
  label!: string;
  @Field(() => Int, { description: 'Its points there (replacing the tenant’s).' })
  points!: number;
  facilityId!: string;
}

@Access(SIGNED_IN)
@ObjectType('PublishedAdmissionCriterion', {
  description:
    'A priority criterion as the commission publishes it. It counts once an agent has checked its proof.',
})
class PublishedCriterionType {
  @Field({ description: 'Code families declare (e.g. SIBLING).' })
  code!: string;
  @Field({ description: 'Wording.' })
  label!: string;
  @Field(() => Int, {
    nullable: true,
    description: 'The tenant’s points; null when only the facilities listed have it (e.g. staff children).',
  })
  points!: number | null;
  @ListLength(10)
  @Field(() => [CriterionAtFacilityType], {
    description: 'Facilities with their own value of it, by facility name.',
  })
  facilities!: CriterionAtFacilityType[];
}

@Access(SIGNED_IN)
@ObjectType('FacilityAdmission', { description: 'A childcare facility’s age groups and places.' })
class FacilityAdmissionType {
  @Field(() => LocalDate, {
    nullable: true,
    description: 'A temporary facility’s last open day; null if permanent.',
  })
  endsOn!: string | null;
  @ListLength(3)
  @Field(() => [FacilityAgeGroupType], { description: 'Its age groups, youngest first.' })
  ageGroups!: FacilityAgeGroupType[];
  facilityId!: string;
}

@Access(SIGNED_IN)
@ObjectType('AdmissionPolicy', {
  description:
    'The tenant’s admission policy for childcare places, as a commission publishes it (docs/placements.md): the rules, the criteria and their points, each facility’s own values, age groups and places.',
})
class AdmissionPolicyType {
  @Field({ description: 'Whether families may apply and edit now (agents always may).' })
  applicationsOpen!: boolean;
  @Field(() => Int, { description: 'Most facilities an application may list.' })
  maxPreferences!: number;
  @Field(() => Int, { description: 'Days a family has to answer an offer.' })
  offerDays!: number;
  @Field(() => Int, { description: 'Days from a verified urgency’s proof by which a place must be offered.' })
  urgentDeadlineDays!: number;
  @Field({ description: 'Whether declining an offer withdraws the application (else it stays elsewhere).' })
  declineWithdraws!: boolean;
  @ListLength(20)
  @Field(() => [PublishedCriterionType], {
    description: 'The criteria: by the tenant’s points, highest first (facility-only ones last), then code.',
  })
  criteria!: PublishedCriterion[];
  @ListLength(30)
  @Field(() => [FacilityAdmissionType], { description: 'Each childcare facility with age groups, by name.' })
  facilities!: FacilityAdmission[];
}

@Resolver(() => AdmissionPolicyType)
export class AdmissionPolicyResolver {
  @Access(SIGNED_IN)
  @Query(() => AdmissionPolicyType, {
    description:
      'The admission policy for childcare places (anyone signed in to the tenant: families, agents, API keys): what every application is ranked by — urgency verified first, then points, then the registration instant.',
  })
  admissionPolicy(@Ctx() ctx: GraphQLContext): Promise<PublishedPolicy> {
    return publishedPolicy(ctx);
  }
}

@Resolver(() => CriterionAtFacilityType)
export class CriterionAtFacilityResolver {
  @FieldResolver(() => FacilityType, { description: 'The facility.' })
  async facility(@Root() c: { facilityId: string }, @Ctx() ctx: GraphQLContext): Promise<Facility> {
    return (await ctx.loaders.facilityById.load(c.facilityId))!;
  }
}

@Resolver(() => FacilityAdmissionType)
export class FacilityAdmissionResolver {
  @FieldResolver(() => FacilityType, { description: 'The facility.' })
  async facility(@Root() f: { facilityId: string }, @Ctx() ctx: GraphQLContext): Promise<Facility> {
    return (await ctx.loaders.facilityById.load(f.facilityId))!;
  }
}
