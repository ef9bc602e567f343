import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { ListLength } from '../graphql/cost';
import { Access, PUBLIC, SIGNED_IN } from '../graphql/access';
import type { GraphQLContext } from '../graphql/context';
import { moneyOf } from '../graphql/money';
import { registerNode } from '../graphql/node';
import { OperatingMode, Tenant } from '../tenants/tenant.entity';
import { listTenants, tenantConfiguration } from '../tenants/tenants.service';
import { TenantConfigurationType, TenantType } from './tenant.types';

registerNode({
  typeName: 'Tenant',
  entity: Tenant,
  load: async (ctx, id) => ctx.em.findOne(Tenant, { id }),
});

@Resolver(() => TenantType)
export class TenantResolver {
  @Access(PUBLIC)
  @ListLength(10)
  @Query(() => [TenantType], {
    description: 'Public directory of tenants with their operating mode and notice. Needs no token.',
  })
  tenants(@Ctx() ctx: GraphQLContext): Promise<Tenant[]> {
    return ctx.directory ? ctx.directory.list(ctx.em) : listTenants(ctx.em);
  }

  @Access(SIGNED_IN)
  @Query(() => TenantType, { description: 'The tenant this request acts inside.' })
  tenant(@Ctx() ctx: GraphQLContext): Tenant {
    return ctx.tenant;
  }

  @FieldResolver(() => OperatingMode)
  operatingMode(@Root() tenant: Tenant): OperatingMode {
    return tenant.config.operatingMode;
  }

  @FieldResolver(() => String, { nullable: true })
  publicNotice(@Root() tenant: Tenant): string | null {
    return tenant.config.publicNotice ?? null;
  }

  @Access(SIGNED_IN)
  @FieldResolver(() => TenantConfigurationType, {
    nullable: true,
    description:
      'Operating configuration; readable only by callers acting inside this tenant (FORBIDDEN otherwise).',
  })
  configuration(@Root() tenant: Tenant, @Ctx() ctx: GraphQLContext): TenantConfigurationType {
    const config = tenantConfiguration(ctx.tenant.id, tenant);
    return { ...config, instalmentMinAmount: moneyOf(config.instalmentMinAmount, tenant) };
  }
}
