import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { Child } from '../../families/child.entity';
import { ChildType } from '../../families/family.types';
import type { Facility } from '../../facilities/facility.entity';
import { FacilityType } from '../../facilities/facility.types';
import { Access, STAFF, TENANT_ADMIN } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { ListLength } from '../../graphql/cost';
import { registerNode } from '../../graphql/node';
import { afterCommit, payloadType } from '../../graphql/payload';
import { LocalDate } from '../../graphql/scalars';
import { BadInputError } from '../../shared/errors';
import { msg } from '../../shared/i18n';
import { Placement, PlacementApplication, PlacementOffer } from '../entities';
import { acceptPlacementOffer, declinePlacementOffer, offerPlace } from '../offers/offer.service';
import { allocateUrgentPlace, urgentPlacements } from '../urgent/urgent.service';
import { APPLICANTS } from './enums';
import { AllocateUrgentPlaceInput, OfferPlaceInput, PlacementOfferInput } from './inputs';
import { PlacementApplicationType, PlacementOfferType, PlacementType } from './objects';
import { present } from '../../shared/loaders';

const familyOnly = <T extends { familyId: string }>(ctx: GraphQLContext, row: T | null) =>
  row && (!ctx.viewer.familyId || row.familyId === ctx.viewer.familyId) ? row : null;

registerNode({
  typeName: 'PlacementOffer',
  entity: PlacementOffer,
  load: async (ctx, id) => {
    const offer = await ctx.em.findOne(PlacementOffer, { id });
    if (!offer) return null;
    const application = familyOnly(
      ctx,
      await ctx.em.findOne(PlacementApplication, { id: offer.applicationId }),
    );
    return application ? offer : null;
  },
});
registerNode({
  typeName: 'Placement',
  entity: Placement,
  load: async (ctx, id) => familyOnly(ctx, await ctx.em.findOne(Placement, { id })),
});

export const PlacementOfferPayload = payloadType(
  'PlacementOfferPayload',
  'Result of an offer or an answer to it.',
  {
    placementOffer: {
      type: () => PlacementOfferType,
      nullable: true,
      description: 'The offer, as the change left it.',
    },
    placement: {
      type: () => PlacementType,
      nullable: true,
      description: 'The placement an accepted offer created.',
    },
  },
);
export const UrgentPlacePayload = payloadType(
  'AllocateUrgentPlacePayload',
  'Result of allocateUrgentPlace.',
  {
    placement: { type: () => PlacementType, nullable: true, description: 'The urgent placement.' },
  },
);

const offerPayload = (value: { offerId: string; placementId?: string } | null) => ({
  placementOffer: afterCommit((read: GraphQLContext) =>
    value ? read.loaders.placementOfferById.load(value.offerId) : null,
  ),
  placement: afterCommit((read: GraphQLContext) =>
    value?.placementId ? read.loaders.placementById.load(value.placementId) : null,
  ),
});

@ArgsType()
class UrgentPlacementsArgs {
  @Field(() => LocalDate, { description: 'Placements running on or after this date.' })
  from!: string;
  @Field(() => LocalDate, {
    description: 'Placements starting on or before this date (at most 366 days after `from`).',
  })
  to!: string;
}

@Resolver(() => PlacementOfferType)
export class PlacementOfferResolver {
  @Access(STAFF)
  @Mutation(() => PlacementOfferPayload, {
    description:
      'Offers one free place of a facility age group outside a round, to its first-ranked application (the queue says who). Another application needs a reason (audited with who was first). FULL without a free place (capacity − placements − open offers), NOT_FOUND without an age group or anyone waiting.',
  })
  async offerPlace(
    @Arg('input', { description: 'The place, and optionally whom.' }) input: OfferPlaceInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await offerPlace(ctx, input);
    return { ...offerPayload(value), userErrors };
  }

