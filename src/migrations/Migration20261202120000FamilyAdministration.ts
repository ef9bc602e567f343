import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/**
 * Administration of families, children, the catalogue and sessions through the API (issue #14):
 * - families and children are archived, never deleted (`archived_at`): they leave lists and
 *   bookings but stay on invoices and in history; a merged record points to the one kept
 *   (`merged_into_id`), so that its identifiers still resolve;
 * - shared custody: a child belongs to its household (`children.family_id`) and possibly to
 *   others (`child_households`); each household books and pays its own days (reservations and
 *   charges already carry the booking household);
 * - facilities and services are archived too; a facility may be temporary (`ends_on`);
 * - a session cancelled late (`sessions.cancelled_at`) can no longer be booked;
 * - merges move rows between families and children: the API may change only those columns of
 *   the tables it otherwise only inserts into, and an invoiced charge may change its household or
 *   child (never its amount, date or invoice).
 */
export class Migration20261202120000FamilyAdministration extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table families add column archived_at timestamptz null,
      add column merged_into_id uuid null,
      add foreign key (tenant_id, merged_into_id) references families (tenant_id, id);`);
    this.addSql(`alter table children add column archived_at timestamptz null,
      add column merged_into_id uuid null,
      add foreign key (tenant_id, merged_into_id) references children (tenant_id, id);`);
    this.addSql(`alter table facilities add column archived_at timestamptz null,
      add column ends_on date null;`);
    this.addSql(`alter table services add column archived_at timestamptz null;`);
    this.addSql(`alter table sessions add column cancelled_at timestamptz null;`);

    this.addSql(`create table child_households (
      tenant_id uuid not null references tenants (id),
      child_id uuid not null,
      family_id uuid not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, child_id, family_id),
      foreign key (tenant_id, child_id) references children (tenant_id, id),
      foreign key (tenant_id, family_id) references families (tenant_id, id));`);
    this.addSql(`create index child_households_family_idx on child_households (tenant_id, family_id);`);
    for (const sql of tenantIsolation('child_households')) this.addSql(sql);
    this.addSql(`grant select, insert, delete on child_households to guichet_api;`);

    // Merges move a family's (or child's) rows to the record kept: only those columns.
    this.addSql(`grant update (family_id) on invoices, payments, allocations, payment_plans,
      water_debit_schedules to guichet_api;`);
    this.addSql(`grant update (family_id, child_id) on waitlist_entries, notifications to guichet_api;`);
    this.addSql(`grant delete on family_quotients to guichet_api;`);
    this.addSql(`
      create or replace function guichet_freeze_invoiced_charge() returns trigger language plpgsql as $$
      begin
        if old.invoice_id is not null and not (tg_op = 'UPDATE'
            and to_jsonb(new) - 'family_id' - 'child_id' = to_jsonb(old) - 'family_id' - 'child_id') then
          raise exception 'charge % is invoiced and cannot change', old.id using errcode = 'check_violation';
        end if;
        return case when tg_op = 'DELETE' then old else new end;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
      create or replace function guichet_freeze_invoiced_charge() returns trigger language plpgsql as $$
      begin
        if old.invoice_id is not null then
          raise exception 'charge % is invoiced and cannot change', old.id using errcode = 'check_violation';
        end if;
        return case when tg_op = 'DELETE' then old else new end;
      end $$;`);
    this.addSql(`drop table child_households cascade;`);
    this.addSql(`alter table sessions drop column cancelled_at;`);
    this.addSql(`alter table services drop column archived_at;`);
    this.addSql(`alter table facilities drop column archived_at, drop column ends_on;`);
    this.addSql(`alter table children drop column archived_at, drop column merged_into_id;`);
    this.addSql(`alter table families drop column archived_at, drop column merged_into_id;`);
  }
}
