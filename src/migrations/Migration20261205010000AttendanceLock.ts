import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/**
 * Attendance locked once billed (docs/billing.md): an agent's explicit unlock of a billed day
 * (`attendance_unlocks`, with its reason), and corrections of invoiced outcomes as a reversing
 * charge (quantity -1, pointing at the charge it reverses) plus a new one, billed by the next run —
 * the invoiced charge never changes. A reservation keeps one live charge per generation: the
 * original is generation 0, each correction's new charge the next one; a charge is reversed once.
 * Invoice lines may then be negative (a reversal's line).
 */
export class Migration20261205010000AttendanceLock extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table charges
      add column reverses_charge_id uuid null,
      add column generation int not null default 0,
      add foreign key (tenant_id, reverses_charge_id) references charges (tenant_id, id);`);
    this.addSql(`alter table charges drop constraint charges_tenant_id_reservation_id_key;`);
    this
      .addSql(`create unique index charges_one_per_reservation_generation on charges (tenant_id, reservation_id, generation)
      where reverses_charge_id is null;`);
    this.addSql(`create unique index charges_reversed_once on charges (tenant_id, reverses_charge_id)
      where reverses_charge_id is not null;`);
    this.addSql(`alter table charges drop constraint charges_quantity_check,
      add constraint charges_quantity_check check (quantity > 0 or (quantity = -1 and reverses_charge_id is not null));`);
    this.addSql(`alter table invoice_lines drop constraint invoice_lines_quantity_check,
      drop constraint invoice_lines_amount_check,
      add constraint invoice_lines_quantity_check check (quantity <> 0);`);
    this.addSql(`create table attendance_unlocks (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      session_id uuid not null,
      reason text not null check (length(trim(reason)) > 0),
      unlocked_by varchar(255) not null,
      unlocked_at timestamptz not null,
      unique (tenant_id, id),
      foreign key (tenant_id, session_id) references sessions (tenant_id, id));`);
    this.addSql(
      `create index attendance_unlocks_session_idx on attendance_unlocks (tenant_id, session_id, unlocked_at);`,
    );
    for (const sql of tenantIsolation('attendance_unlocks')) this.addSql(sql);
    this.addSql(`grant select, insert on attendance_unlocks to guichet_api;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table attendance_unlocks;`);
    this.addSql(`delete from charges where reverses_charge_id is not null or generation > 0;`);
    this.addSql(`drop index charges_reversed_once;`);
    this.addSql(`drop index charges_one_per_reservation_generation;`);
    this.addSql(`alter table charges drop constraint charges_quantity_check,
      add constraint charges_quantity_check check (quantity > 0),
      add constraint charges_tenant_id_reservation_id_key unique (tenant_id, reservation_id);`);
    this.addSql(`alter table charges drop column reverses_charge_id, drop column generation;`);
  }
}
