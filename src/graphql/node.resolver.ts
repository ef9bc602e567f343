import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { NotFoundError } from '../shared/errors';
import { fromGlobalId } from '../shared/ids';
import type { GraphQLContext } from './context';
import { Node, nodeType } from './node';

@Resolver()
export class NodeResolver {
  @Authorized()
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
