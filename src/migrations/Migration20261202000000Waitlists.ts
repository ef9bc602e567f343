import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

export const WAITLIST_TABLES = ['waitlist_entries', 'notifications'];

/**
 * Waitlists for full sessions (docs/waitlists.md):
 * - each tenant says how its waitlists are ordered (`FIFO` or `PRIORITY_THEN_FIFO` with its
 *   priority criteria worth points) and what a freed place does (`AUTO_BOOK` a reservation, or
 *   `OFFER` it, held for a number of hours); each service may override them;
 * - `waitlist_entries`: one live entry (WAITING or OFFERED) per child and session, held by a
 *   unique index whatever the concurrency. A held offer counts in `sessions.places_taken`, so the
 *   sessions' CHECK holds capacity for offers as it does for reservations;
 * - `waitlist_queue`: the one ordering of a session's waiting entries (rank, count), as a view
 *   that runs with the caller's rights (row-level security applies);
 * - `notifications`: the per-family log of what a family must hear about;
 * - reservations made from the list carry the channel `WAITLIST`;
 * - offers expire on the job queue (graphile-worker): the API schedules the expiry job in the
 *   transaction that makes the offer, through a tenant-bound SECURITY DEFINER function, so the
 *   API role never touches the queue's tables.
 */
export class Migration20261202000000Waitlists extends Migration {
  override async up(): Promise<void> {
    // Not used in this transaction (PostgreSQL refuses a value added in the same one).
    this.addSql(`alter type reservation_channel add value if not exists 'WAITLIST';`);
    this.addSql(
      `create type waitlist_status as enum ('WAITING', 'OFFERED', 'PROMOTED', 'DECLINED', 'EXPIRED', 'LEFT');`,
    );
    this.addSql(`alter table tenants
      add column config_waitlist_ordering varchar(24) not null default 'FIFO'
        check (config_waitlist_ordering in ('FIFO', 'PRIORITY_THEN_FIFO')),
      add column config_waitlist_promotion varchar(16) not null default 'AUTO_BOOK'
        check (config_waitlist_promotion in ('AUTO_BOOK', 'OFFER')),
      add column config_waitlist_criteria jsonb not null default '[]'
        check (jsonb_typeof(config_waitlist_criteria) = 'array');`);
    this.addSql(`alter table services
      add column waitlist_ordering varchar(24) null
        check (waitlist_ordering in ('FIFO', 'PRIORITY_THEN_FIFO')),
      add column waitlist_promotion varchar(16) null check (waitlist_promotion in ('AUTO_BOOK', 'OFFER')),
      add column waitlist_offer_hours int null check (waitlist_offer_hours > 0);`);
    // A late cancellation keeps its place (it is paid for) unless someone waits for it: then the
    // place passes to the waitlist, and the reservation says when it let it go.
    this.addSql(`alter table reservations add column place_released_at timestamptz null;`);
    // Families an agent marked for social priority (a social-services request).
    this.addSql(`alter table families add column social_priority boolean not null default false;`);

    this.addSql(`
      create table waitlist_entries (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        session_id uuid not null,
        child_id uuid not null,
        family_id uuid not null,
        status waitlist_status not null default 'WAITING',
        -- What orders PRIORITY_THEN_FIFO lists: the criteria's points plus an agent's adjustment.
        priority_points int not null default 0,
        criteria jsonb not null default '[]' check (jsonb_typeof(criteria) = 'array'),
        manual_points int not null default 0,
        manual_reason text null,
        joined_at timestamptz not null,
        channel reservation_channel not null,
        created_by varchar(255) not null,
        offered_at timestamptz null,
        offer_expires_at timestamptz null,
        reservation_id uuid null,
        closed_at timestamptz null,
        closed_reason varchar(32) null,
        updated_at timestamptz not null,
        unique (tenant_id, id),
        foreign key (tenant_id, session_id) references sessions (tenant_id, id),
        foreign key (tenant_id, child_id) references children (tenant_id, id),
        foreign key (tenant_id, family_id) references families (tenant_id, id),
        foreign key (tenant_id, reservation_id) references reservations (tenant_id, id),
        constraint waitlist_offer_has_deadline check (status <> 'OFFERED' or offer_expires_at is not null),
        constraint waitlist_promoted_has_reservation check (status <> 'PROMOTED' or reservation_id is not null)
      );`);
    // One live entry per child and session, whatever the concurrency.
    this
      .addSql(`create unique index waitlist_entries_one_live on waitlist_entries (tenant_id, session_id, child_id)
      where status in ('WAITING', 'OFFERED');`);
    this.addSql(`create index waitlist_entries_queue_idx on waitlist_entries
      (tenant_id, session_id, priority_points desc, joined_at, id) where status = 'WAITING';`);
    this.addSql(
      `create index waitlist_entries_family_idx on waitlist_entries (tenant_id, family_id, joined_at);`,
    );
    this.addSql(
      `create index waitlist_entries_session_idx on waitlist_entries (tenant_id, session_id, status);`,
    );

    // The ordering of src/waitlists/ordering.ts, in SQL: points first where the service orders by
    // priority, then the instant joined, then the id. Row-level security applies (security_invoker).
    this.addSql(`create view waitlist_queue with (security_invoker = true) as
      select e.tenant_id, e.session_id, e.id,
        row_number() over w as rank,
        count(*) over (partition by e.tenant_id, e.session_id) as waiting_count
      from waitlist_entries e
      join sessions s on s.tenant_id = e.tenant_id and s.id = e.session_id
      join services v on v.tenant_id = s.tenant_id and v.id = s.service_id
      join tenants t on t.id = e.tenant_id
      where e.status = 'WAITING'
      window w as (partition by e.tenant_id, e.session_id order by
        case when coalesce(v.waitlist_ordering, t.config_waitlist_ordering) = 'PRIORITY_THEN_FIFO'
             then e.priority_points else 0 end desc, e.joined_at, e.id);`);

    this.addSql(`
      create table notifications (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        family_id uuid not null,
        kind varchar(40) not null,
        message text not null,
        child_id uuid null,
        session_id uuid null,
        waitlist_entry_id uuid null,
        data jsonb not null default '{}',
        created_at timestamptz not null,
        read_at timestamptz null,
        unique (tenant_id, id),
        foreign key (tenant_id, family_id) references families (tenant_id, id)
      );`);
    this.addSql(
      `create index notifications_family_idx on notifications (tenant_id, family_id, created_at, id);`,
    );

    for (const table of WAITLIST_TABLES) {
      for (const sql of tenantIsolation(table)) this.addSql(sql);
    }
    this.addSql(`grant select, insert, update on waitlist_entries to guichet_api;`);
    this.addSql(`grant select on waitlist_queue to guichet_api;`);
    this.addSql(`grant select, insert, update (read_at) on notifications to guichet_api;`);

    // Schedules (or reschedules) the expiry of an offer of the caller's tenant at its deadline, and
    // a reminder before it: jobs keyed by the entry, so scheduling again replaces them.
    this.addSql(`create function guichet_schedule_offer_expiry(p_entry_id uuid, p_reminder_at timestamptz)
      returns void language plpgsql security definer set search_path = pg_catalog, public as $$
      declare
        v_tenant uuid := guichet_current_tenant();
        v_expires timestamptz;
      begin
        select offer_expires_at into v_expires from waitlist_entries
         where tenant_id = v_tenant and id = p_entry_id and status = 'OFFERED';
        if v_expires is null then
          raise exception 'no offer % in this tenant', p_entry_id using errcode = 'P0002';
        end if;
        perform graphile_worker.add_job('waitlist_offer_expiry',
          json_build_object('tenantId', v_tenant, 'entryId', p_entry_id),
          run_at := v_expires, max_attempts := 25, job_key := 'waitlist-offer:' || p_entry_id);
        if p_reminder_at is not null then
          perform graphile_worker.add_job('waitlist_offer_reminder',
            json_build_object('tenantId', v_tenant, 'entryId', p_entry_id),
            run_at := p_reminder_at, max_attempts := 5, job_key := 'waitlist-offer-reminder:' || p_entry_id);
        end if;
      end $$;`);
    this.addSql(`revoke all on function guichet_schedule_offer_expiry(uuid, timestamptz) from public;`);
    this.addSql(`grant execute on function guichet_schedule_offer_expiry(uuid, timestamptz) to guichet_api;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists guichet_schedule_offer_expiry(uuid, timestamptz);`);
    this.addSql(`drop view if exists waitlist_queue;`);
    this.addSql(`drop table if exists notifications, waitlist_entries cascade;`);
    this.addSql(`alter table families drop column if exists social_priority;`);
    this.addSql(`alter table reservations drop column if exists place_released_at;`);
    this.addSql(`alter table services drop column if exists waitlist_ordering,
      drop column if exists waitlist_promotion, drop column if exists waitlist_offer_hours;`);
    this.addSql(`alter table tenants drop column if exists config_waitlist_ordering,
      drop column if exists config_waitlist_promotion, drop column if exists config_waitlist_criteria;`);
    this.addSql(`drop type if exists waitlist_status;`);
  }
}
