import { Arg, Args, ArgsType, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Scope } from '../../auth/viewer';
import type { Child } from '../../families/child.entity';
import type { Family } from '../../families/family.entity';
import { ChildType, FamilyType } from '../../families/family.types';
import type { Facility } from '../../facilities/facility.entity';
import { FacilityType } from '../../facilities/facility.types';
import { Access, STAFF } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { ListLength } from '../../graphql/cost';
import { IdField } from '../../graphql/inputs';
import { registerNode } from '../../graphql/node';
import { afterCommit, payloadType } from '../../graphql/payload';
import { BadInputError } from '../../shared/errors';
import { msg } from '../../shared/i18n';
import {
  applyForPlacement,
  updatePlacementApplication,
  visibleApplication,
  withdrawPlacementApplication,
} from '../applications/apply.service';
import { verifyCriterion, verifyUrgency } from '../applications/verify.service';
import { PlacementApplication, type PlacementOffer } from '../entities';
import type { DeclaredCriterionRow, Preference, Standing } from '../placements.loaders';
import { APPLICANTS } from './enums';
import {
  ApplyForPlacementInput,
  PlacementApplicationInput,
  UpdatePlacementApplicationInput,
  VerifyCriterionInput,
  VerifyUrgencyInput,
} from './inputs';
import {
  DeclaredCriterionType,
  PlacementApplicationType,
  PlacementOfferType,
  PreferenceType,
  StandingType,
} from './objects';
import { present } from '../../shared/loaders';

registerNode({
  typeName: 'PlacementApplication',
  entity: PlacementApplication,
  load: (ctx, id) => visibleApplication(ctx, id),
});

export const PlacementApplicationPayload = payloadType(
  'PlacementApplicationPayload',
  'Result of a change to an application for a childcare place.',
  {
    placementApplication: {
      type: () => PlacementApplicationType,
      nullable: true,
      description: 'The application, as the change left it.',
    },
  },
);

const applicationPayload = (value: { applicationId: string } | null) =>
  afterCommit((read: GraphQLContext) =>
    value ? read.loaders.placementApplicationById.load(value.applicationId) : null,
  );

@ArgsType()
class PlacementApplicationsArgs {
  @IdField('Family', {
    nullable: true,
    description: 'The family (staff and keys: required; parents: their own, whatever is given).',
  })
  familyId?: string | null;
}

@Resolver(() => PlacementApplicationType)
export class PlacementApplicationResolver {
  @Access({ scopes: [Scope.FAMILIES_READ], parents: true })
  @ListLength(10)
  @Query(() => [PlacementApplicationType], {
    description:
      "A family's applications for childcare places, newest first (at most 50), each with its standing at every facility it chose. Parents see their own family's; staff name the family (BAD_USER_INPUT without it).",
  })
  async placementApplications(@Args() args: PlacementApplicationsArgs, @Ctx() ctx: GraphQLContext) {
    const familyId = ctx.viewer.familyId ?? args.familyId;
    if (!familyId) throw new BadInputError(msg('input.required', { field: 'familyId' }), ['familyId']);
    return ctx.em.find(
      PlacementApplication,
      { familyId },
      { orderBy: { registeredAt: 'desc', id: 'asc' }, limit: 50 },
    );
  }

  @Access(APPLICANTS)
  @Mutation(() => PlacementApplicationPayload, {
    description:
      "Apply for a childcare place: one application per child, ranked at each chosen facility (in the family's order). Parents while the tenant's window is open (CLOSED, reason WINDOW_CLOSED, otherwise); agents at any time (audited, channel COUNTER). Refusals: NOT_FOUND (child), INVALID (preference count, a facility twice, unknown criterion, reason ALREADY_APPLIED), NOT_ELIGIBLE (a facility without an age group for the child at the start date). Retry-safe with idempotencyKey.",
  })
  async applyForPlacement(
    @Arg('input', { description: 'The child, start date, schedule, facilities and criteria.' })
    input: ApplyForPlacementInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await applyForPlacement(ctx, input);
    return { placementApplication: applicationPayload(value), userErrors };
  }

  @Access(APPLICANTS)
  @Mutation(() => PlacementApplicationPayload, {
    description:
      'Change an ACTIVE application (preferences, schedule, start date, criteria); its registration instant never changes. Same refusals as applyForPlacement, and INVALID when the application is not ACTIVE.',
  })
  async updatePlacementApplication(
    @Arg('input', { description: 'The application and what changes.' })
    input: UpdatePlacementApplicationInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await updatePlacementApplication(ctx, input);
    return { placementApplication: applicationPayload(value), userErrors };
  }

