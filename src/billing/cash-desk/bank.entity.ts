import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../../shared/tenant-owned';
import { PaymentMethod } from '../../tenants/tenant.entity';

export enum DepositSlipStatus {
  /** Numbered and printed, on its way to the bank. */
  PREPARED = 'PREPARED',
  /** The bank took it: it never changes again (a trigger refuses any change). */
  BANKED = 'BANKED',
}

/** A bank deposit slip (bordereau de remise): a cash office's cash, or its cheques, of closed tills. */
@Entity({ tableName: 'deposit_slips' })
export class DepositSlip extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  cashOfficeId!: string;

  /** CASH or CHEQUE: banks take them on separate slips. */
  @Enum({ items: () => PaymentMethod, nativeEnumName: 'payment_method' })
  method!: PaymentMethod;

  @Property()
  year!: number;

  @Property()
  sequence!: number;

  /** CANT-BR2026-000001: gapless per cash office (and year). */
  @Property()
  number!: string;

  /** Till closings it groups. */
  @Property()
  closings!: number;

  /** Minor units: the cash, or the cheques, counted at those closings. */
  @Property()
  total!: number;

  @Enum({ items: () => DepositSlipStatus, type: 'string' })
  status!: DepositSlipStatus;

  @Property()
  createdBy!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'string', columnType: 'date', nullable: true })
  bankedOn?: string | null;

  @Property({ type: 'string', nullable: true })
  bankReference?: string | null;

  @Property({ type: 'string', nullable: true })
  bankedBy?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  bankedAt?: Date | null;
}

export enum RefundMethod {
  CASH = 'CASH',
  CHEQUE = 'CHEQUE',
  TRANSFER = 'TRANSFER',
}

/** A numbered refund of a family's credit balance by a cash office. Never changes. */
@Entity({ tableName: 'refunds' })
export class Refund extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  cashOfficeId!: string;

  @Property({ type: 'uuid' })
  familyId!: string;

  @Property()
  year!: number;

  @Property()
  sequence!: number;

  /** CANT-RB2026-000001: gapless per cash office (and year). */
  @Property()
  number!: string;

  /** The tenant-local day (a cash refund leaves that day's till). */
  @Property({ type: 'string', columnType: 'date' })
  day!: string;

  @Property()
  amount!: number;

  @Property({ length: 3 })
  currency!: string;

  @Enum({ items: () => RefundMethod, type: 'string' })
  method!: RefundMethod;

  @Property({ type: 'text' })
  reason!: string;

  @Property({ type: 'string', nullable: true })
  reference?: string | null;

  @Property()
  refundedBy!: string;

  @Property({ type: 'timestamptz' })
  refundedAt!: Date;
}
