import { Arg, Args, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { ListLength } from '../graphql/cost';
import { Access } from '../graphql/access';
import { toConnection, type ConnectionShape } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { moneyOf, MoneyType } from '../graphql/money';
import { registerNode } from '../graphql/node';
import { LocalDate } from '../graphql/scalars';
import { todayIn } from '../shared/dates';
import { OperatingMode } from '../tenants/tenant.entity';
import {
  bracketsValidOn,
  cancellationNoticeDays,
  effectiveOperatingMode,
  listFacilities,
  listServices,
  unitPriceFor,
} from './facilities.service';
import { Facility } from './facility.entity';
import {
  BookingPolicyType,
  CATALOG_READERS,
  FacilitiesArgs,
  FacilityConnection,
  FacilityType,
  PriceBracketType,
  ServiceConnection,
  ServicesArgs,
  ServiceType,
} from './facility.types';
import { Service } from './service.entity';

registerNode({
  typeName: 'Facility',
  entity: Facility,
  load: (ctx, id) => ctx.loaders.facilityById.load(id),
});
registerNode({ typeName: 'Service', entity: Service, load: (ctx, id) => ctx.loaders.serviceById.load(id) });

@Resolver(() => FacilityType)
export class FacilityResolver {
  @Access(CATALOG_READERS)
  @Query(() => FacilityConnection, {
    description:
      "The tenant's facilities, by name. Parents, staff, and API keys with catalog:read or any operational scope (reservations:write, attendance:write, meals:read): a caterer's meals:read key maps school IDs to national codes with `facilities(kind: SCHOOL) { nodes { id name nationalCode } }`.",
  })
  facilities(@Args() args: FacilitiesArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionShape<Facility>> {
    return listFacilities(ctx, args).then(toConnection);
  }

  @ListLength(3)
  @FieldResolver(() => [ServiceType], { description: 'Services offered at this facility.' })
  services(@Root() facility: Facility, @Ctx() ctx: GraphQLContext): Promise<Service[]> {
    return ctx.loaders.servicesByFacilityId.load(facility.id);
  }
}

@Resolver(() => ServiceType)
export class ServiceResolver {
  @Access(CATALOG_READERS)
  @Query(() => ServiceConnection, {
    description:
      "The tenant's services, by name. Parents, staff, and API keys with catalog:read (or any operational scope).",
  })
  services(@Args() args: ServicesArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionShape<Service>> {
    return listServices(ctx, args).then(toConnection);
  }

  @FieldResolver(() => FacilityType, {
    nullable: true,
    description: 'Where the service takes place; null for water.',
  })
  async facility(@Root() service: Service, @Ctx() ctx: GraphQLContext): Promise<Facility | null> {
    return service.facility ? ctx.loaders.facilityById.load(service.facility.id) : null;
  }

  @FieldResolver(() => OperatingMode, {
    description: "Mode the service runs in: its override, else the tenant's.",
  })
  operatingMode(@Root() service: Service, @Ctx() ctx: GraphQLContext): OperatingMode {
    return effectiveOperatingMode(service, ctx.tenant);
  }

  @FieldResolver(() => OperatingMode, {
    nullable: true,
    description: "This service's own mode, if it overrides the tenant's.",
  })
  operatingModeOverride(@Root() service: Service): OperatingMode | null {
    return service.operatingModeOverride ?? null;
  }

  @FieldResolver(() => BookingPolicyType, { description: 'Booking and cancellation rules.' })
  bookingPolicy(@Root() service: Service, @Ctx() ctx: GraphQLContext): BookingPolicyType {
    const policy = service.bookingPolicy;
    return {
      ...policy,
      cancellationNoticeDays: cancellationNoticeDays(service, ctx.tenant),
    };
  }

  @ListLength(6)
  @FieldResolver(() => [PriceBracketType], {
    description: 'The price grid by family quotient valid on a date.',
  })
  async priceGrid(
    @Root() service: Service,
    @Ctx() ctx: GraphQLContext,
    @Arg('on', () => LocalDate, {
      nullable: true,
      description: "Date the grid applies to; default today (tenant's time zone).",
    })
    on?: string | null,
  ): Promise<PriceBracketType[]> {
    const tenant = ctx.tenant;
    const date = on ?? todayIn(tenant.timeZone, ctx.now());
    const brackets = bracketsValidOn(await ctx.loaders.priceBracketsByServiceId.load(service.id), date);
    return brackets.map((b) => ({ ...b, unitPrice: moneyOf(b.unitPrice, tenant) }));
  }

  @FieldResolver(() => MoneyType, {
    nullable: true,
    description: 'Unit price for a family quotient on a date; null if the grid has no line then.',
  })
  async unitPrice(
    @Root() service: Service,
    @Ctx() ctx: GraphQLContext,
    @Arg('familyQuotient', () => Int, {
      nullable: true,
      description: 'Family quotient; null for the top bracket.',
    })
    familyQuotient?: number | null,
    @Arg('on', () => LocalDate, { nullable: true, description: "Date; default today (tenant's time zone)." })
    on?: string | null,
  ): Promise<MoneyType | null> {
    const tenant = ctx.tenant;
    const date = on ?? todayIn(tenant.timeZone, ctx.now());
    const price = unitPriceFor(
      await ctx.loaders.priceBracketsByServiceId.load(service.id),
      familyQuotient,
      date,
    );
    return price === null ? null : moneyOf(price, tenant);
  }
}
