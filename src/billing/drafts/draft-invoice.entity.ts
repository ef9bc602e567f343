import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../../shared/tenant-owned';

/** What an agent must look at before a draft invoice goes out. */
export enum DraftWarning {
  /** The invoice's total is zero or negative. */
  TOTAL_NOT_POSITIVE = 'TOTAL_NOT_POSITIVE',
  /** Its oldest charge is older than the tenant's `draftStaleChargeDays`. */
  OLD_CHARGES = 'OLD_CHARGES',
  /** Its total is above the tenant's `draftAmountThreshold`. */
  ABOVE_THRESHOLD = 'ABOVE_THRESHOLD',
  /** The family has no quotient on file: its charges were priced at the top bracket. */
  QUOTIENT_MISSING = 'QUOTIENT_MISSING',
  /** The family's latest quotient attestation is more than a year older than the run's end. */
  QUOTIENT_EXPIRED = 'QUOTIENT_EXPIRED',
  /** The family is paying off an earlier invoice on a payment plan. */
  ON_PAYMENT_PLAN = 'ON_PAYMENT_PLAN',
}

/**
 * One family's invoice in a draft run: lines and total as they would be issued, no number. It
 * names the charges it would take without touching them; promotion issues it under the same id.
 */
@Entity({ tableName: 'billing_draft_invoices' })
export class DraftInvoice extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  billingRunId!: string;

  @Property({ type: 'uuid' })
  familyId!: string;

  @Property({ type: 'string', columnType: 'date' })
  periodFrom!: string;

  @Property({ type: 'string', columnType: 'date' })
  periodTo!: string;

  @Property({ type: 'string', columnType: 'date' })
  oldestCharge!: string;

  @Property()
  total!: number;

  @Property({ type: 'array', columnType: 'uuid[]' })
  chargeIds!: string[];

  @Property({ type: 'array', columnType: 'text[]' })
  warnings: DraftWarning[] = [];

  @Property()
  excluded: boolean = false;

  @Property({ type: 'text', nullable: true })
  excludedReason?: string | null;
}

/** A line of a draft invoice, as it would be printed. */
@Entity({ tableName: 'billing_draft_lines' })
export class DraftInvoiceLine extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  draftInvoiceId!: string;

  @Property()
  position!: number;

  @Property()
  month!: string;

  @Property({ type: 'uuid', nullable: true })
  serviceId?: string | null;

  @Property()
  label!: string;

  @Property()
  quantity!: number;

  @Property()
  unitPrice!: number;

  @Property()
  amount!: number;
}
