import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Access, PUBLIC } from '../graphql/access';
import { Node } from '../graphql/node';
import { DateTime, LocalDate } from '../graphql/scalars';
import { MoneyType } from '../graphql/money';
import { OperatingMode, PaymentMethod } from '../tenants/tenant.entity';

registerEnumType(OperatingMode, {
  name: 'OperatingMode',
  description: 'How a tenant (or one service) runs: normally, or in one of the outage fallbacks.',
  valuesConfig: {
    NORMAL: { description: 'Online booking open; a reservation is needed to attend.' },
    WALK_IN: {
      description: 'Online booking closed; children attend without reservation, attendance is billed.',
    },
    COUNTER_ONLY: { description: 'Families cannot write; agents act for them at the counter.' },
    READ_ONLY: { description: 'Nobody writes; everyone can read.' },
  },
});

registerEnumType(PaymentMethod, {
  name: 'PaymentMethod',
  description: 'How a family pays.',
  valuesConfig: {
    CARD: { description: 'Bank card, online or at the counter.' },
    DIRECT_DEBIT: { description: 'SEPA or pre-authorised direct debit (prélèvement).' },
    CASH: { description: 'Cash, at the counter only.' },
    CHEQUE: { description: 'Cheque, at the counter only.' },
  },
});

@ObjectType('TenantConfiguration', {
  description: "A tenant's operating configuration (visible inside the tenant only).",
})
export class TenantConfigurationType {
  @Field(() => OperatingMode, {
    description: 'Operating mode of the whole tenant; services may override it.',
  })
  operatingMode!: OperatingMode;

  @Field({ description: 'Whether billing is suspended: charges accrue but no invoice is issued.' })
  billingSuspended!: boolean;

  @Field(() => LocalDate, { nullable: true, description: 'Since when billing has been suspended.' })
  billingSuspendedSince?: string | null;

  @Field(() => Int, { description: 'Days before a slot after which cancelling is no longer free.' })
  cancellationNoticeDays!: number;

  @Field({ description: "Whether parents may justify their children's absences themselves." })
  parentsMayJustifyAbsences!: boolean;

  @Field(() => Int, { description: 'Most instalments a payment plan may have.' })
  instalmentMaxCount!: number;

  @Field(() => MoneyType, { description: 'Smallest amount of one instalment.' })
  instalmentMinAmount!: MoneyType;

  @Field(() => [PaymentMethod], { description: 'Payment methods accepted at the counter.' })
  counterPaymentMethods!: PaymentMethod[];

  @Field(() => Int, { description: "Days between an invoice's issue and its due date." })
  invoiceDueDays!: number;

  @Field(() => Int, { description: 'Hours a family has to answer a waitlist offer.' })
  waitlistOfferDelayHours!: number;

  @Field(() => String, { nullable: true, description: 'Notice shown to families, e.g. during an outage.' })
  publicNotice?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The budget code the public treasury knows the tenant's receipts by (PES V2 `CodBud`: 1 to 10 letters and digits, upper case), printed on every line of a collection batch's file (`TreasuryBatch.csvUrl`); null: not configured.",
  })
  treasuryBudgetCode?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "School calendar closing the services that follow school days: `FR-A`, `FR-B` or `FR-C`, the académie's zone of the French ministry's calendar (Montpellier is C, Nantes B); null without school services.",
  })
  schoolCalendar?: string | null;

  @Field(() => [String], {
    description:
      "Origins (scheme, host and port, e.g. `https://portail.beziers.fr`) whose browser front ends may call the API (CORS). Read-only here: set in the tenant's configuration (docs/auth.md). A preflight carries no tenant, so an origin any tenant lists passes CORS; tokens still decide what a request may do.",
  })
  allowedOrigins!: string[];
}

@Access(PUBLIC)
@ObjectType('Tenant', {
  implements: Node,
  description: 'A municipality or cooperative served by Guichet. The directory fields are public.',
})
export class TenantType extends Node {
  @Field({ description: 'Stable short name, e.g. "nimes"; used in tokens and the X-Tenant header.' })
  slug!: string;

  @Field({ description: 'Display name.' })
  name!: string;

  @Field({ description: 'BCP 47 locale, e.g. fr-FR.' })
  locale!: string;

  @Field({ description: 'IANA time zone in which every date rule of the tenant is computed.' })
  timeZone!: string;

  @Field({ description: 'ISO 4217 currency of every amount of the tenant.' })
  currency!: string;

  @Field({
    description:
      'Public-holiday calendar of the tenant (`FR`: metropolitan France, `CA-QC`: Québec): closes services on public holidays and is skipped when counting working days before a booking deadline.',
  })
  holidayRegion!: string;

  @Field(() => OperatingMode, { description: 'Current operating mode, for outage banners.' })
  operatingMode!: OperatingMode;

  @Field(() => String, { nullable: true, description: 'Notice to show families, if any.' })
  publicNotice?: string | null;

  @Field(() => DateTime, { description: 'When the tenant or its configuration last changed.' })
  updatedAt!: Date;
}
