import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Resolver,
  Root,
} from 'type-graphql';
import { TenantType } from '../../directory/tenant.types';
import type { Facility } from '../../facilities/facility.entity';
import { FacilityType } from '../../facilities/facility.types';
import { Access, PUBLIC, TENANT_ADMIN } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { ListLength } from '../../graphql/cost';
import { IdField, idempotencyKeyField, TextField } from '../../graphql/inputs';
import { afterCommit, payloadType } from '../../graphql/payload';
import { LocalDate } from '../../graphql/scalars';
import type { Tenant } from '../../tenants/tenant.entity';
import {
  createTemporaryFacility,
  setAdmissionCriterion,
  setFacilityAgeGroup,
  setPlacementApplicationsOpen,
  setPlacementPolicy,
} from '../admission/admin.service';
import { AgeGroup } from '../entities';
import { PlacementPolicyType, SetPlacementPolicyInput } from './policy.types';

@InputType('SetPlacementApplicationsOpenInput', {
  description: 'Open or close the families’ window for applications.',
})
class SetPlacementApplicationsOpenInput {
  @Field({
    description: 'true: families may apply and edit; false: only agents (applications and ranks untouched).',
  })
  open!: boolean;
  @TextField({ maxLength: 500, description: 'Why (required, audited).' })
  reason!: string;
}

@InputType('SetFacilityAgeGroupInput', { description: 'A facility age group and its capacity.' })
class SetFacilityAgeGroupInput {
  @IdField('Facility', { description: 'The facility.' })
  facilityId!: string;
  @Field(() => AgeGroup, { description: 'The group.' })
  ageGroup!: AgeGroup;
  @Field(() => Int, { description: 'Youngest age, in whole months at the start date (inclusive).' })
  minMonths!: number;
  @Field(() => Int, { description: 'Age limit, in whole months (exclusive).' })
  maxMonths!: number;
  @Field(() => Int, { description: 'Places (never below those taken).' })
  capacity!: number;
}

@InputType('SetAdmissionCriterionInput', { description: 'An admission criterion and its points.' })
class SetAdmissionCriterionInput {
  @TextField({
    maxLength: 40,
    description: 'Code: capitals, digits and _ (e.g. SIBLING, DISABILITY, STAFF_CHILD).',
  })
  code!: string;
  @TextField({ maxLength: 255, description: 'Wording families and agents read.' })
  label!: string;
  @Field(() => Int, { description: 'Points (-1000 to 1000).' })
  points!: number;
  @IdField('Facility', {
    nullable: true,
    description: 'A facility’s own value (or own criterion); omitted: the tenant’s.',
  })
  facilityId?: string | null;
}

@InputType('CreateTemporaryFacilityInput', { description: 'A temporary childcare centre.' })
class CreateTemporaryFacilityInput {
  @TextField({ maxLength: 255, description: 'Name.' })
  name!: string;
  @TextField({ nullable: true, maxLength: 500, description: 'Address.' })
  address?: string | null;
  @Field(() => LocalDate, { description: 'Last day it is open; its urgent places end then at the latest.' })
  endDate!: string;
  @Field(() => Int, { description: 'Physical capacity (its age groups are set with setFacilityAgeGroup).' })
  capacity!: number;
  @idempotencyKeyField()
  idempotencyKey!: string;
}

@Access(PUBLIC)
@ObjectType('FacilityAgeGroup', { description: 'A childcare facility’s age group, its ages and places.' })
export class FacilityAgeGroupType {
  @Field(() => AgeGroup, { description: 'The group.' })
  ageGroup!: AgeGroup;
  @Field(() => Int, { description: 'Youngest age in months (inclusive).' })
  minMonths!: number;
  @Field(() => Int, { description: 'Age limit in months (exclusive).' })
  maxMonths!: number;
  @Field(() => Int, { description: 'Places.' })
  capacity!: number;
  @Field(() => Int, { description: 'Places held by placements.' })
  placesTaken!: number;
}

const WindowPayload = payloadType(
  'SetPlacementApplicationsOpenPayload',
  'Result of setPlacementApplicationsOpen.',
  {
    placementApplicationsOpen: {
      type: () => Boolean,
      nullable: true,
      description: 'The window, as it now is.',
    },
  },
);
const PolicyPayload = payloadType('SetPlacementPolicyPayload', 'Result of setPlacementPolicy.', {
  placementPolicy: {
    type: () => PlacementPolicyType,
    nullable: true,
    description: 'The rules, as they now are.',
  },
});
const FacilityPayload = payloadType(
  'PlacementFacilityPayload',
  'Result of a change to a childcare facility.',
  {
    facility: { type: () => FacilityType, nullable: true, description: 'The facility.' },
  },
);
const CriterionPayload = payloadType('SetAdmissionCriterionPayload', 'Result of setAdmissionCriterion.', {
  code: { type: () => String, nullable: true, description: 'The criterion’s code.' },
});

