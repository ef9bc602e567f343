import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../../shared/tenant-owned';
import { PaymentMethod } from '../../tenants/tenant.entity';

/** A cash office (régie): a counter with its own till and its own gapless receipt numbers. */
@Entity({ tableName: 'cash_offices' })
export class CashOffice extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Short code printed in its receipt numbers (CANT-2026-000042): 1–8 capitals or digits. */
  @Property()
  code!: string;

  @Property()
  name!: string;

  @Property()
  active: boolean = true;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}

/** The numbered receipt of one counter payment or deposit. Never changes once issued. */
@Entity({ tableName: 'receipts' })
export class Receipt extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  cashOfficeId!: string;

  @Property({ type: 'uuid' })
  paymentId!: string;

  @Property({ type: 'uuid' })
  familyId!: string;

  @Property()
  year!: number;

  @Property()
  sequence!: number;

  @Property()
  number!: string;

  /** The tenant-local day it was issued (the till it belongs to). */
  @Property({ type: 'string', columnType: 'date' })
  day!: string;

  @Property()
  amount!: number;

  @Enum({ items: () => PaymentMethod, nativeEnumName: 'payment_method' })
  method!: PaymentMethod;

  @Property()
  issuedBy!: string;

  @Property({ type: 'timestamptz' })
  issuedAt!: Date;
}

/** A till's daily closing: what was counted against what the receipts say. */
@Entity({ tableName: 'till_closings' })
export class TillClosing extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  cashOfficeId!: string;

  @Property({ type: 'string', columnType: 'date' })
  day!: string;

  @Property()
  receipts!: number;

  @Property()
  expectedCash!: number;

  @Property()
  countedCash!: number;

  @Property()
  expectedCheques!: number;

  @Property()
  countedCheques!: number;

  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Property()
  closedBy!: string;

  @Property({ type: 'timestamptz' })
  closedAt!: Date;
}
