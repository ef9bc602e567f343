import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Role, Scope } from '../auth/viewer';
import type { Facility } from '../facilities/facility.entity';
import { FacilityType } from '../facilities/facility.types';
import { Access } from '../graphql/access';
import { PageArgs, toConnection, type ConnectionShape } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import type { Child } from './child.entity';
import { ChildConnection } from './family.types';

@Resolver(() => FacilityType)
export class FacilityChildrenResolver {
  @Access({
    roles: [Role.AGENT, Role.TENANT_ADMIN],
    scopes: [Scope.ATTENDANCE_WRITE, Scope.FAMILIES_READ],
  })
  @FieldResolver(() => ChildConnection, {
    description:
      'The children attending this school (or crèche), by last and first name: the roll for children who come without a reservation. Staff, and API keys with attendance:write or families:read.',
  })
  async children(
    @Root() facility: Facility,
    @Args() args: PageArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Child>> {
    return toConnection(
      await ctx.loaders.childPagesBySchoolId.load({ parentId: facility.id, args: { ...args } }),
    );
  }
}
