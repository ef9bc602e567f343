import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Access, TENANT_ADMIN } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { afterCommit } from '../../graphql/payload';
import { setPriceGrid } from './price-grid.service';
import { SetPriceGridInput, SetPriceGridPayload } from './price-grid.types';

@Resolver()
export class PriceGridResolver {
  @Access(TENANT_ADMIN)
  @Mutation(() => SetPriceGridPayload, {
    description:
      'Give a service a price grid by family quotient from a date (e.g. 1 January): the grid in force that day ends the day before, a grid starting the same day is replaced, a later grid is kept. Every quotient priced exactly once, or INVALID naming the bracket with the gap or overlap. Charges already created keep their price. NOT_FOUND for an unknown service. Tenant admins; audited (grid before → after); retry-safe with idempotencyKey.',
  })
  async setPriceGrid(
    @Arg('input', { description: 'Service, first date and brackets.' }) input: SetPriceGridInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await setPriceGrid(ctx, input);
    return {
      service: afterCommit((read) => (value ? read.loaders.serviceById.load(value.serviceId) : null)),
      userErrors,
    };
  }
}
