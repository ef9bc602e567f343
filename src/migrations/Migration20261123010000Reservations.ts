import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

export const RESERVATION_TABLES = ['reservations', 'charges', 'idempotency_keys', 'audit_events'];

/**
 * Reservations, their charges, idempotency keys and the audit trail. One active reservation per
 * child and session is a unique index; capacity stays held by sessions' CHECK constraint.
 */
export class Migration20261123010000Reservations extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create type reservation_status as enum ('BOOKED', 'CANCELLED', 'LATE_CANCELLED', 'ATTENDED', 'ABSENT_JUSTIFIED', 'ABSENT_UNJUSTIFIED');`,
    );
    this.addSql(`create type reservation_channel as enum ('ONLINE', 'COUNTER', 'WALK_IN', 'IMPORT');`);
    this.addSql(
      `alter table services add column booking_bills_unjustified_absence boolean not null default true;`,
    );

    this.addSql(`
      create table reservations (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        session_id uuid not null,
        child_id uuid not null,
        family_id uuid not null,
        status reservation_status not null default 'BOOKED',
        channel reservation_channel not null,
        created_by varchar(255) not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        cancelled_at timestamptz null,
        unique (tenant_id, id),
        foreign key (tenant_id, session_id) references sessions (tenant_id, id),
        foreign key (tenant_id, child_id) references children (tenant_id, id),
        foreign key (tenant_id, family_id) references families (tenant_id, id)
      );`);
    // A child holds at most one live reservation per session, whatever the concurrency.
    this.addSql(
      `create unique index reservations_one_live_per_child on reservations (tenant_id, session_id, child_id) where status <> 'CANCELLED';`,
    );
    this.addSql(
      `create index reservations_tenant_family_idx on reservations (tenant_id, family_id, created_at);`,
    );
    this.addSql(`create index reservations_tenant_session_idx on reservations (tenant_id, session_id);`);

    this.addSql(`
      create table charges (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        family_id uuid not null,
        child_id uuid not null,
        reservation_id uuid not null,
        service_id uuid not null,
        date date not null,
        reason varchar(32) not null,
        quantity int not null default 1 check (quantity > 0),
        unit_price int not null check (unit_price >= 0),
        amount int not null check (amount = unit_price * quantity),
        currency char(3) not null,
        created_at timestamptz not null default now(),
        unique (tenant_id, id),
        -- One charge per reservation: a changed outcome updates it, never adds a second.
        unique (tenant_id, reservation_id),
        foreign key (tenant_id, reservation_id) references reservations (tenant_id, id),
        foreign key (tenant_id, family_id) references families (tenant_id, id),
        foreign key (tenant_id, service_id) references services (tenant_id, id)
      );`);
    this.addSql(`create index charges_tenant_family_idx on charges (tenant_id, family_id, date);`);

    this.addSql(`
      create table idempotency_keys (
        tenant_id uuid not null references tenants (id),
        subject varchar(255) not null,
        key varchar(255) not null,
        operation varchar(64) not null,
        request_hash char(64) not null,
        response jsonb null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, subject, key)
      );`);

    this.addSql(`
      create table audit_events (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        actor varchar(255) not null,
        actor_roles text[] not null default '{}',
        action varchar(64) not null,
        channel reservation_channel null,
        family_id uuid null,
        subject_id uuid null,
        details jsonb not null default '{}',
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index audit_events_tenant_created_idx on audit_events (tenant_id, created_at);`);

    for (const table of RESERVATION_TABLES) {
      for (const sql of tenantIsolation(table)) this.addSql(sql);
    }
    this.addSql(
      `grant select, insert, update, delete on reservations, charges, idempotency_keys to guichet_api;`,
    );
    // The directory stays readable by all, but the API may only update the tenant it acts for.
    this.addSql(`alter table tenants enable row level security;`);
    this.addSql(`alter table tenants force row level security;`);
    this.addSql(`create policy tenants_directory on tenants for select using (true);`);
    // Only the owner creates tenants (the API role has no INSERT grant).
    this.addSql(`create policy tenants_creation on tenants for insert with check (true);`);
    this.addSql(`create policy tenants_own_update on tenants for update
      using (id = guichet_current_tenant()) with check (id = guichet_current_tenant());`);
    // The audit trail is append-only for the API.
    this.addSql(`grant select, insert on audit_events to guichet_api;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists audit_events, idempotency_keys, charges, reservations cascade;`);
    this.addSql(`alter table services drop column if exists booking_bills_unjustified_absence;`);
    this.addSql(`drop type if exists reservation_channel, reservation_status;`);
  }
}
