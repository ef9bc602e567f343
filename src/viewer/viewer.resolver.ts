import { Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import type { Viewer } from '../auth/viewer';
import { TenantType } from '../directory/tenant.types';
import { Access, PUBLIC } from '../graphql/access';
import type { GraphQLContext } from '../graphql/context';
import type { Tenant } from '../tenants/tenant.entity';
import { ViewerKindEnum, ViewerType } from './viewer.types';

@Resolver(() => ViewerType)
export class ViewerResolver {
  @Access(PUBLIC)
  @Query(() => ViewerType, {
    description: 'Who is calling: kind, roles, tenant and, for parents, their family. Needs no token.',
  })
  viewer(@Ctx() ctx: GraphQLContext): Viewer {
    return ctx.viewer;
  }

  @FieldResolver(() => ViewerKindEnum)
  kind(@Ctx() ctx: GraphQLContext): ViewerKindEnum {
    return ViewerKindEnum[ctx.viewer.kind];
  }

  @FieldResolver(() => TenantType, { nullable: true, description: 'The tenant the request acts inside.' })
  tenant(@Ctx() ctx: GraphQLContext): Tenant | null {
    return ctx.tenantOrNull;
  }
}
