import { Embeddable, Embedded, Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { SchoolCalendar } from '../calendars/school-holidays';
import { WaitlistOrdering, WaitlistPromotion, type WaitlistCriterionSetting } from './waitlist-settings';

export { WaitlistOrdering, WaitlistPromotion };

/** The outage fallbacks of docs/design.md. Services may override their tenant's mode. */
export enum OperatingMode {
  NORMAL = 'NORMAL',
  WALK_IN = 'WALK_IN',
  COUNTER_ONLY = 'COUNTER_ONLY',
  READ_ONLY = 'READ_ONLY',
}

/** One reminder level: days after the due date, and its fee (minor units, 0: none). */
export interface ReminderLevel {
  days: number;
  fee: number;
}

export enum PaymentMethod {
  CARD = 'CARD',
  DIRECT_DEBIT = 'DIRECT_DEBIT',
  CASH = 'CASH',
  CHEQUE = 'CHEQUE',
}

/** A tenant's operating configuration; stored as `config_*` columns of `tenants`. */
@Embeddable()
export class TenantConfig {
  @Enum({ items: () => OperatingMode, nativeEnumName: 'operating_mode' })
  operatingMode: OperatingMode = OperatingMode.NORMAL;

  /** Billing suspended (facturation suspendue): charges accrue, no invoice is issued. */
  @Property()
  billingSuspended: boolean = false;

  @Property({ type: 'string', columnType: 'date', nullable: true })
  billingSuspendedSince?: string | null;

  /** Days before a slot after which cancelling is no longer free (délai de prévenance). */
  @Property()
  cancellationNoticeDays: number = 0;

  /** Whether parents may justify their children's absences themselves (agents always may). */
  @Property()
  parentsMayJustifyAbsences: boolean = false;

  /** Invoice numbers restart each year (F2026-000001) or run on (F-000001). */
  @Property()
  invoiceNumberingPerYear: boolean = true;

  /** Days between an invoice's issue and its due date. */
  @Property()
  invoiceDueDays: number = 30;

  /** A draft run warns about a family whose oldest charge is older than this many days. */
  @Property()
  draftStaleChargeDays: number = 90;

  /** A draft run warns about an invoice above this many minor units. */
  @Property()
  draftAmountThreshold: number = 50000;

  /** SEPA creditor identifier (ICS, e.g. FR12ZZZ123456); null: no direct debits. */
  @Property({ type: 'string', nullable: true })
  sepaCreditorId?: string | null;

  /** The creditor's name on debits (at most 70 characters). */
  @Property({ type: 'string', nullable: true })
  sepaCreditorName?: string | null;

  /** The account the debits are paid into. */
  @Property({ type: 'string', nullable: true })
  sepaCreditorIban?: string | null;

  @Property({ type: 'string', nullable: true })
  sepaCreditorBic?: string | null;

  /** Fee invoiced for each rejected debit, in minor units (0: none). */
  @Property()
  sepaRejectionFee: number = 0;

  /**
   * Reminder levels (relances), in order: each sent `days` after the due date (and at least the
   * gap between the two levels' days after the one before), charging `fee` minor units once per
   * debt (0: none). src/billing/reminders/.
   */
  @Property({ type: 'json' })
  reminderLevels: ReminderLevel[] = [
    { days: 15, fee: 0 },
    { days: 30, fee: 0 },
  ];

  /** Days after its due date when a debt past the last reminder goes to the public treasury. */
  @Property()
  handOverDays: number = 60;

  /**
   * The budget code the treasury knows the tenant's receipts by (PES V2 `CodBud`, 1–10 letters
   * and digits), printed on its collection batch file; null: not configured.
   */
  @Property({ type: 'string', nullable: true })
  treasuryBudgetCode?: string | null;

  /** Payment plans (échelonnement): at most this many instalments… */
  @Property()
  instalmentMaxCount: number = 1;

  /** …each at least this many minor units. */
  @Property()
  instalmentMinAmount: number = 0;

  /** Methods accepted at the counter (guichet). */
  @Property({ type: 'array', columnType: 'text[]' })
  counterPaymentMethods: PaymentMethod[] = [];

  /** Hours a family has to answer a waitlist offer before it goes to the next entry. */
  @Property()
  waitlistOfferDelayHours: number = 72;

  /** How waitlists are ordered, unless a service says otherwise. */
  @Property({ type: 'string' })
  waitlistOrdering: WaitlistOrdering = WaitlistOrdering.FIFO;

  /** What a freed place does for the first waiting entry, unless a service says otherwise. */
  @Property({ type: 'string' })
  waitlistPromotion: WaitlistPromotion = WaitlistPromotion.AUTO_BOOK;

  /** The priority criteria of PRIORITY_THEN_FIFO lists, each worth points. */
  @Property({ type: 'json' })
  waitlistCriteria: WaitlistCriterionSetting[] = [];

  /**
   * The school calendar that closes school-day services (`FR-A`, `FR-B`, `FR-C`: the académie's
   * zone); null for tenants without school services.
   */
  @Property({ type: 'string', nullable: true })
  schoolCalendar?: SchoolCalendar | null;

  /** Banner text front ends show to families (e.g. during an outage). */
  @Property({ type: 'text', nullable: true })
  publicNotice?: string | null;

  /**
   * Origins (`https://portail.ville.fr`, scheme, host and port, lowercase, no path) whose browser
   * front ends may call the API (CORS). docs/auth.md.
   */
  @Property({ type: 'array', columnType: 'text[]' })
  allowedOrigins: string[] = [];

  /**
   * The town's identity provider, whose tokens (RS256/ES256, checked against its JWKS) act in
   * this tenant; null: Guichet's own HS256 tokens only. Its shape: `IdentityProviderConfig`
   * (src/auth/identity-providers.ts), its use: docs/auth.md.
   */
  @Property({ type: 'json', nullable: true })
  identityProvider?: Record<string, unknown> | null;

  /** Whether families may apply for childcare places and edit their applications (agents always may). */
  @Property()
  placementApplicationsOpen: boolean = true;
}

/** A municipality (or cooperative) using Guichet. Not tenant-owned itself: the public directory. */
@Entity({ tableName: 'tenants' })
export class Tenant {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ unique: true })
  slug!: string;

  @Property()
  name!: string;

  /** BCP 47 locale, e.g. fr-FR, fr-CA. */
  @Property()
  locale!: string;

  /** IANA time zone; every date rule of the tenant is computed in it. */
  @Property()
  timeZone!: string;

  /** ISO 4217 currency of every amount of the tenant. */
  @Property({ length: 3 })
  currency!: string;

  /** ISO 3166 country (and subdivision) used for public holidays, e.g. FR, CA-QC. */
  @Property()
  holidayRegion!: string;

  @Embedded(() => TenantConfig, { prefix: 'config_' })
  config: TenantConfig = new TenantConfig();

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
