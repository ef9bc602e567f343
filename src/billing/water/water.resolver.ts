import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Access, STAFF, TENANT_ADMIN } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { afterCommit } from '../../graphql/payload';
import { Charge } from '../../reservations/charge.entity';
import { runPayload } from '../runs/billing-run.resolver';
import { BillingRunPayload } from '../runs/billing-run.types';
import {
  CollectWaterDebitsInput,
  CollectWaterDebitsPayload,
  RecordWaterConsumptionInput,
  RecordWaterConsumptionPayload,
  RegulariseWaterInput,
  SetWaterDebitInput,
  SetWaterDebitPayload,
} from './water.types';
import { collectWaterDebits, recordWaterConsumption, regulariseWater, setWaterDebit } from './water.service';

@Resolver()
export class WaterResolver {
  @Access(STAFF)
  @Mutation(() => RecordWaterConsumptionPayload, {
    description:
      'Record a water meter reading (staff): a consumption charge, billed at the annual regularisation. Retry-safe with idempotencyKey.',
  })
  async recordWaterConsumption(
    @Arg('input', { description: 'The reading.' }) input: RecordWaterConsumptionInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await recordWaterConsumption(ctx, input);
    return {
      charge: afterCommit((read) => (value ? read.em.findOne(Charge, { id: value.chargeId }) : null)),
      userErrors,
    };
  }

  @Access(STAFF)
  @Mutation(() => SetWaterDebitPayload, {
    description: "Set or stop a household's monthly water direct debit (staff).",
  })
  async setWaterDebit(
    @Arg('input', { description: 'The schedule.' }) input: SetWaterDebitInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await setWaterDebit(ctx, input);
    return { monthlyAmount: value, userErrors };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => CollectWaterDebitsPayload, {
    description:
      "Take a month's water debits (tenant admins). Skipped while billing is suspended: never taken later. Safe to retry.",
  })
  async collectWaterDebits(
    @Arg('input', { description: 'The month.' }) input: CollectWaterDebitsInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await collectWaterDebits(ctx, input);
    return { debits: value?.debits ?? null, skipped: value?.skipped ?? null, userErrors };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => BillingRunPayload, {
    description:
      "The annual water regularisation (tenant admins): the year's consumption invoiced, settled first with the year's debits. Retry-safe with idempotencyKey.",
  })
  async regulariseWater(
    @Arg('input', { description: 'The year.' }) input: RegulariseWaterInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return runPayload(await regulariseWater(ctx, input));
  }
}