  @Access(APPLICANTS)
  @Mutation(() => PlacementOfferPayload, {
    description:
      'Accepts an open offer before it expires: a placement, taking one place of the age group (enforced by PostgreSQL: two acceptances of the last place give one placement; the other is refused FULL and its application keeps its rank). A transfer ends the old placement the day before and frees its place in the same transaction. OFFER_EXPIRED after the deadline, INVALID if not open.',
  })
  async acceptPlacementOffer(
    @Arg('input', { description: 'The offer.' }) input: PlacementOfferInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await acceptPlacementOffer(ctx, input);
    return { ...offerPayload(value), userErrors };
  }

  @Access(APPLICANTS)
  @Mutation(() => PlacementOfferPayload, {
    description:
      'Declines an open offer: recorded; the application stays at its other facilities, or is withdrawn where the tenant says so. The place is free for the next offer.',
  })
  async declinePlacementOffer(
    @Arg('input', { description: 'The offer.' }) input: PlacementOfferInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await declinePlacementOffer(ctx, input);
    return { ...offerPayload(value), userErrors };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => UrgentPlacePayload, {
    description:
      'An urgent place outside the queue (tenant admins), often in a temporary centre: audited with who, when, for whom and why, and listed by urgentPlacements. Takes only a free place — never one a placement (an accepted offer) holds nor one an open offer counts on (FULL). In a temporary facility it ends with the facility at the latest. The child’s application keeps its registration instant and rank.',
  })
  async allocateUrgentPlace(
    @Arg('input', { description: 'The child, the place, the dates and why.' })
    input: AllocateUrgentPlaceInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await allocateUrgentPlace(ctx, input);
    return {
      placement: afterCommit((read: GraphQLContext) =>
        value ? read.loaders.placementById.load(value.placementId) : null,
      ),
      userErrors,
    };
  }

  @Access(STAFF)
  @ListLength(50)
  @Query(() => [PlacementType], {
    description:
      'The urgent places running between `from` and `to` (at most 366 days; at most 1000, by start date), with who gave them and why (staff).',
  })
  urgentPlacements(@Args() args: UrgentPlacementsArgs, @Ctx() ctx: GraphQLContext) {
    const days = (Date.parse(args.to) - Date.parse(args.from)) / 86_400_000;
    if (days < 0 || days > 366) throw new BadInputError(msg('placement.rangeTooLong'), ['to']);
    return urgentPlacements(ctx, args.from, args.to);
  }

  @FieldResolver(() => FacilityType, { description: 'The facility of the place.' })
  facility(@Root() offer: PlacementOffer, @Ctx() ctx: GraphQLContext): Promise<Facility> {
    return present(ctx.loaders.facilityById.load(offer.facilityId));
  }

  @FieldResolver(() => PlacementApplicationType, { description: 'The application it was made to.' })
  application(@Root() offer: PlacementOffer, @Ctx() ctx: GraphQLContext): Promise<PlacementApplication> {
    return present(ctx.loaders.placementApplicationById.load(offer.applicationId));
  }

  @FieldResolver(() => PlacementType, { nullable: true, description: 'The placement, once accepted.' })
  async placement(@Root() offer: PlacementOffer, @Ctx() ctx: GraphQLContext): Promise<Placement | null> {
    return offer.placementId ? ctx.loaders.placementById.load(offer.placementId) : null;
  }
}

@Resolver(() => PlacementType)
export class PlacementFieldsResolver {
  @FieldResolver(() => ChildType, { description: 'The child.' })
  child(@Root() placement: Placement, @Ctx() ctx: GraphQLContext): Promise<Child> {
    return present(ctx.loaders.childById.load(placement.childId));
  }

  @FieldResolver(() => FacilityType, { description: 'The facility.' })
  facility(@Root() placement: Placement, @Ctx() ctx: GraphQLContext): Promise<Facility> {
    return present(ctx.loaders.facilityById.load(placement.facilityId));
  }
}
