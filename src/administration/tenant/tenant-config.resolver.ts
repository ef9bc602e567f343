import { Arg, Ctx, Field, InputType, Int, Mutation, Resolver } from 'type-graphql';
import { TenantType } from '../../directory/tenant.types';
import { Access, TENANT_ADMIN } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { idempotencyKeyField, TextField } from '../../graphql/inputs';
import { afterCommit, payloadType } from '../../graphql/payload';
import { PaymentMethod, Tenant } from '../../tenants/tenant.entity';
import { updateTenantConfiguration } from './tenant-config.service';

@InputType('UpdateTenantConfigurationInput', {
  description: "Changes to the tenant's configuration; omitted fields stay as they are.",
})
class UpdateTenantConfigurationInput {
  @TextField({ nullable: true, description: 'Display name in the directory, 1 to 255 characters.' })
  name?: string | null;

  @TextField({
    nullable: true,
    maxLength: 64,
    description:
      'IANA time zone, e.g. Europe/Paris or America/Montreal, in which every date rule is computed (INVALID otherwise).',
  })
  timeZone?: string | null;

  @TextField({
    nullable: true,
    maxLength: 35,
    description:
      'BCP 47 locale in French or English, e.g. fr-FR, fr-CA, en-CA (INVALID otherwise); stored canonical.',
  })
  locale?: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Default days before a slot after which cancelling is billed, 0 to 60 (services may override it).',
  })
  cancellationNoticeDays?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "Whether parents may justify their children's absences themselves (agents always may).",
  })
  parentsMayJustifyAbsences?: boolean | null;

  @Field(() => Int, { nullable: true, description: 'Most instalments of a payment plan, 1 to 24.' })
  instalmentMaxCount?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Smallest instalment, in minor units of the currency (cents), 0 to 1,000,000.',
  })
  instalmentMinAmount?: number | null;

  @Field(() => [PaymentMethod], { nullable: true, description: 'Payment methods accepted at the counter.' })
  counterPaymentMethods?: PaymentMethod[] | null;

  @Field(() => Int, {
    nullable: true,
    description: "Days between an invoice's issue and its due date, 1 to 120.",
  })
  invoiceDueDays?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Hours a family has to answer a waitlist offer, 1 to 336 (services may override it).',
  })
  waitlistOfferDelayHours?: number | null;

  @TextField({
    nullable: true,
    maxLength: 1000,
    description:
      'Notice shown to families in the directory, at most 1,000 characters; an empty string clears it.',
  })
  publicNotice?: string | null;

  @TextField({
    nullable: true,
    maxLength: 10,
    description:
      "The treasury's budget code for the tenant's receipts (PES V2 `CodBud`): 1 to 10 letters and digits, stored upper case (INVALID otherwise); an empty string clears it. Printed on collection batch files.",
  })
  treasuryBudgetCode?: string | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

const UpdateTenantConfigurationPayload = payloadType(
  'UpdateTenantConfigurationPayload',
  'Result of updateTenantConfiguration.',
  { tenant: { type: () => TenantType, nullable: true, description: 'The tenant, with its configuration.' } },
);

@Resolver()
export class TenantConfigurationResolver {
  @Access(TENANT_ADMIN)
  @Mutation(() => UpdateTenantConfigurationPayload, {
    description:
      "Change the tenant's configuration: name, time zone, locale, default cancellation notice, who justifies absences, payment-plan limits, counter payment methods, invoice due days, waitlist offer delay, public notice, the treasury budget code. INVALID naming the field for an unknown time zone, a locale that is not BCP 47 French or English, numbers out of range or text too long. The directory shows the change at once. Tenant admins; audited (the fields changed, before → after); retry-safe with idempotencyKey. Operating modes: setOperatingMode.",
  })
  async updateTenantConfiguration(
    @Arg('input', { description: 'The changes.' }) input: UpdateTenantConfigurationInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await updateTenantConfiguration(ctx, input);
    return {
      tenant: afterCommit((read) => (value ? read.em.findOne(Tenant, { id: value.tenantId }) : null)),
      userErrors,
    };
  }
}
