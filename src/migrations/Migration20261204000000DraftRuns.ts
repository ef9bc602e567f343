import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/**
 * Draft billing runs: a run's invoices built for review before anything is numbered. A draft
 * invoice holds its lines, its total, the charges it would take (ids, not links: a draft never
 * changes a charge) and the warnings an agent must see. Promotion copies a draft invoice into
 * `invoices` under the same id, numbered, and links the charges then. Two tenant thresholds feed
 * the warnings.
 */
export class Migration20261204000000DraftRuns extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter type billing_run_status add value if not exists 'DRAFT';`);
    this.addSql(`alter type billing_run_status add value if not exists 'DISCARDED';`);
    this.addSql(`alter table billing_runs
      add column built_at timestamptz null,
      add column promoted_at timestamptz null,
      add column promoted_by varchar(255) null;`);
    this.addSql(`alter table tenants
      add column config_draft_stale_charge_days int not null default 90 check (config_draft_stale_charge_days > 0),
      add column config_draft_amount_threshold int not null default 50000 check (config_draft_amount_threshold > 0);`);
    this.addSql(`create table billing_draft_invoices (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      billing_run_id uuid not null,
      family_id uuid not null,
      period_from date not null,
      period_to date not null,
      oldest_charge date not null,
      total int not null,
      charge_ids uuid[] not null,
      warnings text[] not null default '{}',
      excluded boolean not null default false,
      excluded_reason text null,
      unique (tenant_id, id),
      unique (tenant_id, billing_run_id, family_id),
      foreign key (tenant_id, billing_run_id) references billing_runs (tenant_id, id),
      foreign key (tenant_id, family_id) references families (tenant_id, id));`);
    this.addSql(
      `create index billing_draft_invoices_warnings_idx on billing_draft_invoices using gin (warnings);`,
    );
    this.addSql(`create table billing_draft_lines (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      draft_invoice_id uuid not null,
      position int not null,
      month char(7) not null,
      service_id uuid null,
      label text not null,
      quantity int not null,
      unit_price int not null,
      amount int not null,
      unique (tenant_id, draft_invoice_id, position),
      foreign key (tenant_id, draft_invoice_id) references billing_draft_invoices (tenant_id, id) on delete cascade);`);
    for (const table of ['billing_draft_invoices', 'billing_draft_lines']) {
      for (const sql of tenantIsolation(table)) this.addSql(sql);
      this.addSql(`grant select, insert, update, delete on ${table} to guichet_api;`);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop table billing_draft_lines, billing_draft_invoices cascade;`);
    this.addSql(`alter table tenants drop column config_draft_stale_charge_days,
      drop column config_draft_amount_threshold;`);
    this.addSql(
      `alter table billing_runs drop column built_at, drop column promoted_at, drop column promoted_by;`,
    );
  }
}
