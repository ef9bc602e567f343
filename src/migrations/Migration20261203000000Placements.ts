import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

export const PLACEMENT_TABLES = [
  'placement_policies',
  'admission_criteria',
  'facility_age_groups',
  'placement_applications',
  'placement_preferences',
  'application_criteria',
  'allocation_rounds',
  'allocation_proposals',
  'placement_offers',
  'placements',
];

/**
 * Childcare places (docs/placements.md): applications ranked over several facilities, admission
 * criteria worth points (per tenant, overridable per facility), age groups with their capacity,
 * allocation rounds (deferred acceptance, a draft reviewed before its offers go out), offers that
 * expire on the job queue, placements, and urgent places outside the queue.
 *
 * - A placement takes a place in its facility age group's counter (`places_taken`), whose CHECK
 *   (`places_taken <= capacity`) holds whatever the concurrency: two acceptances of the last place
 *   serialise on the counter's row and the second finds it full.
 * - An application's registration instant never changes: a trigger refuses any update of it.
 * - `placement_candidates`: the one ranking (urgent verified first, then points, then the
 *   registration instant, then the id) of each live application at each facility it chose, in the
 *   age group its child falls in at the desired start date. Row-level security applies
 *   (security_invoker).
 */
export class Migration20261203000000Placements extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table tenants
      add column config_placement_applications_open boolean not null default true;`);
    this.addSql(`alter table facilities
      add column temporary boolean not null default false,
      add column temporary_until date null,
      add constraint facilities_temporary_has_end check (not temporary or temporary_until is not null);`);
    this.addSql(`create type placement_age_group as enum ('INFANT', 'TODDLER', 'PRESCHOOL');`);
    this.addSql(
      `create type placement_application_status as enum ('ACTIVE', 'OFFERED', 'PLACED', 'WITHDRAWN', 'EXPIRED');`,
    );
    this.addSql(
      `create type placement_offer_status as enum ('OFFERED', 'ACCEPTED', 'DECLINED', 'EXPIRED', 'WITHDRAWN');`,
    );

    // The tenant's rules beyond the directory's window flag (tenants.config_placement_applications_open).
    this.addSql(`create table placement_policies (
      tenant_id uuid primary key references tenants (id),
      max_preferences int not null default 5 check (max_preferences between 1 and 20),
      offer_days int not null default 7 check (offer_days between 1 and 60),
      urgent_deadline_days int not null default 30 check (urgent_deadline_days between 1 and 365),
      decline_withdraws boolean not null default false,
      monthly_fee int null check (monthly_fee >= 0)
    );`);

    // facility_id null: the tenant's criterion; a row with facility_id overrides (or adds) one there.
    this.addSql(`create table admission_criteria (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      code varchar(40) not null check (code ~ '^[A-Z][A-Z0-9_]*$'),
      label text not null,
      points int not null check (points between -1000 and 1000),
      facility_id uuid null,
      unique (tenant_id, id),
      foreign key (tenant_id, facility_id) references facilities (tenant_id, id)
    );`);
    this.addSql(`create unique index admission_criteria_one_per_scope on admission_criteria
      (tenant_id, code, coalesce(facility_id, '00000000-0000-0000-0000-000000000000'::uuid));`);

    this.addSql(`create table facility_age_groups (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      facility_id uuid not null,
      age_group placement_age_group not null,
      min_months int not null check (min_months >= 0),
      max_months int not null,
      capacity int not null check (capacity >= 0),
      places_taken int not null default 0 check (places_taken >= 0),
      unique (tenant_id, id),
      unique (tenant_id, facility_id, age_group),
      foreign key (tenant_id, facility_id) references facilities (tenant_id, id),
      constraint facility_age_groups_months check (max_months > min_months),
      constraint facility_age_groups_capacity check (places_taken <= capacity)
    );`);

    this.addSql(`create table placement_applications (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      child_id uuid not null,
      family_id uuid not null,
      desired_start_date date not null,
      days_per_week int not null check (days_per_week between 1 and 7),
      full_time boolean not null,
      status placement_application_status not null default 'ACTIVE',
      registered_at timestamptz not null,
      channel reservation_channel not null,
      created_by varchar(255) not null,
      urgent_declared boolean not null default false,
      urgent_reason text null,
      urgent_proof_at timestamptz null,
      urgent_verified_by varchar(255) null,
      transfer_from_placement_id uuid null,
      closed_at timestamptz null,
      updated_at timestamptz not null,
      unique (tenant_id, id),
      foreign key (tenant_id, child_id) references children (tenant_id, id),
      foreign key (tenant_id, family_id) references families (tenant_id, id),
      constraint placement_urgent_proof_declared check (urgent_proof_at is null or urgent_declared)
    );`);
    // One live application per child.
    this.addSql(`create unique index placement_applications_one_live on placement_applications
      (tenant_id, child_id) where status in ('ACTIVE', 'OFFERED');`);
    this.addSql(`create index placement_applications_family_idx on placement_applications
      (tenant_id, family_id, registered_at);`);
    this.addSql(`create function guichet_keep_registration_instant() returns trigger
      language plpgsql as $$
      begin
        if new.registered_at is distinct from old.registered_at then
          raise exception 'the registration instant of an application never changes'
            using errcode = 'check_violation';
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger placement_applications_registration_instant
      before update on placement_applications for each row execute function guichet_keep_registration_instant();`);

    this.addSql(`create table placement_preferences (
      tenant_id uuid not null references tenants (id),
      application_id uuid not null,
      preference int not null check (preference between 1 and 20),
      facility_id uuid not null,
      declined_at timestamptz null,
      primary key (tenant_id, application_id, preference),
      unique (tenant_id, application_id, facility_id),
      foreign key (tenant_id, application_id) references placement_applications (tenant_id, id) on delete cascade,
      foreign key (tenant_id, facility_id) references facilities (tenant_id, id)
    );`);
    this.addSql(
      `create index placement_preferences_facility_idx on placement_preferences (tenant_id, facility_id);`,
    );

    this.addSql(`create table application_criteria (
      tenant_id uuid not null references tenants (id),
      application_id uuid not null,
      code varchar(40) not null,
      document_ref varchar(255) null,
      status varchar(10) not null default 'DECLARED' check (status in ('DECLARED', 'VERIFIED', 'REJECTED')),
      verified_by varchar(255) null,
      verified_at timestamptz null,
      primary key (tenant_id, application_id, code),
      foreign key (tenant_id, application_id) references placement_applications (tenant_id, id) on delete cascade
    );`);

    this.addSql(`create table allocation_rounds (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      status varchar(10) not null default 'DRAFT' check (status in ('DRAFT', 'CONFIRMED', 'CANCELLED')),
      start_date date not null,
      facility_ids uuid[] not null,
      exclusions jsonb not null default '[]' check (jsonb_typeof(exclusions) = 'array'),
      stable boolean not null,
      applications int not null,
      free_places int not null,
      created_by varchar(255) not null,
      created_at timestamptz not null,
      confirmed_by varchar(255) null,
      confirmed_at timestamptz null,
      unique (tenant_id, id)
    );`);
    this.addSql(`create table allocation_proposals (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      round_id uuid not null,
      application_id uuid not null,
      facility_id uuid not null,
      age_group placement_age_group not null,
      preference int not null,
      rank int not null,
      unique (tenant_id, id),
      unique (tenant_id, round_id, application_id),
      foreign key (tenant_id, round_id) references allocation_rounds (tenant_id, id) on delete cascade,
      foreign key (tenant_id, application_id) references placement_applications (tenant_id, id),
      foreign key (tenant_id, facility_id) references facilities (tenant_id, id)
    );`);

    this.addSql(`create table placement_offers (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      application_id uuid not null,
      facility_id uuid not null,
      age_group placement_age_group not null,
      start_date date not null,
      status placement_offer_status not null default 'OFFERED',
      round_id uuid null,
      out_of_order_reason text null,
      offered_by varchar(255) not null,
      offered_at timestamptz not null,
      expires_at timestamptz not null,
      answered_at timestamptz null,
      placement_id uuid null,
      unique (tenant_id, id),
      foreign key (tenant_id, application_id) references placement_applications (tenant_id, id),
      foreign key (tenant_id, facility_id, age_group) references facility_age_groups (tenant_id, facility_id, age_group),
      foreign key (tenant_id, round_id) references allocation_rounds (tenant_id, id)
    );`);
    // One open offer per application.
    this.addSql(`create unique index placement_offers_one_open on placement_offers (tenant_id, application_id)
      where status = 'OFFERED';`);
    this.addSql(
      `create index placement_offers_group_idx on placement_offers (tenant_id, facility_id, age_group, status);`,
    );

    this.addSql(`create table placements (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      child_id uuid not null,
      family_id uuid not null,
      facility_id uuid not null,
      age_group placement_age_group not null,
      start_date date not null,
      end_date date null,
      days_per_week int not null check (days_per_week between 1 and 7),
      full_time boolean not null,
      status varchar(8) not null default 'ACTIVE' check (status in ('ACTIVE', 'ENDED')),
      urgent boolean not null default false,
      urgent_reason text null,
      application_id uuid null,
      offer_id uuid null,
      created_by varchar(255) not null,
      created_at timestamptz not null,
      ended_at timestamptz null,
      unique (tenant_id, id),
      foreign key (tenant_id, child_id) references children (tenant_id, id),
      foreign key (tenant_id, family_id) references families (tenant_id, id),
      foreign key (tenant_id, facility_id, age_group) references facility_age_groups (tenant_id, facility_id, age_group),
      foreign key (tenant_id, application_id) references placement_applications (tenant_id, id),
      foreign key (tenant_id, offer_id) references placement_offers (tenant_id, id),
      constraint placements_dates check (end_date is null or end_date >= start_date),
      constraint placements_urgent_reason check (not urgent or urgent_reason is not null)
    );`);
    this.addSql(
      `create index placements_facility_idx on placements (tenant_id, facility_id, age_group, status);`,
    );
    this.addSql(`create index placements_child_idx on placements (tenant_id, child_id);`);
    this.addSql(`create index placements_urgent_idx on placements (tenant_id, start_date) where urgent;`);
    this.addSql(`alter table placement_applications add foreign key (tenant_id, transfer_from_placement_id)
      references placements (tenant_id, id);`);
    this.addSql(`alter table placement_offers add foreign key (tenant_id, placement_id)
      references placements (tenant_id, id);`);

    // The one ranking: each live application at each facility it still wants, in the age group its
    // child is in at the desired start date; points are its VERIFIED criteria's, the facility's
    // own value of a criterion replacing the tenant's.
    this.addSql(`create view placement_candidates with (security_invoker = true) as
      with candidates as (
        select a.tenant_id, a.id as application_id, p.facility_id, g.age_group, p.preference,
          (a.urgent_proof_at is not null) as urgent, a.registered_at, a.desired_start_date,
          coalesce((
            select sum(coalesce(fc.points, tc.points))
            from application_criteria ac
            left join admission_criteria tc on tc.tenant_id = ac.tenant_id and tc.code = ac.code
              and tc.facility_id is null
            left join admission_criteria fc on fc.tenant_id = ac.tenant_id and fc.code = ac.code
              and fc.facility_id = p.facility_id
            where ac.tenant_id = a.tenant_id and ac.application_id = a.id and ac.status = 'VERIFIED'
          ), 0)::int as points
        from placement_applications a
        join placement_preferences p on p.tenant_id = a.tenant_id and p.application_id = a.id
          and p.declined_at is null
        join children c on c.tenant_id = a.tenant_id and c.id = a.child_id
        join facility_age_groups g on g.tenant_id = a.tenant_id and g.facility_id = p.facility_id
          and (extract(year from age(a.desired_start_date, c.birth_date)) * 12
               + extract(month from age(a.desired_start_date, c.birth_date))) >= g.min_months
          and (extract(year from age(a.desired_start_date, c.birth_date)) * 12
               + extract(month from age(a.desired_start_date, c.birth_date))) < g.max_months
        where a.status = 'ACTIVE'
      )
      select c.*,
        row_number() over (partition by c.tenant_id, c.facility_id, c.age_group
          order by c.urgent desc, c.points desc, c.registered_at, c.application_id)::int as rank,
        count(*) over (partition by c.tenant_id, c.facility_id, c.age_group)::int as queue_length
      from candidates c;`);

    for (const table of PLACEMENT_TABLES) {
      for (const sql of tenantIsolation(table)) this.addSql(sql);
    }
    this.addSql(`grant select, insert, update on placement_policies, admission_criteria, facility_age_groups,
      placement_applications, allocation_rounds, placement_offers, placements to guichet_api;`);
    this.addSql(
      `grant select, insert, update, delete on placement_preferences, application_criteria, allocation_proposals
      to guichet_api;`,
    );
    this.addSql(`grant select on placement_candidates to guichet_api;`);

    // Schedules the expiry of an open offer of the caller's tenant at its deadline (keyed by the
    // offer, so scheduling again replaces it); the API role never touches the queue's tables.
    this.addSql(`create function guichet_schedule_placement_offer_expiry(p_offer_id uuid)
      returns void language plpgsql security definer set search_path = pg_catalog, public as $$
      declare
        v_tenant uuid := guichet_current_tenant();
        v_expires timestamptz;
      begin
        select expires_at into v_expires from placement_offers
         where tenant_id = v_tenant and id = p_offer_id and status = 'OFFERED';
        if v_expires is null then
          raise exception 'no open placement offer % in this tenant', p_offer_id using errcode = 'P0002';
        end if;
        perform graphile_worker.add_job('placement_offer_expiry',
          json_build_object('tenantId', v_tenant, 'offerId', p_offer_id),
          run_at := v_expires, max_attempts := 25, job_key := 'placement-offer:' || p_offer_id);
      end $$;`);
    this.addSql(`revoke all on function guichet_schedule_placement_offer_expiry(uuid) from public;`);
    this.addSql(`grant execute on function guichet_schedule_placement_offer_expiry(uuid) to guichet_api;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists guichet_schedule_placement_offer_expiry(uuid);`);
    this.addSql(`drop view if exists placement_candidates;`);
    this.addSql(`drop table if exists ${[...PLACEMENT_TABLES].reverse().join(', ')} cascade;`);
    this.addSql(`drop function if exists guichet_keep_registration_instant();`);
    this.addSql(
      `drop type if exists placement_offer_status, placement_application_status, placement_age_group;`,
    );
    this.addSql(`alter table facilities drop constraint if exists facilities_temporary_has_end,
      drop column if exists temporary, drop column if exists temporary_until;`);
    this.addSql(`alter table tenants drop column if exists config_placement_applications_open;`);
  }
}
