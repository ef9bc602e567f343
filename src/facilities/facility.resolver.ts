import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { toConnection, type ConnectionShape } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { moneyOf, MoneyType } from '../graphql/money';
import { registerNode } from '../graphql/node';
import { LocalDate } from '../graphql/scalars';
import { parseLocalDate, todayIn } from '../shared/dates';
import { expectGlobalId } from '../shared/ids';
import { requireTenant } from '../shared/service-context';
import { OperatingMode } from '../tenants/tenant.entity';
import {
  assertCanReadCatalog,
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
  FacilitiesArgs,
  FacilityConnection,
  FacilityType,
  PriceBracketType,
  ServiceConnection,
  ServicesArgs,
  ServiceType,
} from './facility.types';
import { Service } from './service.entity';

const catalogNode =
  <T extends object>(load: (ctx: GraphQLContext, id: string) => Promise<T | null>) =>
  async (ctx: GraphQLContext, id: string) => {
    assertCanReadCatalog(ctx);
    return load(ctx, id);
  };

registerNode({
  typeName: 'Facility',
  entity: Facility,
  load: catalogNode((ctx, id) => ctx.loaders.facilityById.load(id)),
});
registerNode({
  typeName: 'Service',
  entity: Service,
  load: catalogNode((ctx, id) => ctx.loaders.serviceById.load(id)),
});

@Resolver(() => FacilityType)
export class FacilityResolver {
  @Authorized()
  @Query(() => FacilityConnection, { description: "The tenant's facilities, by name." })
  facilities(@Args() args: FacilitiesArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionShape<Facility>> {
    return listFacilities(ctx, args).then(toConnection);
  }

  @FieldResolver(() => [ServiceType], { description: 'Services offered at this facility.' })
  services(@Root() facility: Facility, @Ctx() ctx: GraphQLContext): Promise<Service[]> {
    return ctx.loaders.servicesByFacilityId.load(facility.id);
  }
}

@Resolver(() => ServiceType)
export class ServiceResolver {
  @Authorized()
  @Query(() => ServiceConnection, { description: "The tenant's services, by name." })
  services(@Args() args: ServicesArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionShape<Service>> {
    const facilityId = args.facilityId ? expectGlobalId(args.facilityId, 'Facility', 'facilityId') : null;
    return listServices(ctx, { ...args, facilityId }).then(toConnection);
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
    return effectiveOperatingMode(service, requireTenant(ctx));
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
      cancellationNoticeDays: cancellationNoticeDays(service, requireTenant(ctx)),
    };
  }

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
    const tenant = requireTenant(ctx);
    const date = on ? parseLocalDate(on, 'on') : todayIn(tenant.timeZone);
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
    const tenant = requireTenant(ctx);
    const date = on ? parseLocalDate(on, 'on') : todayIn(tenant.timeZone);
    const price = unitPriceFor(
      await ctx.loaders.priceBracketsByServiceId.load(service.id),
      familyQuotient,
      date,
    );
    return price === null ? null : moneyOf(price, tenant);
  }
}
