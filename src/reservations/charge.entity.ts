import { Entity, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../shared/tenant-owned';
import type { Service } from '../facilities/service.entity';
import type { Reservation } from './reservation.entity';

/** Why a reservation is billed. */
export enum ChargeReason {
  ATTENDED = 'ATTENDED',
  WALK_IN = 'WALK_IN',
  LATE_CANCELLATION = 'LATE_CANCELLATION',
  UNJUSTIFIED_ABSENCE = 'UNJUSTIFIED_ABSENCE',
  /** Absent for a reason the tenant bills anyway (e.g. a planned absence given too late). */
  BILLABLE_ABSENCE = 'BILLABLE_ABSENCE',
  /** Water consumed, from a meter reading: no reservation, billed at the annual regularisation. */
  CONSUMPTION = 'CONSUMPTION',
  /** A childcare placement's month (src/placements/billing): no reservation. */
  PLACEMENT_MONTH = 'PLACEMENT_MONTH',
  /**
   * What the family still owed the previous software (POST /imports/balances): no reservation,
   * service nor child; its origin in `label` and `externalRef`.
   */
  OPENING_BALANCE = 'OPENING_BALANCE',
}

/**
 * One billable line (the ledger), priced when it arises from the service's grid for the
 * family's quotient on the session date. One live charge per reservation: an invoiced one is
 * corrected by a reversal and a new charge (its next generation), never changed.
 */
@Entity({ tableName: 'charges' })
export class Charge extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  familyId!: string;

  /** The child concerned; null for a household's water consumption. */
  @Property({ type: 'uuid', nullable: true })
  childId?: string | null;

  /** The reservation whose outcome is billed; null for a water consumption. */
  @ManyToOne({ entity: 'Reservation', ref: true, nullable: true, fieldName: 'reservation_id' })
  reservation?: Ref<Reservation> | null;

  /** The service rendered; null for an opening balance. */
  @ManyToOne({ entity: 'Service', ref: true, nullable: true, fieldName: 'service_id' })
  service?: Ref<Service> | null;

  @Property({ type: 'string', columnType: 'date' })
  date!: string;

  @Property({ type: 'string' })
  reason!: ChargeReason;

  @Property()
  quantity: number = 1;

  @Property()
  unitPrice!: number;

  @Property()
  amount!: number;

  @Property({ length: 3 })
  currency!: string;

  /**
   * A reversing charge (quantity -1) cancels this invoiced charge in the next run: set on the
   * reversal, it names the charge reversed (attendance corrected after an explicit unlock).
   */
  @Property({ type: 'uuid', nullable: true })
  reversesChargeId?: string | null = null;

  /** 0 for a reservation's first charge; each correction of an invoiced one charges the next. */
  @Property()
  generation: number = 0;

  /** The invoice this charge was billed on; once set, the charge and its reservation are locked. */
  @Property({ type: 'uuid', nullable: true })
  invoiceId?: string | null;

  /** An opening balance's origin as the previous software named it ("Cantine 2025-2026 reliquat"). */
  @Property({ type: 'string', length: 160, nullable: true })
  label?: string | null = null;

  /** An opening balance's document reference in the previous software: one charge per family and reference. */
  @Property({ type: 'string', length: 64, nullable: true })
  externalRef?: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
