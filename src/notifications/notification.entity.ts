import type { Message } from '../shared/i18n';
import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../shared/tenant-owned';

/** What a family must hear about. */
export enum NotificationKind {
  WAITLIST_OFFER_MADE = 'WAITLIST_OFFER_MADE',
  WAITLIST_OFFER_EXPIRING = 'WAITLIST_OFFER_EXPIRING',
  WAITLIST_OFFER_EXPIRED = 'WAITLIST_OFFER_EXPIRED',
  WAITLIST_AUTO_BOOKED = 'WAITLIST_AUTO_BOOKED',
  WAITLIST_RANK_CHANGED = 'WAITLIST_RANK_CHANGED',
  WAITLIST_CLOSED = 'WAITLIST_CLOSED',
  SESSION_CANCELLED = 'SESSION_CANCELLED',
  DIRECT_DEBIT_REJECTED = 'DIRECT_DEBIT_REJECTED',
  PLACEMENT_OFFER_MADE = 'PLACEMENT_OFFER_MADE',
  PLACEMENT_OFFER_ACCEPTED = 'PLACEMENT_OFFER_ACCEPTED',
  PLACEMENT_OFFER_DECLINED = 'PLACEMENT_OFFER_DECLINED',
  PLACEMENT_OFFER_EXPIRED = 'PLACEMENT_OFFER_EXPIRED',
  PAYMENT_REMINDER = 'PAYMENT_REMINDER',
  HANDED_OVER_TO_TREASURY = 'HANDED_OVER_TO_TREASURY',
}

/**
 * One line of a family's notification log: front ends show it, a later integration forwards it.
 * Written in the transaction of the event it tells about.
 */
@Entity({ tableName: 'notifications' })
export class Notification extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  familyId!: string;

  @Enum({ items: () => NotificationKind, type: 'string' })
  kind!: NotificationKind;

  /** For people, in the tenant's language when it was written. */
  @Property({ type: 'text' })
  message!: string;

  /** The same as a catalogue message, rendered in each reader's language; null for older rows. */
  @Property({ type: 'json', nullable: true })
  content?: Message | null;

  @Property({ type: 'uuid', nullable: true })
  childId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  sessionId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  waitlistEntryId?: string | null;

  /** Machine data (deadline, rank…), plain JSON. */
  @Property({ type: 'json' })
  data: Record<string, unknown> = {};

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  readAt?: Date | null;
}
