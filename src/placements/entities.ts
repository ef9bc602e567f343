import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { ReservationChannel } from '../shared/channels';
import { TenantOwned } from '../shared/tenant-owned';

/** The age groups of a childcare facility, by the child's age at the start date. */
export enum AgeGroup {
  /** Babies (poupons), e.g. 0–18 months. */
  INFANT = 'INFANT',
  /** Toddlers, e.g. 18–36 months. */
  TODDLER = 'TODDLER',
  /** Preschool, e.g. 3–5 years. */
  PRESCHOOL = 'PRESCHOOL',
}

export enum ApplicationStatus {
  ACTIVE = 'ACTIVE',
  OFFERED = 'OFFERED',
  PLACED = 'PLACED',
  WITHDRAWN = 'WITHDRAWN',
  EXPIRED = 'EXPIRED',
}

export enum OfferStatus {
  OFFERED = 'OFFERED',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  EXPIRED = 'EXPIRED',
  WITHDRAWN = 'WITHDRAWN',
}

/**
 * A child's application for a childcare place (demande de place), ranked at each facility it
 * chose. `registeredAt` never changes (a trigger refuses it): it orders equal points for good.
 * Preferences and declared criteria live in their own tables (read through the loaders).
 */
@Entity({ tableName: 'placement_applications' })
export class PlacementApplication extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  childId!: string;

  @Property({ type: 'uuid' })
  familyId!: string;

  @Property({ type: 'string', columnType: 'date' })
  desiredStartDate!: string;

  @Property()
  daysPerWeek!: number;

  @Property()
  fullTime!: boolean;

  @Enum({ items: () => ApplicationStatus, nativeEnumName: 'placement_application_status' })
  status: ApplicationStatus = ApplicationStatus.ACTIVE;

  @Property({ type: 'timestamptz' })
  registeredAt!: Date;

  @Enum({ items: () => ReservationChannel, nativeEnumName: 'reservation_channel' })
  channel!: ReservationChannel;

  @Property()
  createdBy!: string;

  @Property()
  urgentDeclared: boolean = false;

  @Property({ type: 'text', nullable: true })
  urgentReason?: string | null;

  /** When an agent verified the urgency's proof: the application ranks as urgent from then. */
  @Property({ type: 'timestamptz', nullable: true })
  urgentProofAt?: Date | null;

  @Property({ type: 'string', nullable: true })
  urgentVerifiedBy?: string | null;

  /** The placement a transfer application would replace (kept until the new one starts). */
  @Property({ type: 'uuid', nullable: true })
  transferFromPlacementId?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  closedAt?: Date | null;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}

/** A place offered to an application, at one facility and age group, until `expiresAt`. */
@Entity({ tableName: 'placement_offers' })
export class PlacementOffer extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  applicationId!: string;

  @Property({ type: 'uuid' })
  facilityId!: string;

  @Enum({ items: () => AgeGroup, nativeEnumName: 'placement_age_group' })
  ageGroup!: AgeGroup;

  @Property({ type: 'string', columnType: 'date' })
  startDate!: string;

  @Enum({ items: () => OfferStatus, nativeEnumName: 'placement_offer_status' })
  status: OfferStatus = OfferStatus.OFFERED;

  @Property({ type: 'uuid', nullable: true })
  roundId?: string | null;

  @Property({ type: 'text', nullable: true })
  outOfOrderReason?: string | null;

  @Property()
  offeredBy!: string;

  @Property({ type: 'timestamptz' })
  offeredAt!: Date;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  answeredAt?: Date | null;

  @Property({ type: 'uuid', nullable: true })
  placementId?: string | null;
}

/** A child's place in a facility and age group from a start date: what monthly billing charges. */
@Entity({ tableName: 'placements' })
export class Placement extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  childId!: string;

  @Property({ type: 'uuid' })
  familyId!: string;

  @Property({ type: 'uuid' })
  facilityId!: string;

  @Enum({ items: () => AgeGroup, nativeEnumName: 'placement_age_group' })
  ageGroup!: AgeGroup;

  @Property({ type: 'string', columnType: 'date' })
  startDate!: string;

  @Property({ type: 'string', columnType: 'date', nullable: true })
  endDate?: string | null;

  @Property()
  daysPerWeek!: number;

  @Property()
  fullTime!: boolean;

  @Property()
  status: string = 'ACTIVE';

  @Property()
  urgent: boolean = false;

  @Property({ type: 'text', nullable: true })
  urgentReason?: string | null;

  @Property({ type: 'uuid', nullable: true })
  applicationId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  offerId?: string | null;

  @Property()
  createdBy!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  endedAt?: Date | null;

  /** Who ended it early (endPlacement); null while running or when it ended as planned. */
  @Property({ type: 'string', nullable: true })
  endedBy?: string | null;

  /** Why it was ended early, for the audit trail and agents. */
  @Property({ type: 'text', nullable: true })
  endReason?: string | null;
}

/** One exclusion of a round: the facility refused the child before the offer went out. */
export interface Exclusion {
  applicationId: string;
  facilityId: string;
  reason: string;
  by: string;
  at: string;
}

/** An allocation round: a draft proposal agents review, then confirm (its offers go out). */
@Entity({ tableName: 'allocation_rounds' })
export class AllocationRound extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property()
  status: string = 'DRAFT';

  @Property({ type: 'string', columnType: 'date' })
  startDate!: string;

  @Property({ type: 'array', columnType: 'uuid[]' })
  facilityIds!: string[];

  @Property({ type: 'json' })
  exclusions: Exclusion[] = [];

  @Property()
  stable!: boolean;

  @Property()
  applications!: number;

  @Property()
  freePlaces!: number;

  @Property()
  createdBy!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'string', nullable: true })
  confirmedBy?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  confirmedAt?: Date | null;
}

export const PLACEMENT_ENTITIES = [PlacementApplication, PlacementOffer, Placement, AllocationRound];
