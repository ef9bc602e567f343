import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/** Tables carrying tenant_id, isolated by row-level security. */
export const TENANT_TABLES = ['facilities', 'families', 'children', 'services', 'price_brackets', 'sessions'];

/**
 * The foundation schema. Every tenant-owned table leads its keys and indexes with tenant_id
 * (ready for sharding by tenant) and references its parents through (tenant_id, id), so a row
 * can never point at another tenant's row. Row-level security is forced on every tenant table.
 * The API's role, `guichet_api`, owns nothing and cannot bypass RLS; the login role the API
 * connects with is made a member of it by `npm run db:migrate`.
 */
export class Migration20261123000000Foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create extension if not exists btree_gin;`);
    this.addSql(`
      do $$ begin
        if not exists (select 1 from pg_roles where rolname = 'guichet_api') then
          create role guichet_api nologin nosuperuser nobypassrls;
        end if;
      end $$;`);

    // The tenant a transaction acts for, set with set_config('app.tenant_id', $1, true).
    // NULLIF: after a transaction that set it, the setting reads '' rather than NULL.
    this.addSql(`
      create function guichet_current_tenant() returns uuid language sql stable as
      $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;`);

    this.addSql(`create type operating_mode as enum ('NORMAL', 'WALK_IN', 'COUNTER_ONLY', 'READ_ONLY');`);
    this.addSql(
      `create type facility_kind as enum ('SCHOOL', 'NURSERY', 'LEISURE_CENTRE', 'CHILDCARE_CENTRE', 'OTHER');`,
    );
    this.addSql(`create type diet as enum ('STANDARD', 'NO_PORK', 'VEGETARIAN', 'ALLERGY_PLAN');`);
    this.addSql(
      `create type service_kind as enum ('CANTEEN', 'PERISCHOOL', 'LEISURE_CENTRE', 'NURSERY', 'CHILDCARE_PLACE', 'WATER');`,
    );
    this.addSql(
      `create type billing_unit as enum ('MEAL', 'HALF_DAY', 'DAY', 'HOUR', 'MONTH', 'CUBIC_METRE');`,
    );
    this.addSql(
      `create type session_period as enum ('MORNING', 'LUNCH', 'AFTERNOON', 'EVENING', 'FULL_DAY');`,
    );

    this.addSql(`
      create table tenants (
        id uuid primary key,
        slug varchar(63) not null unique check (slug ~ '^[a-z0-9][a-z0-9-]*$'),
        name varchar(255) not null,
        locale varchar(35) not null,
        time_zone varchar(64) not null,
        currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
        holiday_region varchar(16) not null,
        config_operating_mode operating_mode not null default 'NORMAL',
        config_billing_suspended boolean not null default false,
        config_billing_suspended_since date null,
        config_cancellation_notice_days int not null default 0 check (config_cancellation_notice_days >= 0),
        config_instalment_max_count int not null default 1 check (config_instalment_max_count >= 1),
        config_instalment_min_amount int not null default 0 check (config_instalment_min_amount >= 0),
        config_counter_payment_methods text[] not null default '{}',
        config_waitlist_offer_delay_hours int not null default 72 check (config_waitlist_offer_delay_hours > 0),
        config_public_notice text null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);

    this.addSql(`
      create table api_keys (
        id uuid primary key,
        name varchar(255) not null,
        prefix varchar(32) not null unique,
        secret_hash char(64) not null,
        scopes text[] not null default '{}',
        tenant_ids uuid[] not null check (cardinality(tenant_ids) > 0),
        created_at timestamptz not null default now(),
        revoked_at timestamptz null
      );`);

    this.addSql(`
      create table facilities (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        name varchar(255) not null,
        kind facility_kind not null,
        capacity int not null check (capacity >= 0),
        address text null,
        unique (tenant_id, id)
      );`);
    this.addSql(`create index facilities_tenant_name_idx on facilities (tenant_id, name, id);`);

    this.addSql(`
      create table families (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        name varchar(255) not null,
        guardians jsonb not null default '[]' check (jsonb_typeof(guardians) = 'array'),
        address text null,
        postal_code varchar(16) null,
        city varchar(255) null,
        family_quotient int null check (family_quotient >= 0),
        external_ref varchar(255) null,
        created_at timestamptz not null default now(),
        search_text text generated always as (
          lower(name || ' ' || jsonb_path_query_array(guardians, '$[*].* ? (@ != null)')::text)
        ) stored,
        unique (tenant_id, id),
        unique (tenant_id, external_ref)
      );`);
    this.addSql(`create index families_tenant_name_idx on families (tenant_id, name, id);`);
    this.addSql(
      `create index families_search_idx on families using gin (tenant_id, search_text gin_trgm_ops);`,
    );

    this.addSql(`
      create table children (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        family_id uuid not null,
        first_name varchar(255) not null,
        last_name varchar(255) not null,
        birth_date date not null,
        school_id uuid null,
        school_class varchar(64) null,
        diet diet not null default 'STANDARD',
        unique (tenant_id, id),
        foreign key (tenant_id, family_id) references families (tenant_id, id),
        foreign key (tenant_id, school_id) references facilities (tenant_id, id)
      );`);
    this.addSql(`create index children_tenant_family_idx on children (tenant_id, family_id);`);
    this.addSql(`create index children_tenant_school_idx on children (tenant_id, school_id);`);

    this.addSql(`
      create table services (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        facility_id uuid null,
        kind service_kind not null,
        name varchar(255) not null,
        unit billing_unit not null,
        default_capacity int not null check (default_capacity >= 0),
        operating_mode_override operating_mode null,
        booking_opens_at timestamptz null,
        booking_opens_days_before int null check (booking_opens_days_before >= 0),
        booking_closes_days_before int not null default 1 check (booking_closes_days_before >= 0),
        booking_closes_at_time varchar(5) not null default '10:00'
          check (booking_closes_at_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        booking_closes_on_working_days boolean not null default false,
        booking_cancellation_notice_days int null check (booking_cancellation_notice_days >= 0),
        booking_allows_walk_ins boolean not null default false,
        unique (tenant_id, id),
        foreign key (tenant_id, facility_id) references facilities (tenant_id, id)
      );`);
    this.addSql(`create index services_tenant_facility_idx on services (tenant_id, facility_id);`);

    this.addSql(`
      create table price_brackets (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        service_id uuid not null,
        min_quotient int not null default 0 check (min_quotient >= 0),
        max_quotient int null,
        unit_price int not null check (unit_price >= 0),
        valid_from date not null,
        valid_to date null,
        check (max_quotient is null or max_quotient > min_quotient),
        check (valid_to is null or valid_to >= valid_from),
        foreign key (tenant_id, service_id) references services (tenant_id, id)
      );`);
    this.addSql(
      `create index price_brackets_tenant_service_idx on price_brackets (tenant_id, service_id, valid_from);`,
    );

    this.addSql(`
      create table sessions (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        service_id uuid not null,
        facility_id uuid null,
        date date not null,
        period session_period not null,
        capacity int not null check (capacity >= 0),
        places_taken int not null default 0,
        places_left int generated always as (capacity - places_taken) stored,
        -- Capacity is held here, by PostgreSQL: no booking can push places_taken past capacity.
        constraint sessions_places_within_capacity check (places_taken >= 0 and places_taken <= capacity),
        unique (tenant_id, id),
        unique (tenant_id, service_id, date, period),
        foreign key (tenant_id, service_id) references services (tenant_id, id),
        foreign key (tenant_id, facility_id) references facilities (tenant_id, id)
      );`);
    this.addSql(`create index sessions_tenant_facility_date_idx on sessions (tenant_id, facility_id, date);`);
    this.addSql(`create index sessions_tenant_date_idx on sessions (tenant_id, date, period, id);`);

    for (const table of TENANT_TABLES) {
      for (const sql of tenantIsolation(table)) this.addSql(sql);
      this.addSql(`grant select, insert, update, delete on ${table} to guichet_api;`);
    }
    this.addSql(`grant usage on schema public to guichet_api;`);
    // The directory and tenant configuration are public; keys are looked up before a tenant is known.
    this.addSql(`grant select, update on tenants to guichet_api;`);
    this.addSql(`grant select on api_keys to guichet_api;`);
    this.addSql(`grant execute on function guichet_current_tenant() to guichet_api;`);
  }

  override async down(): Promise<void> {
    for (const table of ['sessions', 'price_brackets', 'services', 'children', 'families', 'facilities']) {
      this.addSql(`drop table if exists ${table} cascade;`);
    }
    this.addSql(`drop table if exists api_keys, tenants cascade;`);
    this.addSql(
      `drop type if exists session_period, billing_unit, service_kind, diet, facility_kind, operating_mode;`,
    );
    this.addSql(`drop function if exists guichet_current_tenant();`);
  }
}
