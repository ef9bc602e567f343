import { BigIntType, Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../../shared/tenant-owned';

/** The SEPA sequence type of a mandate's next debit. */
export enum SequenceType {
  /** First debit of a recurrent mandate. */
  FRST = 'FRST',
  /** Recurrent debits after the first. */
  RCUR = 'RCUR',
  /** A one-off mandate's only debit. */
  OOFF = 'OOFF',
  /** The last debit of a recurrent mandate: it closes afterwards. */
  FNAL = 'FNAL',
}

export enum MandateStatus {
  ACTIVE = 'ACTIVE',
  CLOSED = 'CLOSED',
}

/** A household's SEPA direct-debit mandate (mandat de prélèvement): at most one active per family. */
@Entity({ tableName: 'sepa_mandates' })
export class Mandate extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  familyId!: string;

  /** Unique mandate reference (RUM), at most 35 characters. */
  @Property()
  reference!: string;

  @Property({ type: 'string', columnType: 'date' })
  signedOn!: string;

  @Property()
  debtorName!: string;

  /** Electronic format, checksum validated (ibantools). */
  @Property()
  iban!: string;

  @Property({ type: 'string', nullable: true })
  bic?: string | null;

  @Property({ type: 'string' })
  sequence!: SequenceType;

  @Property({ type: 'string' })
  status!: MandateStatus;

  @Property()
  createdBy!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  closedAt?: Date | null;
}

export enum DebitBatchStatus {
  /**
   * Prepared, not exported yet: its debits follow the family's payments and credits (reduced to
   * what their invoices still owe, withdrawn at zero) until exportDebitBatch freezes it.
   */
  PREPARED = 'PREPARED',
  /** The pain.008 file is ready for the bank; the debits await its answer. */
  EXPORTED = 'EXPORTED',
  /** The bank's return file was imported: each debit collected or rejected. */
  SETTLED = 'SETTLED',
}

/** One collection date's debits, exported as one pain.008 message. */
@Entity({ tableName: 'sepa_debit_batches' })
export class DebitBatch extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Gapless per tenant (and year, where the tenant numbers so). */
  @Property()
  number!: number;

  /** The pain.008 message id, e.g. PRLV2026-000003. */
  @Property()
  reference!: string;

  @Property({ type: 'string', columnType: 'date' })
  collectionDate!: string;

  @Property()
  debits!: number;

  @Property({ type: new BigIntType('number') })
  total!: number;

  @Property({ type: 'string' })
  status!: DebitBatchStatus;

  @Property()
  createdBy!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  /** When its file was frozen for the bank (null while PREPARED). */
  @Property({ type: 'timestamptz', nullable: true })
  exportedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  settledAt?: Date | null;
}

export enum DebitStatus {
  PENDING = 'PENDING',
  COLLECTED = 'COLLECTED',
  REJECTED = 'REJECTED',
  /** Taken out of a prepared batch before export: its invoices no longer owed anything. */
  WITHDRAWN = 'WITHDRAWN',
}

/** One family's debit in a batch, for its open invoices due by the collection date. */
@Entity({ tableName: 'sepa_debits' })
export class Debit extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  batchId!: string;

  @Property({ type: 'uuid' })
  mandateId!: string;

  @Property({ type: 'uuid' })
  familyId!: string;

  /** The family's open invoices it pays, oldest due first: one debit per family and batch. */
  @Property({ type: 'array', columnType: 'uuid[]' })
  invoiceIds!: string[];

  @Property({ type: 'string' })
  sequence!: SequenceType;

  /** Its invoices' part plus `instalmentAmount` plus `waterAmount`. */
  @Property()
  amount!: number;

  /** The household's monthly water debit it carries (0: none), for `waterPeriod` (YYYY-MM). */
  @Property()
  waterAmount: number = 0;

  @Property({ type: 'string', nullable: true })
  waterPeriod?: string | null;

  @Property({ type: 'uuid', nullable: true })
  waterServiceId?: string | null;

  /** The payment-plan instalments it pays (due by the collection date), oldest due first. */
  @Property({ type: 'array', columnType: 'uuid[]' })
  instalmentIds: string[] = [];

  /** What those instalments still owed (as reduced while its batch was PREPARED); part of `amount`. */
  @Property()
  instalmentAmount: number = 0;

  @Property()
  endToEndId!: string;

  @Property({ type: 'string' })
  status!: DebitStatus;

  /** The bank's ISO 20022 reason code for a rejection, e.g. AM04 (insufficient funds). */
  @Property({ type: 'string', nullable: true })
  reasonCode?: string | null;

  @Property({ type: 'uuid', nullable: true })
  paymentId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  feeInvoiceId?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  returnedAt?: Date | null;
}
