import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { expectGlobalId } from '../shared/ids';
import type { GraphQLContext } from '../graphql/context';
import { moneyOf } from '../graphql/money';
import { registerNode } from '../graphql/node';
import { requireTenant } from '../shared/service-context';
import { OperatingMode, Tenant } from './tenant.entity';
import {
  SetOperatingModeInput,
  SetOperatingModePayload,
  TenantConfigurationType,
  TenantType,
} from './tenant.types';
import { listTenants, setOperatingMode, tenantConfiguration } from './tenants.service';

registerNode({
  typeName: 'Tenant',
  entity: Tenant,
  load: async (ctx, id) => ctx.em.findOne(Tenant, { id }),
});

@Resolver(() => TenantType)
export class TenantResolver {
  @Query(() => [TenantType], {
    description: 'Public directory of tenants with their operating mode and notice. Needs no token.',
  })
  tenants(@Ctx() ctx: GraphQLContext): Promise<Tenant[]> {
    return listTenants(ctx.em);
  }

  @Authorized()
  @Query(() => TenantType, { description: 'The tenant this request acts inside.' })
  tenant(@Ctx() ctx: GraphQLContext): Tenant {
    return requireTenant(ctx);
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => SetOperatingModePayload, {
    description:
      'Switch to an outage mode (WALK_IN, COUNTER_ONLY, READ_ONLY) or back to NORMAL. Tenant admins; audited.',
  })
  setOperatingMode(
    @Arg('input', { description: 'Mode, scope, notice and reason.' }) input: SetOperatingModeInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return setOperatingMode(ctx, {
      ...input,
      serviceId: input.serviceId ? expectGlobalId(input.serviceId, 'Service', 'input.serviceId') : null,
    });
  }

  @FieldResolver(() => OperatingMode)
  operatingMode(@Root() tenant: Tenant): OperatingMode {
    return tenant.config.operatingMode;
  }

  @FieldResolver(() => String, { nullable: true })
  publicNotice(@Root() tenant: Tenant): string | null {
    return tenant.config.publicNotice ?? null;
  }

  @Authorized()
  @FieldResolver(() => TenantConfigurationType, {
    nullable: true,
    description:
      'Operating configuration; readable only by callers acting inside this tenant (FORBIDDEN otherwise).',
  })
  configuration(@Root() tenant: Tenant, @Ctx() ctx: GraphQLContext): TenantConfigurationType {
    const config = tenantConfiguration(ctx, tenant);
    return { ...config, instalmentMinAmount: moneyOf(config.instalmentMinAmount, tenant) };
  }
}
