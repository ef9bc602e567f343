import { Migration } from '@mikro-orm/migrations';

/**
 * Siblings together on a waitlist: entries that joined as one group (`group_id`, the same for the
 * children of one family joining one session together) are offered places all together or not
 * at all. The group takes the rank of its best-placed member (priority, then instant joined, then
 * id, as `src/waitlists/ordering.ts` orders), its members ranked one after the other; a freed
 * place too small for the whole group goes to the next entry and the group keeps its rank.
 * `waitlist_queue` gains `group_id` and `group_size` (its WAITING members) at the end of its columns.
 */
export class Migration20261203000000WaitlistGroups extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table waitlist_entries add column group_id uuid null;`);
    this.addSql(`create index waitlist_entries_group_idx on waitlist_entries (tenant_id, group_id)
      where group_id is not null;`);
    this.addSql(`create or replace view waitlist_queue with (security_invoker = true) as
      select u.tenant_id, u.session_id, u.id,
        row_number() over (partition by u.tenant_id, u.session_id
          order by u.unit_points desc, u.unit_joined_at, u.unit_id, u.points desc, u.joined_at, u.id) as rank,
        count(*) over (partition by u.tenant_id, u.session_id) as waiting_count,
        u.group_id,
        count(*) over (partition by u.tenant_id, u.session_id, u.unit) as group_size
      from (
        select k.*,
          first_value(k.points) over unit as unit_points,
          first_value(k.joined_at) over unit as unit_joined_at,
          first_value(k.id) over unit as unit_id
        from (
          select e.tenant_id, e.session_id, e.id, e.joined_at, e.group_id,
            coalesce(e.group_id, e.id) as unit,
            case when coalesce(v.waitlist_ordering, t.config_waitlist_ordering) = 'PRIORITY_THEN_FIFO'
                 then e.priority_points else 0 end as points
          from waitlist_entries e
          join sessions s on s.tenant_id = e.tenant_id and s.id = e.session_id
          join services v on v.tenant_id = s.tenant_id and v.id = s.service_id
          join tenants t on t.id = e.tenant_id
          where e.status = 'WAITING'
        ) k
        window unit as (partition by k.tenant_id, k.session_id, k.unit order by k.points desc, k.joined_at, k.id)
      ) u;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop view waitlist_queue;`);
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
    this.addSql(`alter table waitlist_entries drop column group_id;`);
  }
}
