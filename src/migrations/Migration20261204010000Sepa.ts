import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/**
 * SEPA direct debits: a mandate per household, debit batches exported as ISO 20022 pain.008, the
 * bank's return file. The tenant is the creditor (its ICS, account and rejection fee); a rejection
 * fee is an invoice of its own (kind FEE, numbered in the invoices' series).
 */
export class Migration20261204010000Sepa extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter type invoice_kind add value if not exists 'FEE';`);
    this.addSql(`alter table tenants
      add column config_sepa_creditor_id varchar(35) null,
      add column config_sepa_creditor_name varchar(70) null,
      add column config_sepa_creditor_iban varchar(34) null,
      add column config_sepa_creditor_bic varchar(11) null,
      add column config_sepa_rejection_fee int not null default 0 check (config_sepa_rejection_fee >= 0);`);
    this.addSql(`create table sepa_mandates (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      family_id uuid not null,
      reference varchar(35) not null,
      signed_on date not null,
      debtor_name varchar(70) not null,
      iban varchar(34) not null,
      bic varchar(11) null,
      sequence varchar(4) not null check (sequence in ('FRST', 'RCUR', 'OOFF', 'FNAL')),
      status varchar(16) not null check (status in ('ACTIVE', 'CLOSED')),
      created_by varchar(255) not null,
      created_at timestamptz not null,
      closed_at timestamptz null,
      unique (tenant_id, id),
      unique (tenant_id, reference),
      foreign key (tenant_id, family_id) references families (tenant_id, id));`);
    this.addSql(
      `create unique index sepa_mandates_one_active on sepa_mandates (tenant_id, family_id) where status = 'ACTIVE';`,
    );
    this.addSql(`create table sepa_debit_batches (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      number int not null,
      reference varchar(35) not null,
      collection_date date not null,
      debits int not null,
      total bigint not null,
      status varchar(16) not null check (status in ('EXPORTED', 'SETTLED')),
      created_by varchar(255) not null,
      created_at timestamptz not null,
      settled_at timestamptz null,
      unique (tenant_id, id),
      unique (tenant_id, reference));`);
    this.addSql(`create table sepa_debits (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      batch_id uuid not null,
      mandate_id uuid not null,
      family_id uuid not null,
      invoice_ids uuid[] not null,
      sequence varchar(4) not null,
      amount int not null check (amount > 0),
      end_to_end_id varchar(35) not null,
      status varchar(16) not null check (status in ('PENDING', 'COLLECTED', 'REJECTED')),
      reason_code varchar(4) null,
      payment_id uuid null,
      fee_invoice_id uuid null,
      returned_at timestamptz null,
      unique (tenant_id, id),
      unique (tenant_id, end_to_end_id),
      foreign key (tenant_id, batch_id) references sepa_debit_batches (tenant_id, id),
      foreign key (tenant_id, mandate_id) references sepa_mandates (tenant_id, id),
      foreign key (tenant_id, family_id) references families (tenant_id, id));`);
    this.addSql(`create index sepa_debits_batch_idx on sepa_debits (tenant_id, batch_id);`);
    for (const table of ['sepa_mandates', 'sepa_debit_batches', 'sepa_debits']) {
      for (const sql of tenantIsolation(table)) this.addSql(sql);
      this.addSql(`grant select, insert, update on ${table} to guichet_api;`);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop table sepa_debits, sepa_debit_batches, sepa_mandates cascade;`);
    this
      .addSql(`alter table tenants drop column config_sepa_creditor_id, drop column config_sepa_creditor_name,
      drop column config_sepa_creditor_iban, drop column config_sepa_creditor_bic, drop column config_sepa_rejection_fee;`);
  }
}
