import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../shared/tenant-owned';
import type { Child } from '../families/child.entity';
import type { Family } from '../families/family.entity';
import type { Session } from '../sessions/session.entity';
import type { AbsenceReason } from './absence-reason.entity';
import { ReservationChannel } from '../shared/channels';

export { ReservationChannel };

export enum ReservationStatus {
  BOOKED = 'BOOKED',
  CANCELLED = 'CANCELLED',
  LATE_CANCELLED = 'LATE_CANCELLED',
  ATTENDED = 'ATTENDED',
  ABSENT_JUSTIFIED = 'ABSENT_JUSTIFIED',
  ABSENT_UNJUSTIFIED = 'ABSENT_UNJUSTIFIED',
}

/**
 * A child × session. Holds a place (sessions.places_taken) unless CANCELLED, or LATE_CANCELLED with
 * its place passed to the waitlist (`placeReleasedAt`).
 */
@Entity({ tableName: 'reservations' })
export class Reservation extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: 'Session', ref: true, fieldName: 'session_id' })
  session!: Ref<Session>;

  @ManyToOne({ entity: 'Child', ref: true, fieldName: 'child_id' })
  child!: Ref<Child>;

  /** Denormalised from the child, for a family's reservations and its charges. */
  @ManyToOne({ entity: 'Family', ref: true, fieldName: 'family_id' })
  family!: Ref<Family>;

  @Enum({ items: () => ReservationStatus, nativeEnumName: 'reservation_status' })
  status: ReservationStatus = ReservationStatus.BOOKED;

  @Enum({ items: () => ReservationChannel, nativeEnumName: 'reservation_channel' })
  channel!: ReservationChannel;

  /** Subject of the person or key who made it. */
  @Property()
  createdBy!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  cancelledAt?: Date | null;

  /** For LATE_CANCELLED: when its place passed to the session's waitlist (it no longer holds it). */
  @Property({ type: 'timestamptz', nullable: true })
  placeReleasedAt?: Date | null;

  /** For ABSENT_JUSTIFIED: the tenant's reason (motif d'absence)… */
  @ManyToOne({ entity: 'AbsenceReason', ref: true, nullable: true, fieldName: 'absence_reason_id' })
  absenceReason?: Ref<AbsenceReason> | null;

  /** …and the supporting document's reference (e.g. the medical certificate's scan id). */
  @Property({ type: 'string', nullable: true })
  absenceDocumentRef?: string | null;

  /** When the roll call last set this reservation's outcome. */
  @Property({ type: 'timestamptz', nullable: true })
  attendanceRecordedAt?: Date | null;
}
