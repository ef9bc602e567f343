import { Migration } from '@mikro-orm/migrations';

/**
 * Who may attend what, held by PostgreSQL where it is about concurrency:
 * - each service says whom it takes: its `audience` (the school's pupils for canteens and
 *   périscolaire, children not yet at school for crèches, anyone) and an age range in months
 *   (inclusive minimum, exclusive maximum), by default from its kind;
 * - one child cannot hold two live reservations whose hours overlap (the same date and period,
 *   or a full day and a lunch): each reservation carries its session's local time `slot`, filled
 *   by a trigger from the session, and an exclusion constraint refuses an overlap whatever the
 *   concurrency (two portals booking two canteens at the same instant).
 * - a service's outage notice is its own, beside the tenant's.
 */
export class Migration20261130040000Eligibility extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists btree_gist;`);
    this.addSql(`alter table services
      add column audience varchar(16) not null default 'ANY'
        check (audience in ('ANY', 'SCHOOL_PUPILS', 'PRE_SCHOOL')),
      add column min_age_months int null check (min_age_months >= 0),
      add column max_age_months int null check (max_age_months > 0),
      add column public_notice text null,
      add constraint services_age_range check (min_age_months is null or max_age_months is null
        or min_age_months < max_age_months);`);
    this.addSql(`update services set
      audience = case kind when 'CANTEEN' then 'SCHOOL_PUPILS' when 'PERISCHOOL' then 'SCHOOL_PUPILS'
                           when 'NURSERY' then 'PRE_SCHOOL' else 'ANY' end,
      min_age_months = case kind when 'NURSERY' then 2 when 'LEISURE_CENTRE' then 36 else null end,
      max_age_months = case kind when 'NURSERY' then 48 when 'LEISURE_CENTRE' then 156
                                 when 'CHILDCARE_PLACE' then 72 else null end;`);

    // The local hours of a period: what "overlapping" means for a child's day.
    this.addSql(`create function guichet_period_hours(period session_period) returns tsrange
      language sql immutable parallel safe as $$
        select case period
          when 'MORNING' then tsrange('2000-01-01 07:30', '2000-01-01 08:30')
          when 'LUNCH' then tsrange('2000-01-01 11:30', '2000-01-01 13:30')
          when 'AFTERNOON' then tsrange('2000-01-01 13:30', '2000-01-01 16:30')
          when 'EVENING' then tsrange('2000-01-01 16:30', '2000-01-01 18:30')
          when 'FULL_DAY' then tsrange('2000-01-01 07:30', '2000-01-01 18:30')
        end
      $$;`);
    this.addSql(`create function guichet_session_slot(day date, period session_period) returns tsrange
      language sql immutable parallel safe as $$
        select tsrange(day + (lower(h) - '2000-01-01'::timestamp), day + (upper(h) - '2000-01-01'::timestamp))
        from guichet_period_hours(period) h
      $$;`);
    this.addSql(`alter table reservations add column slot tsrange null;`);
    this.addSql(`update reservations r set slot = guichet_session_slot(s.date, s.period)
      from sessions s where s.tenant_id = r.tenant_id and s.id = r.session_id;`);
    this.addSql(`alter table reservations alter column slot set not null;`);
    this.addSql(`create function guichet_reservation_slot() returns trigger language plpgsql as $$
      begin
        select guichet_session_slot(s.date, s.period) into new.slot
        from sessions s where s.tenant_id = new.tenant_id and s.id = new.session_id;
        return new;
      end $$;`);
    this.addSql(`create trigger reservations_slot before insert or update of session_id on reservations
      for each row execute function guichet_reservation_slot();`);
    this.addSql(`alter table reservations add constraint reservations_no_overlap
      exclude using gist (tenant_id with =, child_id with =, slot with &&) where (status <> 'CANCELLED');`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table reservations drop constraint reservations_no_overlap;`);
    this.addSql(`drop trigger reservations_slot on reservations;`);
    this.addSql(`drop function guichet_reservation_slot();`);
    this.addSql(`alter table reservations drop column slot;`);
    this.addSql(`drop function guichet_session_slot(date, session_period);`);
    this.addSql(`drop function guichet_period_hours(session_period);`);
    this.addSql(`alter table services drop constraint services_age_range, drop column audience,
      drop column min_age_months, drop column max_age_months, drop column public_notice;`);
  }
}
