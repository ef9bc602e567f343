import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Access, STAFF, TENANT_ADMIN } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { ListLength } from '../../graphql/cost';
import { registerNode } from '../../graphql/node';
import { afterCommit } from '../../graphql/payload';
import { LocalDate } from '../../graphql/scalars';
import { toGlobalId } from '../../shared/ids';
import { ClosurePeriod } from './closure-period.entity';
import { createClosurePeriod, deleteClosurePeriod, listClosurePeriods } from './closures.service';
import {
  ClosurePeriodType,
  CreateClosurePeriodInput,
  CreateClosurePeriodPayload,
  DeleteClosurePeriodInput,
  DeleteClosurePeriodPayload,
} from './closures.types';

registerNode({
  typeName: 'ClosurePeriod',
  entity: ClosurePeriod,
  load: async (ctx, id) => (ctx.viewer.familyId ? null : ctx.em.findOne(ClosurePeriod, { id })),
});

@Resolver(() => ClosurePeriodType)
export class ClosurePeriodResolver {
  @Access(STAFF)
  @ListLength(20)
  @Query(() => [ClosurePeriodType], {
    description:
      "The tenant's own closure periods overlapping [from, to] (all when omitted), earliest first, at most 500. Agents and tenant admins.",
  })
  closurePeriods(
    @Arg('from', () => LocalDate, { nullable: true, description: 'Periods ending on or after this date.' })
    from: string | null,
    @Arg('to', () => LocalDate, { nullable: true, description: 'Periods starting on or before this date.' })
    to: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ClosurePeriod[]> {
    return listClosurePeriods(ctx, { from, to });
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => CreateClosurePeriodPayload, {
    description:
      'Close the tenant, one facility or some kinds of service from `from` to `to` (a strike, works, school holidays the data file does not know). Sessions in the period without reservations are removed, those with reservations kept and counted (cancel them with cancelSession); no session can be created on those days afterwards (generateSessions skips them). INVALID for an empty name or reversed dates, NOT_FOUND for an unknown facility. Tenant admins; audited; retry-safe with idempotencyKey.',
  })
  async createClosurePeriod(
    @Arg('input', { description: 'Name, dates and scope.' }) input: CreateClosurePeriodInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await createClosurePeriod(ctx, input);
    return {
      closurePeriod: afterCommit((read) =>
        value ? read.em.findOne(ClosurePeriod, { id: value.closurePeriodId }) : null,
      ),
      sessionsRemoved: value?.sessionsRemoved ?? null,
      sessionsKept: value?.sessionsKept ?? null,
      userErrors,
    };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => DeleteClosurePeriodPayload, {
    description:
      'Remove a closure period: its days reopen (sessions are not recreated: run generateSessions). NOT_FOUND for an unknown one. Tenant admins; audited; retry-safe with idempotencyKey.',
  })
  async deleteClosurePeriod(
    @Arg('input', { description: 'The closure period.' }) input: DeleteClosurePeriodInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await deleteClosurePeriod(ctx, input);
    return {
      deletedClosurePeriodId: value ? toGlobalId('ClosurePeriod', value.closurePeriodId) : null,
      userErrors,
    };
  }
}
