import {
  Embeddable,
  Embedded,
  Entity,
  Enum,
  ManyToOne,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../shared/tenant-owned';
import { OperatingMode } from '../tenants/tenant.entity';
import type { WaitlistOrdering, WaitlistPromotion } from '../tenants/waitlist-settings';
import type { Facility } from './facility.entity';

export enum ServiceKind {
  CANTEEN = 'CANTEEN',
  PERISCHOOL = 'PERISCHOOL',
  LEISURE_CENTRE = 'LEISURE_CENTRE',
  NURSERY = 'NURSERY',
  CHILDCARE_PLACE = 'CHILDCARE_PLACE',
  WATER = 'WATER',
}

/** What one charge of the service counts. */
export enum BillingUnit {
  MEAL = 'MEAL',
  HALF_DAY = 'HALF_DAY',
  DAY = 'DAY',
  HOUR = 'HOUR',
  MONTH = 'MONTH',
  CUBIC_METRE = 'CUBIC_METRE',
}

/**
 * When a session can be booked and cancelled. Deadlines are computed in the tenant's time zone.
 * Booking opens at `opensAt` (an instant, e.g. 4 June 12:30 Paris) or `opensDaysBefore` days
 * before the session (rolling window), or as soon as the session exists when both are null.
 * It closes `closesDaysBefore` days before the session at `closesAtTime` local time, counting
 * only working days when `closesOnWorkingDays` (weekends and the tenant's public holidays skipped).
 */
@Embeddable()
export class BookingPolicy {
  @Property({ type: 'timestamptz', nullable: true })
  opensAt?: Date | null;

  @Property({ type: 'integer', nullable: true })
  opensDaysBefore?: number | null;

  @Property()
  closesDaysBefore: number = 1;

  /** Local wall-clock time HH:MM. */
  @Property({ length: 5 })
  closesAtTime: string = '10:00';

  @Property()
  closesOnWorkingDays: boolean = false;

  /** Overrides the tenant's cancellation notice when set. */
  @Property({ type: 'integer', nullable: true })
  cancellationNoticeDays?: number | null;

  /** Whether a booked child absent without justification is billed (e.g. meals ordered). */
  @Property()
  billsUnjustifiedAbsence: boolean = true;

  /** Children may attend without a reservation even in NORMAL mode. */
  @Property()
  allowsWalkIns: boolean = false;
}

/** What a facility offers (prestation): canteen, périscolaire, leisure centre, crèche… */
@Entity({ tableName: 'services' })
export class Service extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Null for services without a place, such as water. */
  @ManyToOne({ entity: 'Facility', ref: true, nullable: true, fieldName: 'facility_id' })
  facility?: Ref<Facility> | null;

  @Enum({ items: () => ServiceKind, nativeEnumName: 'service_kind' })
  kind!: ServiceKind;

  @Property()
  name!: string;

  @Enum({ items: () => BillingUnit, nativeEnumName: 'billing_unit' })
  unit!: BillingUnit;

  /** Default capacity of new sessions. */
  @Property()
  defaultCapacity!: number;

  /** Overrides the tenant's operating mode for this service only. */
  @Enum({ items: () => OperatingMode, nativeEnumName: 'operating_mode', nullable: true })
  operatingModeOverride?: OperatingMode | null;

  @Embedded(() => BookingPolicy, { prefix: 'booking_' })
  bookingPolicy: BookingPolicy = new BookingPolicy();

  /** Closed on the tenant's public holidays (every service with sessions, by default). */
  @Property()
  closedOnPublicHolidays: boolean = true;

  /** Closed in the school holidays: canteens and périscolaire follow school days. */
  @Property()
  closedOnSchoolHolidays: boolean = false;

  /** Whom the service takes (besides its age range). */
  @Enum({ items: () => Audience, type: 'string' })
  audience: Audience = Audience.ANY;

  /** Youngest age taken, in whole months on the session's date (inclusive); null: no minimum. */
  @Property({ type: 'integer', nullable: true })
  minAgeMonths?: number | null;

  /** Age from which a child is no longer taken, in whole months (exclusive); null: no maximum. */
  @Property({ type: 'integer', nullable: true })
  maxAgeMonths?: number | null;

  /** This service's own notice to families (e.g. its outage), shown beside the tenant's. */
  @Property({ type: 'text', nullable: true })
  publicNotice?: string | null;

  /** Overrides the tenant's waitlist ordering for this service. */
  @Property({ type: 'string', nullable: true })
  waitlistOrdering?: WaitlistOrdering | null;

  /** Overrides the tenant's waitlist promotion (AUTO_BOOK or OFFER) for this service. */
  @Property({ type: 'string', nullable: true })
  waitlistPromotion?: WaitlistPromotion | null;

  /** Overrides the tenant's offer delay (hours a family has to answer an offer). */
  @Property({ type: 'integer', nullable: true })
  waitlistOfferHours?: number | null;

  /** Archived: no new sessions or bookings, still in history. */
  @Property({ type: 'timestamptz', nullable: true })
  archivedAt?: Date | null;
}

/** Whom a service takes. */
export enum Audience {
  /** Any child of the tenant (within the age range). */
  ANY = 'ANY',
  /** The pupils of the service's school (canteen, périscolaire) — unless the town opens it to others. */
  SCHOOL_PUPILS = 'SCHOOL_PUPILS',
  /** Children not yet at school (crèche). */
  PRE_SCHOOL = 'PRE_SCHOOL',
}

/** Whom a service of this kind takes, unless it says otherwise (ages in months, max exclusive). */
export function defaultAudience(kind: ServiceKind): {
  audience: Audience;
  minAgeMonths: number | null;
  maxAgeMonths: number | null;
} {
  switch (kind) {
    case ServiceKind.CANTEEN:
    case ServiceKind.PERISCHOOL:
      return { audience: Audience.SCHOOL_PUPILS, minAgeMonths: null, maxAgeMonths: null };
    case ServiceKind.NURSERY: // crèche: from 10 weeks until school (4 at the latest)
      return { audience: Audience.PRE_SCHOOL, minAgeMonths: 2, maxAgeMonths: 48 };
    case ServiceKind.LEISURE_CENTRE: // accueil de loisirs: 3 to 12
      return { audience: Audience.ANY, minAgeMonths: 36, maxAgeMonths: 156 };
    case ServiceKind.CHILDCARE_PLACE: // Québec's services de garde: 0 to 5
      return { audience: Audience.ANY, minAgeMonths: null, maxAgeMonths: 72 };
    default:
      return { audience: Audience.ANY, minAgeMonths: null, maxAgeMonths: null };
  }
}

/** Which calendars close a service of this kind, unless it says otherwise. */
export function defaultClosures(kind: ServiceKind): {
  closedOnPublicHolidays: boolean;
  closedOnSchoolHolidays: boolean;
} {
  const schoolDays = kind === ServiceKind.CANTEEN || kind === ServiceKind.PERISCHOOL;
  return { closedOnPublicHolidays: kind !== ServiceKind.WATER, closedOnSchoolHolidays: schoolDays };
}
