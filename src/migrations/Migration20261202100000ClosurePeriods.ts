import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/**
 * A tenant's own closure periods (a strike day, a closure for works, school holidays the data
 * file does not know yet), for the whole tenant or one facility, for every service or some kinds.
 * PostgreSQL refuses a session on such a day as it refuses one on a holiday (`sessions_open_day`),
 * and `generateSessions` inserts sessions once per (service, date, period): a second run creates
 * nothing twice whatever its idempotency key (the unique key of the foundation).
 */
export class Migration20261202100000ClosurePeriods extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table closure_periods (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      name varchar(255) not null check (length(trim(name)) > 0),
      starts_on date not null,
      ends_on date not null,
      facility_id uuid null,
      service_kinds text[] not null default '{}',
      created_at timestamptz not null default now(),
      check (ends_on >= starts_on),
      unique (tenant_id, id),
      foreign key (tenant_id, facility_id) references facilities (tenant_id, id));`);
    this.addSql(
      `create index closure_periods_tenant_dates_idx on closure_periods (tenant_id, starts_on, ends_on);`,
    );
    for (const sql of tenantIsolation('closure_periods')) this.addSql(sql);
    this.addSql(`grant select, insert, delete on closure_periods to guichet_api;`);

    this.addSql(`create or replace function guichet_session_open_day() returns trigger language plpgsql as $$
      declare
        closure text;
      begin
        select cd.name into closure
        from services s
        join tenants t on t.id = s.tenant_id
        join calendar_days cd on cd.date = new.date and (
             (s.closed_on_public_holidays and cd.kind = 'PUBLIC_HOLIDAY' and cd.calendar = t.holiday_region)
          or (s.closed_on_school_holidays and cd.kind = 'SCHOOL_HOLIDAY' and cd.calendar = t.config_school_calendar))
        where s.id = new.service_id and s.tenant_id = new.tenant_id
        order by cd.kind
        limit 1;
        if closure is null then
          select cp.name into closure
          from services s
          join closure_periods cp on cp.tenant_id = s.tenant_id
            and new.date between cp.starts_on and cp.ends_on
            and (cp.facility_id is null or cp.facility_id = coalesce(new.facility_id, s.facility_id))
            and (cardinality(cp.service_kinds) = 0 or s.kind::text = any (cp.service_kinds))
          where s.id = new.service_id and s.tenant_id = new.tenant_id
          order by cp.starts_on, cp.id
          limit 1;
        end if;
        if closure is not null then
          raise exception 'the service is closed on % (%)', new.date, closure
            using errcode = 'check_violation', constraint = 'sessions_open_day';
        end if;
        return new;
      end $$;`);
    // The audit trail is read by tenant admins page by page, newest first.
    this.addSql(
      `create index audit_events_tenant_created_id_idx on audit_events (tenant_id, created_at desc, id desc);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index audit_events_tenant_created_id_idx;`);
    this.addSql(`drop table closure_periods cascade;`);
  }
}