  @Access(APPLICANTS)
  @Mutation(() => PlacementApplicationPayload, {
    description:
      'Withdraw an ACTIVE or OFFERED application (an open offer is withdrawn with it). CLOSED for families while the window is closed.',
  })
  async withdrawPlacementApplication(
    @Arg('input', { description: 'The application.' }) input: PlacementApplicationInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await withdrawPlacementApplication(ctx, input);
    return { placementApplication: applicationPayload(value), userErrors };
  }

  @Access(STAFF)
  @Mutation(() => PlacementApplicationPayload, {
    description:
      'An agent checks a declared criterion’s proof: VERIFIED criteria count at every facility (with its value), REJECTED do not. Audited. INVALID if the application does not declare the code.',
  })
  async verifyCriterion(
    @Arg('input', { description: 'The application, the code, the decision.' }) input: VerifyCriterionInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await verifyCriterion(ctx, input);
    return { placementApplication: applicationPayload(value), userErrors };
  }

  @Access(STAFF)
  @Mutation(() => PlacementApplicationPayload, {
    description:
      'An agent verifies a declared urgency’s proof: the application ranks as urgent (before any points), and the proof’s date starts the tenant’s urgent deadline. Audited. INVALID without a declared urgency.',
  })
  async verifyUrgency(
    @Arg('input', { description: 'The application and when the proof arrived.' }) input: VerifyUrgencyInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await verifyUrgency(ctx, input);
    return { placementApplication: applicationPayload(value), userErrors };
  }

  @FieldResolver(() => ChildType, { description: 'The child.' })
  child(@Root() application: PlacementApplication, @Ctx() ctx: GraphQLContext): Promise<Child> {
    return present(ctx.loaders.childById.load(application.childId));
  }

  @FieldResolver(() => FamilyType, { description: 'The family (the household that applied).' })
  family(@Root() application: PlacementApplication, @Ctx() ctx: GraphQLContext): Promise<Family> {
    return present(ctx.loaders.familyById.load(application.familyId));
  }

  @ListLength(5)
  @FieldResolver(() => [PreferenceType], { description: 'The facilities chosen, in the family’s order.' })
  preferences(@Root() application: PlacementApplication, @Ctx() ctx: GraphQLContext): Promise<Preference[]> {
    return ctx.loaders.preferencesByApplicationId.load(application.id);
  }

  @ListLength(5)
  @FieldResolver(() => [DeclaredCriterionType], {
    description: 'The criteria declared and their verification.',
  })
  criteria(
    @Root() application: PlacementApplication,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeclaredCriterionRow[]> {
    return ctx.loaders.declaredCriteriaByApplicationId.load(application.id);
  }

  @ListLength(5)
  @FieldResolver(() => [StandingType], {
    description:
      'For an ACTIVE application: its rank and the number ahead at each facility it still waits for, with the criteria that count there (empty otherwise).',
  })
  async standings(@Root() application: PlacementApplication, @Ctx() ctx: GraphQLContext) {
    const standings = await ctx.loaders.standingsByApplicationId.load(application.id);
    return standings.map((s: Standing) => ({ ...s, ahead: s.rank - 1 }));
  }

  @ListLength(3)
  @FieldResolver(() => [PlacementOfferType], { description: 'Offers made to it, newest first.' })
  offers(@Root() application: PlacementApplication, @Ctx() ctx: GraphQLContext): Promise<PlacementOffer[]> {
    return ctx.loaders.offersByApplicationId.load(application.id);
  }
}

@Resolver(() => PreferenceType)
export class PreferenceFieldsResolver {
  @FieldResolver(() => FacilityType, { description: 'The facility.' })
  facility(@Root() preference: Preference, @Ctx() ctx: GraphQLContext): Promise<Facility> {
    return present(ctx.loaders.facilityById.load(preference.facilityId));
  }
}

@Resolver(() => StandingType)
export class StandingFieldsResolver {
  @FieldResolver(() => FacilityType, { description: 'The facility.' })
  facility(@Root() standing: Standing, @Ctx() ctx: GraphQLContext): Promise<Facility> {
    return present(ctx.loaders.facilityById.load(standing.facilityId));
  }
}
