import { Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { FamilyType } from '../families/family.types';
import type { Family } from '../families/family.entity';
import { TenantType } from '../tenants/tenant.types';
import type { Tenant } from '../tenants/tenant.entity';
import type { Viewer } from './viewer';
import { ViewerKindEnum, ViewerType } from './viewer.types';

@Resolver(() => ViewerType)
export class ViewerResolver {
  @Query(() => ViewerType, {
    description: 'Who is calling: kind, roles, tenant and, for parents, their family.',
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
    return ctx.tenant;
  }

  @FieldResolver(() => FamilyType, { nullable: true, description: "A parent's own family." })
  async family(@Ctx() ctx: GraphQLContext): Promise<Family | null> {
    return ctx.viewer.familyId ? ctx.loaders.familyById.load(ctx.viewer.familyId) : null;
  }
}
