import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/**
 * The roll call and absences: walk-ins counted apart from booked places (they may go beyond the
 * booked capacity up to the facility's physical capacity), per-tenant absence reasons, and the
 * invoice a charge ends up on (set by billing; once set, the reservation's outcome is locked).
 */
export class Migration20261123020000Attendance extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table tenants add column config_parents_may_justify_absences boolean not null default false;`,
    );
    this.addSql(`alter table sessions add column walk_ins int not null default 0 check (walk_ins >= 0);`);

    this.addSql(`
      create table absence_reasons (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        code varchar(64) not null check (code ~ '^[A-Z][A-Z0-9_]*$'),
        label varchar(255) not null,
        billable boolean not null default false,
        requires_document boolean not null default false,
        active boolean not null default true,
        unique (tenant_id, id),
        unique (tenant_id, code)
      );`);
    for (const sql of tenantIsolation('absence_reasons')) this.addSql(sql);
    this.addSql(`grant select, insert, update on absence_reasons to guichet_api;`);

    this.addSql(`
      alter table reservations
        add column absence_reason_id uuid null,
        add column absence_document_ref varchar(255) null,
        add column attendance_recorded_at timestamptz null,
        add foreign key (tenant_id, absence_reason_id) references absence_reasons (tenant_id, id);`);

    this.addSql(`alter table charges add column invoice_id uuid null;`);
    this.addSql(
      `create index charges_tenant_uninvoiced_idx on charges (tenant_id, date) where invoice_id is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists charges_tenant_uninvoiced_idx;`);
    this.addSql(`alter table charges drop column if exists invoice_id;`);
    this.addSql(`alter table reservations drop column if exists absence_reason_id,
      drop column if exists absence_document_ref, drop column if exists attendance_recorded_at;`);
    this.addSql(`drop table if exists absence_reasons;`);
    this.addSql(`alter table sessions drop column if exists walk_ins;`);
    this.addSql(`alter table tenants drop column if exists config_parents_may_justify_absences;`);
  }
}
