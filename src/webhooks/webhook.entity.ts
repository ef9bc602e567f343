import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../shared/tenant-owned';

/** A vendor's URL that receives the tenant's events of the types it chose, signed with its secret. */
@Entity({ tableName: 'webhook_endpoints' })
export class WebhookEndpoint extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text' })
  url!: string;

  @Property({ type: 'array', columnType: 'text[]' })
  eventTypes: string[] = [];

  /** The signing secret (`whsec_…`): shown once, when created. */
  @Property({ type: 'text', hidden: true })
  secret!: string;

  /** The API key that registered it (`api-key:<prefix>`), which may manage it; null for staff. */
  @Property({ type: 'text', nullable: true })
  ownerSubject?: string | null;

  @Property({ type: 'text' })
  createdBy!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  disabledAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  disabledReason?: string | null;

  @Property()
  consecutiveFailures: number = 0;
}

/** One event of the outbox (written in the transaction of the change it reports). */
@Entity({ tableName: 'webhook_events' })
export class WebhookEvent extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'bigint', persist: false })
  seq!: string;

  @Property({ type: 'text' })
  type!: string;

  @Property({ type: 'text' })
  aggregateId!: string;

  @Property({ type: 'json' })
  payload: Record<string, unknown> = {};

  @Property({ type: 'timestamptz' })
  occurredAt!: Date;
}

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}

/** One event to one endpoint: its attempts so far (the delivery log). */
@Entity({ tableName: 'webhook_deliveries' })
export class WebhookDelivery extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  eventId!: string;

  @Property({ type: 'uuid' })
  endpointId!: string;

  @Property({ type: 'bigint' })
  seq!: string;

  @Property({ type: 'text' })
  aggregateId!: string;

  @Property({ type: 'text' })
  status: WebhookDeliveryStatus = WebhookDeliveryStatus.PENDING;

  @Property()
  attempts: number = 0;

  @Property({ nullable: true })
  lastResponseCode?: number | null;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  lastAttemptAt?: Date | null;

  @Property({ type: 'timestamptz' })
  nextAttemptAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  deliveredAt?: Date | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
