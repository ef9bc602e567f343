import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../../shared/tenant-owned';
import type { Family } from '../../families/family.entity';

export enum InvoiceKind {
  /** A month's charges (facture mensuelle). */
  INVOICE = 'INVOICE',
  /** Every charge of a suspended period, issued when billing resumes (facture de rattrapage). */
  CATCH_UP = 'CATCH_UP',
  /** A correction of an issued invoice (avoir). */
  CREDIT_NOTE = 'CREDIT_NOTE',
  /** The balance of a year of water consumption against what was debited (régularisation). */
  REGULARISATION = 'REGULARISATION',
  /** A fee, e.g. for a rejected direct debit (frais de rejet). */
  FEE = 'FEE',
  /** A corrective run's re-issue of corrected charges, replacing them on the invoice it corrects (facture rectificative). */
  REPLACEMENT = 'REPLACEMENT',
}

/**
 * An issued document: invoice, catch-up invoice, credit note or regularisation. Numbered without
 * gaps per tenant, series and year; never updated once issued (the API role may not UPDATE it).
 */
@Entity({ tableName: 'invoices' })
export class Invoice extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: 'Family', ref: true, fieldName: 'family_id' })
  family!: Ref<Family>;

  @Enum({ items: () => InvoiceKind, nativeEnumName: 'invoice_kind' })
  kind!: InvoiceKind;

  /** Numbering series, e.g. F (invoices) or AV (credit notes). */
  @Property()
  series!: string;

  /** The numbering year, or 0 when the tenant numbers without yearly reset. */
  @Property()
  year!: number;

  @Property()
  sequence!: number;

  /** The printed number, e.g. F2026-000042. */
  @Property()
  number!: string;

  /** For monthly invoices: the period billed, YYYY-MM. */
  @Property({ type: 'string', nullable: true })
  period?: string | null;

  @Property({ type: 'string', columnType: 'date' })
  periodFrom!: string;

  @Property({ type: 'string', columnType: 'date' })
  periodTo!: string;

  @Property({ type: 'string', columnType: 'date' })
  issueDate!: string;

  @Property({ type: 'string', columnType: 'date' })
  dueDate!: string;

  @Property({ type: 'timestamptz' })
  issuedAt!: Date;

  /** Minor units, never negative: a credit note's total is what it takes off. */
  @Property()
  total!: number;

  @Property({ length: 3 })
  currency!: string;

  @Property({ type: 'uuid', nullable: true })
  billingRunId?: string | null;

  /** For a credit note: the invoice it corrects. */
  @Property({ type: 'uuid', nullable: true })
  creditedInvoiceId?: string | null;

  @Property({ type: 'text', nullable: true })
  reason?: string | null;

  /** For a replacement invoice: the invoice whose corrected charges it bills again. */
  @Property({ type: 'uuid', nullable: true })
  correctsInvoiceId?: string | null;
}

/** One line of an issued document: a service's units of one month at one price. */
@Entity({ tableName: 'invoice_lines' })
export class InvoiceLine extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  invoiceId!: string;

  @Property()
  position!: number;

  /** YYYY-MM of the service rendered. */
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

  /** For a credit-note line: the invoice line it corrects. */
  @Property({ type: 'uuid', nullable: true })
  creditedLineId?: string | null;
}
