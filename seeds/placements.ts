import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays } from '../src/shared/dates';

/**
 * Childcare places for a tenant with crèches or CPEs (docs/placements.md), set-based:
 * - three age groups per facility (INFANT 0–18 months, TODDLER 18–36, PRESCHOOL 36–72), each a third
 *   of its capacity; the children the seed placed there (`children.school_id`) hold placements,
 *   counted in the groups' counters;
 * - the commission's published criteria, worth points;
 * - applications of the children under five without a place, registered over the last two years,
 *   each listing two to four facilities, a third with a verified criterion;
 * - with `temporaryCentre` (Québec): a temporary centre, open three more months, holding urgent
 *   places given during the outage, each with its reason.
 */
export async function seedPlacements(
  tx: EntityManager,
  tenantId: string,
  today: string,
  now: Date,
  options: { criteria: [string, string, number][]; temporaryCentre?: string },
): Promise<void> {
  const run = (sql: string, params: unknown[]) => tx.execute(sql, params);
  await run(
    `insert into facility_age_groups (id, tenant_id, facility_id, age_group, min_months, max_months, capacity)
     select gen_random_uuid(), f.tenant_id, f.id, g.age_group::placement_age_group, g.lo, g.hi, greatest(1, f.capacity / 3)
     from facilities f cross join (values ('INFANT', 0, 18), ('TODDLER', 18, 36), ('PRESCHOOL', 36, 72)) as g(age_group, lo, hi)
     where f.tenant_id = ? and f.kind in ('CHILDCARE_CENTRE', 'NURSERY')`,
    [tenantId],
  );
  for (const [code, label, points] of options.criteria) {
    await run(
      `insert into admission_criteria (id, tenant_id, code, label, points) values (gen_random_uuid(), ?, ?, ?, ?)`,
      [tenantId, code, label, points],
    );
  }
  // The children already in a crèche or CPE hold a placement in their age group.
  await run(
    `with placed as (
       select c.id as child_id, c.family_id, c.school_id as facility_id, g.age_group,
              (?::date - (abs(hashtext(c.id::text || 'since')) % 500))::date as start_date,
              -- Until the child leaves the age group (the placements' default end).
              (c.birth_date + make_interval(months => g.max_months))::date - 1 as end_date
       from children c
       join facilities f on f.tenant_id = c.tenant_id and f.id = c.school_id and f.kind in ('CHILDCARE_CENTRE', 'NURSERY')
       join facility_age_groups g on g.tenant_id = c.tenant_id and g.facility_id = f.id
         and (extract(year from age(?::date, c.birth_date)) * 12 + extract(month from age(?::date, c.birth_date)))
             between g.min_months and g.max_months - 1
       where c.tenant_id = ?
     ), counted as (
       update facility_age_groups g set capacity = greatest(g.capacity, n.n), places_taken = n.n
       from (select facility_id, age_group, count(*)::int as n from placed group by 1, 2) n
       where g.tenant_id = ? and g.facility_id = n.facility_id and g.age_group = n.age_group
     )
     insert into placements (id, tenant_id, child_id, family_id, facility_id, age_group, start_date, end_date,
       days_per_week, full_time, created_by, created_at)
     select gen_random_uuid(), ?, child_id, family_id, facility_id, age_group, start_date, greatest(start_date, end_date),
       5, true, 'seed', ?
     from placed`,
    [today, today, today, tenantId, tenantId, tenantId, now],
  );
  // The others under five wait: one application each, registered over the last two years.
  await run(
    `insert into placement_applications (id, tenant_id, child_id, family_id, desired_start_date, days_per_week, full_time,
       registered_at, channel, created_by, updated_at)
     select gen_random_uuid(), c.tenant_id, c.id, c.family_id,
       greatest(?::date, c.birth_date + 365)::date + (abs(hashtext(c.id::text || 'start')) % 120),
       3 + abs(hashtext(c.id::text || 'days')) % 3, abs(hashtext(c.id::text || 'full')) % 4 <> 0,
       ?::timestamptz - make_interval(mins => abs(hashtext(c.id::text || 'reg')) % (730 * 24 * 60)), 'ONLINE', 'seed', ?
     from children c
     where c.tenant_id = ? and c.birth_date > ?::date - interval '5 years' and c.school_id is null`,
    [today, now, now, tenantId, today],
  );
  await run(
    `insert into placement_preferences (tenant_id, application_id, preference, facility_id)
     select a.tenant_id, a.id, row_number() over (partition by a.id order by hashtext(a.id::text || f.id::text)),  f.id
     from placement_applications a
     join facilities f on f.tenant_id = a.tenant_id and f.kind in ('CHILDCARE_CENTRE', 'NURSERY') and f.ends_on is null
     where a.tenant_id = ? and abs(hashtext(a.id::text || f.id::text)) % 8 < 3`,
    [tenantId],
  );
  await run(`delete from placement_preferences p where p.tenant_id = ? and p.preference > 4`, [tenantId]);
  await run(
    `insert into application_criteria (tenant_id, application_id, code, document_ref, status, verified_by, verified_at)
     select a.tenant_id, a.id, (array_agg(k.code order by k.code))[1 + abs(hashtext(a.id::text)) % count(*)::int],
       'PJ-' || left(a.id::text, 8), 'VERIFIED', 'seed', a.registered_at + interval '3 days'
     from placement_applications a cross join admission_criteria k
     where a.tenant_id = ? and k.tenant_id = a.tenant_id and abs(hashtext(a.id::text || 'crit')) % 3 = 0
     group by a.tenant_id, a.id, a.registered_at`,
    [tenantId],
  );
  if (!options.temporaryCentre) return;
  const [centre] = await tx.execute<{ id: string }[]>(
    `insert into facilities (id, tenant_id, name, kind, capacity, ends_on)
     values (gen_random_uuid(), ?, ?, 'CHILDCARE_CENTRE', 24, ?) returning id`,
    [tenantId, options.temporaryCentre, addDays(today, 90)],
  );
  await run(
    `insert into facility_age_groups (id, tenant_id, facility_id, age_group, min_months, max_months, capacity)
     values (gen_random_uuid(), ?, ?, 'TODDLER', 0, 72, 24)`,
    [tenantId, centre.id],
  );
  // Six urgent places given by hand during the outage, each with who and why.
  await run(
    `with urgent as (
       select a.child_id, a.family_id, row_number() over (order by a.registered_at desc) as n
       from placement_applications a where a.tenant_id = ? order by a.registered_at desc limit 6
     ), given as (
       insert into placements (id, tenant_id, child_id, family_id, facility_id, age_group, start_date, end_date,
         days_per_week, full_time, urgent, urgent_reason, created_by, created_at)
       select gen_random_uuid(), ?, child_id, family_id, ?, 'TODDLER', ?::date - (n * 3)::int, ?::date, 5, true, true,
         (array['Retour au travail imprévu, parent seul', 'Signalement des services sociaux',
                'Entrée en formation qualifiante', 'Hospitalisation d''un parent'])[1 + n % 4],
         'seed:coordination-urgence', ?
       from urgent returning id, child_id, family_id, facility_id, age_group, start_date, end_date, urgent_reason
     ), audited as (
       -- Given by hand during the outage, recorded as the API records one: who, for whom, why.
       insert into audit_events (id, tenant_id, actor, actor_roles, action, family_id, subject_id, details, created_at)
       select gen_random_uuid(), ?, 'seed:coordination-urgence', '{TENANT_ADMIN}', 'URGENT_PLACE_ALLOCATED', family_id, id,
         jsonb_build_object('childId', child_id, 'facilityId', facility_id, 'ageGroup', age_group,
           'startDate', start_date, 'endDate', end_date, 'reason', urgent_reason, 'temporaryFacility', true), ?
       from given
     )
     update facility_age_groups set places_taken = (select count(*) from given)
     where tenant_id = ? and facility_id = ?`,
    [tenantId, tenantId, centre.id, today, addDays(today, 90), now, tenantId, now, tenantId, centre.id],
  );
}
