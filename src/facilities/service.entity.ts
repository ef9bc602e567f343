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
}

/** Which calendars close a service of this kind, unless it says otherwise. */
export function defaultClosures(kind: ServiceKind): {
  closedOnPublicHolidays: boolean;
  closedOnSchoolHolidays: boolean;
} {
  const schoolDays = kind === ServiceKind.CANTEEN || kind === ServiceKind.PERISCHOOL;
  return { closedOnPublicHolidays: kind !== ServiceKind.WATER, closedOnSchoolHolidays: schoolDays };
}
