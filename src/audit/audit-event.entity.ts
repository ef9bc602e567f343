import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../shared/tenant-owned';
import { ReservationChannel } from '../shared/channels';

/** Who did what, for whom, through which channel. Append-only (the API role cannot update it). */
@Entity({ tableName: 'audit_events' })
export class AuditEvent extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property()
  actor!: string;

  @Property({ type: 'array', columnType: 'text[]' })
  actorRoles: string[] = [];

  /** e.g. RESERVATION_CREATED, RESERVATION_CANCELLED, OPERATING_MODE_CHANGED. */
  @Property()
  action!: string;

  @Enum({ items: () => ReservationChannel, nativeEnumName: 'reservation_channel', nullable: true })
  channel?: ReservationChannel | null;

  @Property({ type: 'uuid', nullable: true })
  familyId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  subjectId?: string | null;

  @Property({ type: 'json' })
  details: Record<string, unknown> = {};

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
