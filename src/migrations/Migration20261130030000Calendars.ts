import { Migration } from '@mikro-orm/migrations';

/**
 * Calendars that close services: a tenant names its school calendar (the French académie's zone),
 * a service says whether public holidays and school holidays close it — canteens and périscolaire
 * follow school days, leisure centres and crèches close on public holidays only, water never.
 * The demo tenants get theirs: Nîmes and Béziers (académie de Montpellier) zone C, Saint-Nazaire
 * (académie de Nantes) zone B.
 *
 * The closed days themselves live in `calendar_days`, reference data the API writes at each start
 * from its calendar sources (`src/calendars/`), so that PostgreSQL refuses a session on a day its
 * service is closed whoever inserts it (a seed, an import, an agent's tool).
 */
export class Migration20261130030000Calendars extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table tenants add column config_school_calendar varchar(8) null
      check (config_school_calendar in ('FR-A', 'FR-B', 'FR-C'));`);
    this.addSql(`update tenants set config_school_calendar = case slug
      when 'nimes' then 'FR-C' when 'beziers' then 'FR-C' when 'saint-nazaire' then 'FR-B' end;`);
    this.addSql(`alter table services
      add column closed_on_public_holidays boolean not null default true,
      add column closed_on_school_holidays boolean not null default false;`);
    this.addSql(`update services set closed_on_school_holidays = kind in ('CANTEEN', 'PERISCHOOL'),
      closed_on_public_holidays = kind <> 'WATER';`);

    // calendar: a public-holiday region ('FR', 'CA-QC') or a school calendar ('FR-C').
    this.addSql(`create table calendar_days (
      calendar varchar(16) not null,
      date date not null,
      kind varchar(16) not null check (kind in ('PUBLIC_HOLIDAY', 'SCHOOL_HOLIDAY')),
      name text not null,
      primary key (calendar, date, kind));`);
    this.addSql(`grant select on calendar_days to guichet_api;`);
    this.addSql(`create function guichet_session_open_day() returns trigger language plpgsql as $$
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
        if closure is not null then
          raise exception 'the service is closed on % (%)', new.date, closure
            using errcode = 'check_violation', constraint = 'sessions_open_day';
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger sessions_open_day before insert or update of date, service_id on sessions
      for each row execute function guichet_session_open_day();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger sessions_open_day on sessions;`);
    this.addSql(`drop function guichet_session_open_day();`);
    this.addSql(`drop table calendar_days;`);
    this.addSql(
      `alter table services drop column closed_on_public_holidays, drop column closed_on_school_holidays;`,
    );
    this.addSql(`alter table tenants drop column config_school_calendar;`);
  }
}
