import { Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { moneyOf } from '../graphql/money';
import { registerNode } from '../graphql/node';
import { requireTenant } from '../shared/service-context';
import { OperatingMode, Tenant } from './tenant.entity';
import { TenantConfigurationType, TenantType } from './tenant.types';
import { listTenants, tenantConfiguration } from './tenants.service';

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
