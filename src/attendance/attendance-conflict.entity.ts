import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../shared/tenant-owned';

export enum AttendanceConflictStatus {
  /** Waiting for an agent: the child's outcome stays as the first device recorded it. */
  OPEN = 'OPEN',
  /** An agent chose the outcome (resolveAttendanceConflict), audited with a reason. */
  RESOLVED = 'RESOLVED',
}

/** What one device last recorded for the child. */
export interface DeviceMark {
  deviceId: string;
  actionId: string;
  present: boolean;
  /** ISO 8601: the instant the tablet recorded it. */
  recordedAt: string;
}

/**
 * Two devices (school tablets) recorded the same child of the same session differently, offline:
 * never settled silently — an agent resolves it. One per session and child.
 */
@Entity({ tableName: 'attendance_conflicts' })
export class AttendanceConflict extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  sessionId!: string;

  @Property({ type: 'uuid' })
  childId!: string;

  @Property({ type: 'string' })
  status!: AttendanceConflictStatus;

  /** Each device's latest mark for the child, in the order they arrived. */
  @Property({ type: 'json' })
  marks!: DeviceMark[];

  @Property({ type: 'timestamptz' })
  detectedAt!: Date;

  @Property({ nullable: true })
  resolvedPresent?: Opt<boolean> | null = null;

  @Property({ type: 'string', nullable: true })
  resolvedBy?: Opt<string> | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  resolvedAt?: Opt<Date> | null = null;

  @Property({ type: 'text', nullable: true })
  resolutionReason?: Opt<string> | null = null;
}
