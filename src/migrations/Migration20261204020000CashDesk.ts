import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/**
 * The cash desk: cash offices (régies) per tenant, each with its own gapless receipt series
 * (document_sequences, series `R:<office id>`, hence the wider column); one numbered receipt per
 * counter payment; the daily closing of each till, its differences kept. Receipts and closings
 * are insert-only for the API role.
 */
export class Migration20261204020000CashDesk extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table document_sequences alter column series type varchar(40);`);
    this.addSql(`create table cash_offices (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      code varchar(8) not null check (code ~ '^[A-Z0-9]{1,8}$'),
      name varchar(255) not null,
      active boolean not null default true,
      created_at timestamptz not null,
      unique (tenant_id, id),
      unique (tenant_id, code));`);
    this.addSql(`create table receipts (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      cash_office_id uuid not null,
      payment_id uuid not null,
      family_id uuid not null,
      year int not null,
      sequence int not null check (sequence > 0),
      number varchar(40) not null,
      day date not null,
      amount int not null check (amount > 0),
      method payment_method not null,
      issued_by varchar(255) not null,
      issued_at timestamptz not null,
      unique (tenant_id, id),
      unique (tenant_id, cash_office_id, year, sequence),
      unique (tenant_id, number),
      unique (tenant_id, payment_id),
      foreign key (tenant_id, cash_office_id) references cash_offices (tenant_id, id),
      foreign key (tenant_id, payment_id) references payments (tenant_id, id),
      foreign key (tenant_id, family_id) references families (tenant_id, id));`);
    this.addSql(`create index receipts_office_day_idx on receipts (tenant_id, cash_office_id, day);`);
    this.addSql(`create table till_closings (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      cash_office_id uuid not null,
      day date not null,
      receipts int not null,
      expected_cash int not null,
      counted_cash int not null check (counted_cash >= 0),
      expected_cheques int not null,
      counted_cheques int not null check (counted_cheques >= 0),
      note text null,
      closed_by varchar(255) not null,
      closed_at timestamptz not null,
      unique (tenant_id, id),
      unique (tenant_id, cash_office_id, day),
      foreign key (tenant_id, cash_office_id) references cash_offices (tenant_id, id));`);
    for (const table of ['cash_offices', 'receipts', 'till_closings']) {
      for (const sql of tenantIsolation(table)) this.addSql(sql);
    }
    this.addSql(`grant select, insert, update on cash_offices to guichet_api;`);
    this.addSql(`grant select, insert on receipts, till_closings to guichet_api;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table till_closings, receipts, cash_offices cascade;`);
  }
}
