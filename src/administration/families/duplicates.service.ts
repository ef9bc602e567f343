import type { TenantContext } from '../../auth/context';

export enum DuplicateReason {
  SAME_EMAIL = 'SAME_EMAIL',
  SAME_PHONE = 'SAME_PHONE',
  SAME_NAME_AND_BIRTH_DATE = 'SAME_NAME_AND_BIRTH_DATE',
}

export interface DuplicateGroup {
  reason: DuplicateReason;
  /** What they share: the email, the phone's digits, or the normalised name and birth date. */
  value: string;
  ids: string[];
}

/**
 * Likely duplicate households of the tenant (the usual result of a migration from older
 * software): live families sharing a guardian's email (whatever the case) or phone (its last nine
 * digits, so that 06 12… and +33 6 12… match). Computed in one statement; largest groups first.
 */
export async function familyDuplicates(ctx: TenantContext, first: number): Promise<DuplicateGroup[]> {
  const rows = await ctx.em.execute<{ reason: DuplicateReason; value: string; ids: string[] }[]>(
    `with contacts as (
       select f.id, lower(g->>'email') as email,
         nullif(right(regexp_replace(coalesce(g->>'phone', ''), '\\D', '', 'g'), 9), '') as phone
       from families f, jsonb_array_elements(f.guardians) g
       where f.tenant_id = ? and f.archived_at is null and f.merged_into_id is null
     )
     select * from (
     select 'SAME_EMAIL' as reason, email as value, array_agg(distinct id order by id) as ids
       from contacts where email is not null group by email having count(distinct id) > 1
     union all
     select 'SAME_PHONE', phone, array_agg(distinct id order by id)
       from contacts where length(phone) = 9 group by phone having count(distinct id) > 1
     ) d order by cardinality(ids) desc, reason, value limit ?`,
    [ctx.tenant.id, first],
    'all',
    ctx.em.getLoggerContext(),
  );
  return rows;
}

/**
 * Likely duplicate children: live children with the same names (normalised: case, accents,
 * hyphens) and birth date, in one family or across families.
 */
export async function childDuplicates(ctx: TenantContext, first: number): Promise<DuplicateGroup[]> {
  return ctx.em.execute<DuplicateGroup[]>(
    `select 'SAME_NAME_AND_BIRTH_DATE' as reason,
       guichet_normalize(first_name || ' ' || last_name) || ' ' || to_char(birth_date, 'YYYY-MM-DD') as value,
       array_agg(id order by id) as ids
     from children where tenant_id = ? and archived_at is null and merged_into_id is null
     group by guichet_normalize(first_name || ' ' || last_name), birth_date having count(*) > 1
     order by count(*) desc, 2 limit ?`,
    [ctx.tenant.id, first],
    'all',
    ctx.em.getLoggerContext(),
  );
}
