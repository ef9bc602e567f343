import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../../shared/tenant-owned';
import { PaymentMethod } from '../../tenants/tenant.entity';

export enum PaymentChannel {
  /** Through the family's portal or the payment provider's callback. */
  ONLINE = 'ONLINE',
  /** At the town hall's counter (guichet), recorded by an agent. */
  COUNTER = 'COUNTER',
  /** Collected by a scheduled direct-debit run. */
  DIRECT_DEBIT_RUN = 'DIRECT_DEBIT_RUN',
}

/**
 * Money received from a family. A deposit (acompte) is a payment made before any invoice exists.
 * What is not allocated to an invoice is the family's credit, applied to its next invoices.
 */
@Entity({ tableName: 'payments' })
export class Payment extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  familyId!: string;

  @Property()
  amount!: number;

  @Property({ length: 3 })
  currency!: string;

  @Enum({ items: () => PaymentMethod, nativeEnumName: 'payment_method' })
  method!: PaymentMethod;

  @Enum({ items: () => PaymentChannel, nativeEnumName: 'payment_channel' })
  channel!: PaymentChannel;

  @Property({ type: 'string', nullable: true })
  reference?: string | null;

  @Property()
  isDeposit: boolean = false;

  /** For a scheduled water debit: the water service, and the month it stands for (YYYY-MM). */
  @Property({ type: 'uuid', nullable: true })
  serviceId?: string | null;

  @Property({ type: 'string', nullable: true })
  debitPeriod?: string | null;

  @Property({ type: 'string', columnType: 'date' })
  receivedOn!: string;

  @Property()
  recordedBy!: string;

  @Property({ type: 'timestamptz' })
  recordedAt!: Date;
}

/** Money moved onto an invoice: from a payment (or deposit), or from a credit note. */
@Entity({ tableName: 'allocations' })
export class Allocation extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  familyId!: string;

  @Property({ type: 'uuid' })
  invoiceId!: string;

  @Property({ type: 'uuid', nullable: true })
  paymentId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  creditNoteId?: string | null;

  @Property()
  amount!: number;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}
