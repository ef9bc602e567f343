import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/**
 * Corrective runs. An invoiced charge is frozen (the trigger of the Billing migration): a
 * correction of it — repriced after a quotient was corrected, or cancelled for a billed day that
 * should not have been — is recorded beside it in `charge_corrections`, pending until a
 * corrective run issues it. The run is built as a draft (`correction_drafts`, one per invoice
 * corrected: the credit note and the replacement invoice it would issue) and promoted whole. A
 * replacement invoice (kind REPLACEMENT) names the invoice it replaces in `corrects_invoice_id`;
 * its credit note names it in `credited_invoice_id`, as every credit note does.
 */
export class Migration20261205100000Corrections extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter type invoice_kind add value if not exists 'REPLACEMENT';`);
    this.addSql(`alter table invoices add column corrects_invoice_id uuid null,
      add foreign key (tenant_id, corrects_invoice_id) references invoices (tenant_id, id);`);
    this.addSql(`create index invoices_tenant_corrects_idx on invoices (tenant_id, corrects_invoice_id)
      where corrects_invoice_id is not null;`);
    this.addSql(`create index invoices_tenant_credited_idx on invoices (tenant_id, credited_invoice_id)
      where credited_invoice_id is not null;`);
    this.addSql(`create table charge_corrections (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      family_id uuid not null,
      charge_id uuid not null,
      billed_invoice_id uuid not null,
      old_unit_price int not null check (old_unit_price >= 0),
      new_unit_price int null check (new_unit_price >= 0),
      quantity int not null check (quantity > 0),
      reason text not null,
      requested_by varchar(255) not null,
      requested_at timestamptz not null,
      billing_run_id uuid null,
      credit_note_id uuid null,
      replacement_id uuid null,
      unique (tenant_id, id),
      check (new_unit_price is distinct from old_unit_price),
      foreign key (tenant_id, family_id) references families (tenant_id, id),
      foreign key (tenant_id, charge_id) references charges (tenant_id, id),
      foreign key (tenant_id, billed_invoice_id) references invoices (tenant_id, id),
      foreign key (tenant_id, billing_run_id) references billing_runs (tenant_id, id),
      foreign key (tenant_id, credit_note_id) references invoices (tenant_id, id),
      foreign key (tenant_id, replacement_id) references invoices (tenant_id, id));`);
    // One pending correction per charge: a new one replaces it until a run issues it.
    this
      .addSql(`create unique index charge_corrections_one_pending on charge_corrections (tenant_id, charge_id)
      where billing_run_id is null;`);
    this.addSql(
      `create index charge_corrections_tenant_charge_idx on charge_corrections (tenant_id, charge_id);`,
    );
    this.addSql(`create table correction_drafts (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      billing_run_id uuid not null,
      family_id uuid not null,
      corrected_invoice_id uuid not null,
      credit_note_id uuid not null,
      replacement_id uuid not null,
      correction_ids uuid[] not null,
      fingerprint text not null,
      credit_total int not null,
      replacement_total int not null,
      credit_lines jsonb not null,
      replacement_lines jsonb not null,
      reasons text not null,
      warnings text[] not null default '{}',
      excluded boolean not null default false,
      excluded_reason text null,
      unique (tenant_id, id),
      unique (tenant_id, billing_run_id, corrected_invoice_id),
      foreign key (tenant_id, billing_run_id) references billing_runs (tenant_id, id),
      foreign key (tenant_id, family_id) references families (tenant_id, id),
      foreign key (tenant_id, corrected_invoice_id) references invoices (tenant_id, id));`);
    for (const table of ['charge_corrections', 'correction_drafts']) {
      for (const sql of tenantIsolation(table)) this.addSql(sql);
    }
    // A correction is never deleted: once issued it is the record of why a charge was re-billed.
    this.addSql(`grant select, insert, update on charge_corrections to guichet_api;`);
    this.addSql(`grant select, insert, update, delete on correction_drafts to guichet_api;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists correction_drafts, charge_corrections cascade;`);
    this.addSql(`alter table invoices drop column if exists corrects_invoice_id;`);
  }
}
