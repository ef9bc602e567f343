import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { ListLength } from '../graphql/cost';
import { Scope } from '../auth/viewer';
import type { Facility } from '../facilities/facility.entity';
import { FacilityType } from '../facilities/facility.types';
import { Access, SIGNED_IN } from '../graphql/access';
import { toConnection, type ConnectionShape } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { IdArg } from '../graphql/inputs';
import { registerNode } from '../graphql/node';
import { ViewerType } from '../viewer/viewer.types';
import { Child } from './child.entity';
import { canSeeFamily, getFamily, isHouseholdOf, listFamilies } from './families.service';
import { Family } from './family.entity';
import { ChildType, FamiliesArgs, FAMILY_READERS, FamilyConnection, FamilyType } from './family.types';
import { present } from '../shared/loaders';

registerNode({
  typeName: 'Family',
  entity: Family,
  load: async (ctx, id) => {
    const family = await ctx.loaders.familyById.load(id);
    // A merged family's ID resolves to the family it was merged into.
    const kept = family?.mergedIntoId ? await ctx.loaders.familyById.load(family.mergedIntoId) : family;
    return kept && canSeeFamily(ctx, kept.id) ? kept : null;
  },
  keptIds: (ctx, ids) => keptOf(ids, (id) => ctx.loaders.familyById.load(id)),
});
registerNode({
  typeName: 'Child',
  entity: Child,
  load: async (ctx, id) => {
    const found = await ctx.loaders.childById.load(id);
    // A merged record's ID resolves to the child it was merged into.
    const child = found?.mergedIntoId ? await ctx.loaders.childById.load(found.mergedIntoId) : found;
    if (!child) return null;
    return canSeeFamily(ctx, child.family.id) ||
      (ctx.viewer.familyId ? await isHouseholdOf(ctx, child, ctx.viewer.familyId) : false)
      ? child
      : null;
  },
  keptIds: (ctx, ids) => keptOf(ids, (id) => ctx.loaders.childById.load(id)),
});

/**
 * The record each merged one was merged into (a merge points every record merged into the one it
 * merges to the kept record too, so one hop is enough). Through the unit's loaders: an operation
 * naming the same IDs in many places looks them up once.
 */
async function keptOf(
  ids: string[],
  load: (id: string) => Promise<{ id: string; mergedIntoId?: string | null } | null>,
): Promise<Map<string, string>> {
  const rows = await Promise.all(ids.map(load));
  return new Map(rows.flatMap((row) => (row?.mergedIntoId ? [[row.id, row.mergedIntoId] as const] : [])));
}

@Resolver(() => FamilyType)
export class FamilyResolver {
  @Access({ scopes: [Scope.FAMILIES_READ] })
  @Query(() => FamilyConnection, {
    description: "The tenant's families, by name. Agents, or API keys with families:read.",
  })
  families(@Args() args: FamiliesArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionShape<Family>> {
    return listFamilies(ctx, args).then(toConnection);
  }

  @Access(FAMILY_READERS)
  @Query(() => FamilyType, {
    nullable: true,
    description:
      'A family by ID: any family of the tenant for agents and families:read keys, their own for parents. NOT_FOUND otherwise.',
  })
  family(@IdArg('id', 'Family', { description: 'The family ID.' }) id: string, @Ctx() ctx: GraphQLContext) {
    return getFamily(ctx, id);
  }

  @ListLength(3)
  @FieldResolver(() => [ChildType], {
    description: 'The children of the household, eldest first.',
  })
  children(@Root() family: Family, @Ctx() ctx: GraphQLContext): Promise<Child[]> {
    return ctx.loaders.childrenByFamilyId.load(family.id);
  }
}

@Resolver(() => ChildType)
export class ChildResolver {
  @FieldResolver(() => FamilyType, { description: 'The household the child belongs to.' })
  family(@Root() child: Child, @Ctx() ctx: GraphQLContext): Promise<Family> {
    return present(ctx.loaders.familyById.load(child.family.id));
  }

  @FieldResolver(() => FacilityType, {
    nullable: true,
    description: 'The school or crèche the child attends.',
  })
  async school(@Root() child: Child, @Ctx() ctx: GraphQLContext): Promise<Facility | null> {
    return child.school ? ctx.loaders.facilityById.load(child.school.id) : null;
  }
}

@Resolver(() => ViewerType)
export class ViewerFamilyResolver {
  @Access(SIGNED_IN)
  @FieldResolver(() => FamilyType, {
    nullable: true,
    description: "A parent's own family (null for others).",
  })
  async family(@Ctx() ctx: GraphQLContext): Promise<Family | null> {
    return ctx.viewer.familyId ? ctx.loaders.familyById.load(ctx.viewer.familyId) : null;
  }
}
