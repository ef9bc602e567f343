import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { Child } from '../families/child.entity';
import type { Family } from '../families/family.entity';
import type { Session } from '../sessions/session.entity';
import { ReservationChannel } from '../shared/channels';
import { TenantOwned } from '../shared/tenant-owned';
import type { CriterionMet } from './ordering';

export enum WaitlistStatus {
  WAITING = 'WAITING',
  OFFERED = 'OFFERED',
  PROMOTED = 'PROMOTED',
  DECLINED = 'DECLINED',
  EXPIRED = 'EXPIRED',
  LEFT = 'LEFT',
}

/** Statuses of an entry still in the queue (one per child and session, a unique index). */
export const LIVE_STATUSES = [WaitlistStatus.WAITING, WaitlistStatus.OFFERED];

/**
 * A child waiting for a place on a full session. An OFFERED entry holds a place (counted in
 * `sessions.places_taken`) until `offerExpiresAt`; a PROMOTED one became `reservation`.
 */
@Entity({ tableName: 'waitlist_entries' })
export class WaitlistEntry extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: 'Session', ref: true, fieldName: 'session_id' })
  session!: Ref<Session>;

  @ManyToOne({ entity: 'Child', ref: true, fieldName: 'child_id' })
  child!: Ref<Child>;

  @ManyToOne({ entity: 'Family', ref: true, fieldName: 'family_id' })
  family!: Ref<Family>;

  @Enum({ items: () => WaitlistStatus, nativeEnumName: 'waitlist_status' })
  status: WaitlistStatus = WaitlistStatus.WAITING;

  /** The criteria's points plus `manualPoints`: what orders a PRIORITY_THEN_FIFO list. */
  @Property()
  priorityPoints: number = 0;

  /** The tenant's criteria this entry met when it joined, with their points. */
  @Property({ type: 'json' })
  criteria: CriterionMet[] = [];

  /** An agent's adjustment (positive or negative) and its reason. */
  @Property()
  manualPoints: number = 0;

  @Property({ type: 'text', nullable: true })
  manualReason?: string | null;

  @Property({ type: 'timestamptz' })
  joinedAt!: Date;

  /** Shared by the children of a family who joined the session together (offered all or none). */
  @Property({ type: 'uuid', nullable: true })
  groupId?: string | null;

  @Enum({ items: () => ReservationChannel, nativeEnumName: 'reservation_channel' })
  channel!: ReservationChannel;

  @Property()
  createdBy!: string;

  @Property({ type: 'timestamptz', nullable: true })
  offeredAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  offerExpiresAt?: Date | null;

  @Property({ type: 'uuid', nullable: true })
  reservationId?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  closedAt?: Date | null;

  /** Why a closed entry closed beyond its status, e.g. BOOKED_ELSEWHERE, SESSION_PASSED. */
  @Property({ type: 'string', nullable: true })
  closedReason?: string | null;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}