const facilityPayload = (value: { facilityId: string } | null) =>
  afterCommit((read: GraphQLContext) => (value ? read.loaders.facilityById.load(value.facilityId) : null));

@Resolver()
export class PlacementAdminResolver {
  @Access(TENANT_ADMIN)
  @Mutation(() => WindowPayload, {
    description:
      'Opens or closes the families’ window for childcare applications (tenant admins; audited). While closed, families cannot apply or edit (CLOSED); agents keep working; no application, registration instant or rank changes, closing or reopening. Shown in the public directory.',
  })
  async setPlacementApplicationsOpen(
    @Arg('input', { description: 'Open or closed, and why.' }) input: SetPlacementApplicationsOpenInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await setPlacementApplicationsOpen(ctx, input);
    return { placementApplicationsOpen: value?.open ?? null, userErrors };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => PolicyPayload, {
    description:
      'Sets the tenant’s placement rules (tenant admins; audited): preferences limit, offer days, urgent deadline, what declining does, a flat monthly fee. INVALID out of range.',
  })
  async setPlacementPolicy(
    @Arg('input', { description: 'The rules to change.' }) input: SetPlacementPolicyInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await setPlacementPolicy(ctx, input);
    return { placementPolicy: value, userErrors };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => FacilityPayload, {
    description:
      'Sets a facility age group: its ages in months and its places (tenant admins; audited). INVALID below the places already taken.',
  })
  async setFacilityAgeGroup(
    @Arg('input', { description: 'The group.' }) input: SetFacilityAgeGroupInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await setFacilityAgeGroup(ctx, input);
    return { facility: facilityPayload(value), userErrors };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => CriterionPayload, {
    description:
      'Sets an admission criterion and its points, for the tenant or one facility (tenant admins; audited). Ranks follow at once.',
  })
  async setAdmissionCriterion(
    @Arg('input', { description: 'The criterion.' }) input: SetAdmissionCriterionInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await setAdmissionCriterion(ctx, input);
    return { code: value?.code ?? null, userErrors };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => FacilityPayload, {
    description:
      'Creates a temporary childcare centre open until `endDate` (tenant admins; audited), for urgent places (allocateUrgentPlace).',
  })
  async createTemporaryFacility(
    @Arg('input', { description: 'The centre.' }) input: CreateTemporaryFacilityInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await createTemporaryFacility(ctx, input);
    return { facility: facilityPayload(value), userErrors };
  }
}

@Resolver(() => TenantType)
export class TenantPlacementFieldsResolver {
  @FieldResolver(() => Boolean, {
    description:
      'Whether families may apply for childcare places now (false during an outage: agents still act).',
  })
  placementApplicationsOpen(@Root() tenant: Tenant): boolean {
    return tenant.config.placementApplicationsOpen;
  }
}

@Resolver(() => FacilityType)
export class FacilityPlacementFieldsResolver {
  @FieldResolver(() => LocalDate, {
    nullable: true,
    deprecationReason: 'Use endsOn: the same date (a temporary facility’s last open day).',
    description: 'For a temporary centre, its last open day (its endsOn); null for a permanent facility.',
  })
  temporaryUntil(@Root() facility: Facility): string | null {
    return facility.endsOn ?? null;
  }

  @ListLength(3)
  @FieldResolver(() => [FacilityAgeGroupType], {
    description: 'Its childcare age groups and places (empty for other facilities).',
  })
  async placementAgeGroups(
    @Root() facility: Facility,
    @Ctx() ctx: GraphQLContext,
  ): Promise<FacilityAgeGroupType[]> {
    const rows = await ctx.em.execute<
      {
        age_group: AgeGroup;
        min_months: number;
        max_months: number;
        capacity: number;
        places_taken: number;
      }[]
    >(
      `select age_group, min_months, max_months, capacity, places_taken from facility_age_groups
       where tenant_id = ? and facility_id = ? order by min_months`,
      [ctx.tenant.id, facility.id],
    );
    return rows.map((r) => ({
      ageGroup: r.age_group,
      minMonths: r.min_months,
      maxMonths: r.max_months,
      capacity: r.capacity,
      placesTaken: r.places_taken,
    }));
  }
}
