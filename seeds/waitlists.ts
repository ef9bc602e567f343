import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays } from '../src/shared/dates';

/**
 * A believable waitlist on the tenant's next `sessions` bookable leisure-centre days (booking still
 * open, from four days ahead): the session booked full by school children, then `waiting`
 * children on its list, joined over the days since booking opened — the ones with a brother or
 * sister booked that day, or from a family marked for social priority (one in fifteen), carry the
 * tenant's criteria and their points. Set-based: two statements per tenant.
 */
export async function seedFullSessionsWithWaitlists(
  tx: EntityManager,
  tenantId: string,
  today: string,
  now: Date,
  options: { sessions: number; waiting: number },
): Promise<void> {
  await tx.execute(
    `update families set social_priority = true where tenant_id = ? and abs(hashtext(id::text || 'social')) % 15 = 0`,
    [tenantId],
  );
  await tx.execute(
    `with target as (
       select s.tenant_id, s.id as session_id, s.date, s.capacity - s.places_taken as free
       from sessions s join services v on v.tenant_id = s.tenant_id and v.id = s.service_id
       where s.tenant_id = ? and v.kind = 'LEISURE_CENTRE' and s.date >= ?::date and s.date <= ?::date
       order by s.date, s.id limit ?
     ), candidate as (
       select tg.*, c.id as child_id, c.family_id,
              row_number() over (partition by tg.session_id order by hashtext(c.id::text || tg.date::text || 'wl')) as n
       from target tg
       join children c on c.tenant_id = tg.tenant_id
       join facilities sch on sch.tenant_id = c.tenant_id and sch.id = c.school_id and sch.kind = 'SCHOOL'
       where c.birth_date between tg.date - interval '12 years' and tg.date - interval '4 years'
         -- Not the family the token command picks by default: it has booked nothing ahead.
         and c.family_id <> (select f.id from families f where f.tenant_id = tg.tenant_id order by f.name, f.id limit 1)
         and not exists (select 1 from reservations r where r.tenant_id = tg.tenant_id and r.session_id = tg.session_id
                         and r.child_id = c.id)
     ), booked as (
       insert into reservations (id, tenant_id, session_id, child_id, family_id, status, channel, created_by, created_at, updated_at)
       select gen_random_uuid(), tenant_id, session_id, child_id, family_id, 'BOOKED', 'ONLINE', 'seed', now(), now()
       from candidate where n <= free
       returning session_id
     ), placed as (
       update sessions s set places_taken = s.places_taken + b.n
       from (select session_id, count(*)::int as n from booked group by session_id) b
       where s.tenant_id = ? and s.id = b.session_id
     )
     insert into waitlist_entries (id, tenant_id, session_id, child_id, family_id, status, priority_points, criteria,
       joined_at, channel, created_by, updated_at)
     select gen_random_uuid(), c.tenant_id, c.session_id, c.child_id, c.family_id, 'WAITING',
            coalesce((select sum((x->>'points')::int) from jsonb_array_elements(m.criteria) x), 0), m.criteria,
            ?::timestamptz - make_interval(mins => abs(hashtext(c.child_id::text)) % (60 * 24 * 6) + 30),
            case when c.n % 5 = 0 then 'COUNTER' else 'ONLINE' end::reservation_channel, 'seed', now()
     from candidate c
     join families f on f.tenant_id = c.tenant_id and f.id = c.family_id
     join tenants t on t.id = c.tenant_id
     cross join lateral (
       select coalesce(jsonb_agg(jsonb_build_object('kind', k->>'kind', 'label', k->>'label', 'points', (k->>'points')::int)), '[]') as criteria
       from jsonb_array_elements(t.config_waitlist_criteria) k
       where (k->>'kind' = 'SOCIAL_PRIORITY' and f.social_priority)
          or (k->>'kind' = 'RESIDENT' and k->'postalCodes' @> to_jsonb(f.postal_code))
          or (k->>'kind' = 'SIBLING_BOOKED' and exists (
                select 1 from candidate o where o.session_id = c.session_id and o.family_id = c.family_id
                  and o.child_id <> c.child_id and o.n <= o.free))
     ) m
     where c.n > c.free and c.n <= c.free + ?`,
    [tenantId, addDays(today, 4), addDays(today, 29), options.sessions, tenantId, now, options.waiting],
    'run',
    tx.getLoggerContext(),
  );
}
