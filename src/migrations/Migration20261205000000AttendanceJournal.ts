import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/**
 * The offline roll call (docs/imports.md): every action a school's tablet recorded (a child
 * present or absent, a walk-in), kept once per device and action — sending the journal again
 * changes nothing; the conflicts between two devices that recorded the same child differently,
 * until an agent resolves them; and each session's roll opened by a journal, closed by a job at
 * the session's closing time. Imports count the conflicts they found.
 */
export class Migration20261205000000AttendanceJournal extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table attendance_actions (
      tenant_id uuid not null references tenants (id),
      device_id varchar(64) not null,
      action_id varchar(64) not null,
      session_id uuid not null,
      child_id uuid not null,
      present boolean not null,
      recorded_at timestamptz not null,
      received_at timestamptz not null,
      import_id uuid null,
      primary key (tenant_id, device_id, action_id),
      foreign key (tenant_id, session_id) references sessions (tenant_id, id),
      foreign key (tenant_id, child_id) references children (tenant_id, id));`);
    this.addSql(
      `create index attendance_actions_session_child_idx on attendance_actions (tenant_id, session_id, child_id, recorded_at);`,
    );
    this.addSql(`create table attendance_conflicts (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      session_id uuid not null,
      child_id uuid not null,
      status varchar(16) not null check (status in ('OPEN', 'RESOLVED')),
      marks jsonb not null check (jsonb_typeof(marks) = 'array'),
      detected_at timestamptz not null,
      resolved_present boolean null,
      resolved_by varchar(255) null,
      resolved_at timestamptz null,
      resolution_reason text null,
      unique (tenant_id, id),
      unique (tenant_id, session_id, child_id),
      foreign key (tenant_id, session_id) references sessions (tenant_id, id),
      foreign key (tenant_id, child_id) references children (tenant_id, id));`);
    this.addSql(
      `create index attendance_conflicts_open_idx on attendance_conflicts (tenant_id, detected_at, id) where status = 'OPEN';`,
    );
    this.addSql(`create table session_rolls (
      tenant_id uuid not null references tenants (id),
      session_id uuid not null,
      opened_at timestamptz not null,
      closes_at timestamptz not null,
      closed_at timestamptz null,
      closed_absent int null,
      primary key (tenant_id, session_id),
      foreign key (tenant_id, session_id) references sessions (tenant_id, id));`);
    this.addSql(
      `create index session_rolls_open_idx on session_rolls (tenant_id, closes_at) where closed_at is null;`,
    );
    for (const table of ['attendance_actions', 'attendance_conflicts', 'session_rolls']) {
      for (const sql of tenantIsolation(table)) this.addSql(sql);
    }
    this.addSql(`grant select, insert on attendance_actions to guichet_api;`);
    this.addSql(`grant select, insert, update on attendance_conflicts, session_rolls to guichet_api;`);
    this.addSql(`alter table imports add column conflicts int not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table imports drop column conflicts;`);
    this.addSql(`drop table session_rolls, attendance_conflicts, attendance_actions cascade;`);
  }
}
