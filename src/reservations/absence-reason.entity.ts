import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../shared/tenant-owned';

/**
 * A reason a tenant accepts for an absence (motif d'absence): sickness with a certificate, a school
 * trip, a strike… Each says whether the absent day is still billed and whether a document is needed.
 */
@Entity({ tableName: 'absence_reasons' })
export class AbsenceReason extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Stable code clients send, e.g. SICKNESS. */
  @Property()
  code!: string;

  @Property()
  label!: string;

  @Property()
  billable: boolean = false;

  @Property()
  requiresDocument: boolean = false;

  /**
   * Whether this reason may justify a cancellation given after the notice deadline (the tenant's
   * setting: typically a medical certificate does, a family event does not).
   */
  @Property()
  excusesLateCancellation: boolean = false;

  /** Retired reasons stay on past reservations but cannot be given any more. */
  @Property()
  active: boolean = true;
}
