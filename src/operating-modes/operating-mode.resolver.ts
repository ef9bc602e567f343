import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Access, TENANT_ADMIN } from '../graphql/access';
import type { GraphQLContext } from '../graphql/context';
import { afterCommit } from '../graphql/payload';
import { setOperatingMode } from './operating-modes.service';
import { SetOperatingModeInput, SetOperatingModePayload } from './operating-mode.types';

@Resolver()
export class OperatingModeResolver {
  @Access(TENANT_ADMIN)
  @Mutation(() => SetOperatingModePayload, {
    description:
      'Switch to an outage mode (WALK_IN, COUNTER_ONLY, READ_ONLY) or back to NORMAL. Tenant admins; audited.',
  })
  async setOperatingMode(
    @Arg('input', { description: 'Mode, scope, notice and reason.' }) input: SetOperatingModeInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await setOperatingMode(ctx, input);
    return {
      tenant: afterCommit((read) => read.tenant),
      service: afterCommit((read) =>
        value?.serviceId ? read.loaders.serviceById.load(value.serviceId) : null,
      ),
      userErrors,
    };
  }
}
