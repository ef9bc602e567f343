import { BigIntType, Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../../shared/tenant-owned';

export enum BillingRunStatus {
  COMPLETED = 'COMPLETED',
  /** Billing is suspended: nothing was issued, charges keep accruing. */
  SUSPENDED = 'SUSPENDED',
  /** Built for review: draft invoices, no number taken, no charge touched; promoteBillingRun issues it. */
  DRAFT = 'DRAFT',
  /** A draft given up: nothing was issued. */
  DISCARDED = 'DISCARDED',
}

export enum BillingRunKind {
  MONTHLY = 'MONTHLY',
  CATCH_UP = 'CATCH_UP',
  WATER_REGULARISATION = 'WATER_REGULARISATION',
  /** Credit notes and replacement invoices for corrected billed charges (src/billing/corrections). */
  CORRECTIVE = 'CORRECTIVE',
}

/** What one billing run did. Runs are atomic: one either issued all its invoices or none. */
@Entity({ tableName: 'billing_runs' })
export class BillingRun extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string' })
  kind!: BillingRunKind;

  @Property({ type: 'string', nullable: true })
  period?: string | null;

  /** Charges dated up to this day were gathered. */
  @Property({ type: 'string', columnType: 'date' })
  throughDate!: string;

  @Enum({ items: () => BillingRunStatus, nativeEnumName: 'billing_run_status' })
  status!: BillingRunStatus;

  @Property()
  requestedBy!: string;

  @Property()
  invoicesCreated: number = 0;

  @Property()
  chargesInvoiced: number = 0;

  @Property({ type: new BigIntType('number') })
  amountInvoiced: number = 0;

  @Property({ type: 'timestamptz' })
  startedAt!: Date;

  @Property({ type: 'timestamptz' })
  finishedAt!: Date;

  /** A draft: when it was last built (or rebuilt). */
  @Property({ type: 'timestamptz', nullable: true })
  builtAt?: Date | null;

  /** A promoted draft: when and by whom it was issued. */
  @Property({ type: 'timestamptz', nullable: true })
  promotedAt?: Date | null;

  @Property({ type: 'string', nullable: true })
  promotedBy?: string | null;
}
