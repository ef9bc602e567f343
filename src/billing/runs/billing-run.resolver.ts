import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Access, TENANT_ADMIN } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { moneyOf, MoneyType } from '../../graphql/money';
import { registerNode } from '../../graphql/node';
import { afterCommit } from '../../graphql/payload';
import { isStaff } from '../../auth/viewer';
import type { Outcome } from '../../shared/user-errors';
import { BillingRun } from './billing-run.entity';
import { resumeBilling, runBilling, suspendBilling } from './billing-run.service';
import {
  BillingRunPayload,
  BillingRunType,
  ResumeBillingInput,
  RunBillingInput,
  SuspendBillingInput,
  SuspendBillingPayload,
} from './billing-run.types';

registerNode({
  typeName: 'BillingRun',
  entity: BillingRun,
  load: async (ctx, id) => (isStaff(ctx.viewer) ? ctx.em.findOne(BillingRun, { id }) : null),
});

/** The payload of a run: the run as PostgreSQL holds it once committed. */
export function runPayload(outcome: Outcome<{ runId: string }>) {
  const runId = outcome.value?.runId;
  return {
    billingRun: afterCommit((read) => (runId ? read.em.findOne(BillingRun, { id: runId }) : null)),
    userErrors: outcome.userErrors,
  };
}

@Resolver(() => BillingRunType)
export class BillingRunResolver {
  @FieldResolver(() => MoneyType, { description: 'Total invoiced by the run.' })
  amountInvoiced(@Root() run: BillingRun, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(Number(run.amountInvoiced), ctx.tenant);
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => BillingRunPayload, {
    description:
      'Bill a month that is over: one invoice per family, numbered without gaps. Issues nothing while billing is suspended. Tenant admins; the scheduler runs it at each month end. Retry-safe with idempotencyKey.',
  })
  async runBilling(
    @Arg('input', { description: 'The period.' }) input: RunBillingInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return runPayload(await runBilling(ctx, input));
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => BillingRunPayload, {
    description:
      'End a billing suspension: one catch-up invoice per family with every unbilled charge, lines by month and service. Tenant admins. Retry-safe with idempotencyKey.',
  })
  async resumeBilling(
    @Arg('input', { description: 'How far to catch up.' }) input: ResumeBillingInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return runPayload(await resumeBilling(ctx, input));
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => SuspendBillingPayload, {
    description:
      'Suspend billing: charges accrue, no invoice is issued until resumeBilling. Tenant admins; audited. Refused (userErrors) when billing is already suspended.',
  })
  async suspendBilling(
    @Arg('input', { description: 'Since when.' }) input: SuspendBillingInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { userErrors } = await suspendBilling(ctx, input);
    return { tenant: afterCommit((read) => read.tenant), userErrors };
  }
}
