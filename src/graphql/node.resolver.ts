import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { NotFoundError } from '../shared/errors';
import { fromGlobalId } from '../shared/ids';
import { Access, SIGNED_IN } from './access';
import { UserErrorResolver } from './user-error';
import type { GraphQLContext } from './context';
import type { Domain } from './domain';
import { Node, nodeType } from './node';

@Resolver()
export class NodeResolver {
  @Access(SIGNED_IN)
  @Query(() => Node, {
    nullable: true,
    description:
      'Any object by its global ID. NOT_FOUND when it does not exist or is not visible to the caller.',
  })
  async node(
    @Arg('id', () => ID, { description: 'A global ID returned by the API.' }) id: string,
    @Ctx() ctx: GraphQLContext,
  ) {
    const decoded = fromGlobalId(id);
    const type = decoded && nodeType(decoded.type);
    const found = type && decoded ? await type.load(ctx, decoded.id) : null;
    if (!found) throw new NotFoundError('Node');
    return found;
  }
}

/** The plumbing's own resolvers: `node(id:)` and the computed fields of `UserError`. */
export const nodeDomain: Domain = { name: 'node', resolvers: [NodeResolver, UserErrorResolver] };
