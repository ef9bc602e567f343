import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../../shared/tenant-owned';

export enum ReminderSource {
  /** The daily job. */
  JOB = 'JOB',
  /** An agent's `runReminders`. */
  AGENT = 'AGENT',
}

/** One batch of reminders: what one run of the job (or an agent) sent. */
@Entity({ tableName: 'reminder_batches' })
export class ReminderBatch extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** The tenant-local day it ran. */
  @Property({ type: 'string', columnType: 'date' })
  runOn!: string;

  @Property({ type: 'string' })
  source!: ReminderSource;

  @Property()
  reminders!: number;

  /** Fees charged (each one FEE invoice). */
  @Property()
  fees!: number;

  @Property()
  requestedBy!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}

/** One level of reminder sent for an overdue invoice or a missed instalment. Never changes. */
@Entity({ tableName: 'reminders' })
export class Reminder extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  batchId!: string;

  @Property({ type: 'uuid' })
  familyId!: string;

  @Property({ type: 'uuid', nullable: true })
  invoiceId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  instalmentId?: string | null;

  /** 1 for the first level. */
  @Property()
  level!: number;

  /** The due date it is about (the invoice's or the instalment's). */
  @Property({ type: 'string', columnType: 'date' })
  dueDate!: string;

  /** What was left to pay when it was sent, minor units. */
  @Property()
  amount!: number;

  /** The fee charged with it (0: none). */
  @Property()
  fee!: number;

  @Property({ type: 'uuid', nullable: true })
  feeInvoiceId?: string | null;

  @Property({ type: 'string', columnType: 'date' })
  sentOn!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}

/** A numbered collection batch: invoices handed over to the public treasury (titres transmis). */
@Entity({ tableName: 'treasury_batches' })
export class TreasuryBatch extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property()
  year!: number;

  @Property()
  sequence!: number;

  /** TP2026-000001: gapless per tenant (and year). */
  @Property()
  number!: string;

  @Property({ type: 'string', columnType: 'date' })
  handedOverOn!: string;

  @Property()
  invoices!: number;

  @Property()
  total!: number;

  @Property({ length: 3 })
  currency!: string;

  @Property()
  createdBy!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}

/** An invoice handed over (once): the treasury collects what it still owed then. */
@Entity({ tableName: 'treasury_handovers' })
export class TreasuryHandOver extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  invoiceId!: string;

  @Property({ type: 'uuid' })
  batchId!: string;

  @Property({ type: 'uuid' })
  familyId!: string;

  @Property()
  position!: number;

  @Property()
  amount!: number;
}
