import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/**
 * Webhooks. `webhook_events` is an outbox: an event is inserted by the transaction that makes the
 * change it reports (src/events/emit.ts), so it exists if and only if the change committed. Each
 * event gets one `webhook_deliveries` row per endpoint subscribed to its type, in the same
 * statement; the job worker posts them and records every attempt there (the delivery log).
 * `seq` orders events; deliveries copy it with the aggregate so that one aggregate's events
 * reach an endpoint in order.
 */
export class Migration20261202000000Webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table webhook_endpoints (
      id uuid not null default gen_random_uuid(),
      tenant_id uuid not null references tenants (id),
      url text not null,
      event_types text[] not null,
      -- Kept as is: the worker signs with it (row-level security keeps it to its tenant).
      secret text not null,
      -- The API key that registered it ('api-key:<prefix>'), which may manage it; null for staff.
      owner_subject text,
      created_by text not null,
      created_at timestamptz not null default now(),
      disabled_at timestamptz,
      disabled_reason text,
      consecutive_failures int not null default 0,
      primary key (tenant_id, id)
    );`);
    this.addSql(`create table webhook_events (
      id uuid not null default gen_random_uuid(),
      tenant_id uuid not null references tenants (id),
      seq bigint generated always as identity,
      type text not null,
      aggregate_id text not null,
      payload jsonb not null,
      occurred_at timestamptz not null,
      primary key (tenant_id, id)
    );`);
    this.addSql(
      `create index webhook_events_tenant_occurred_idx on webhook_events (tenant_id, occurred_at);`,
    );
    this.addSql(`create table webhook_deliveries (
      id uuid not null default gen_random_uuid(),
      tenant_id uuid not null,
      event_id uuid not null,
      endpoint_id uuid not null,
      seq bigint not null,
      aggregate_id text not null,
      status text not null default 'PENDING' check (status in ('PENDING', 'DELIVERED', 'FAILED')),
      attempts int not null default 0,
      last_response_code int,
      last_error text,
      last_attempt_at timestamptz,
      next_attempt_at timestamptz not null default now(),
      delivered_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, event_id) references webhook_events (tenant_id, id) on delete cascade,
      foreign key (tenant_id, endpoint_id) references webhook_endpoints (tenant_id, id) on delete cascade
    );`);
    this.addSql(`create index webhook_deliveries_due_idx on webhook_deliveries (tenant_id, next_attempt_at)
      where status = 'PENDING';`);
    this
      .addSql(`create index webhook_deliveries_aggregate_idx on webhook_deliveries (tenant_id, endpoint_id, aggregate_id, seq)
      where status = 'PENDING';`);
    this.addSql(
      `create index webhook_deliveries_log_idx on webhook_deliveries (tenant_id, endpoint_id, created_at desc, id desc);`,
    );
    this.addSql(`create index webhook_deliveries_event_idx on webhook_deliveries (tenant_id, event_id);`);
    for (const table of ['webhook_endpoints', 'webhook_events', 'webhook_deliveries']) {
      for (const sql of tenantIsolation(table)) this.addSql(sql);
      this.addSql(`grant select, insert, update, delete on ${table} to guichet_api;`);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop table webhook_deliveries, webhook_events, webhook_endpoints;`);
  }
}
