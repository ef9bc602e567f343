import { executeRows } from '../db/prepared-statements';
import DataLoader from 'dataloader';
import type { TenantContext } from '../auth/context';
import { lightFind } from '../shared/light-entities';
import { byId, groupBy, pagesLoader } from '../shared/loaders';
import { paginateMany, sql, type PageArgs } from '../shared/pagination';
import { lightMap } from '../shared/light-entities';
import { Child } from './child.entity';
import { Family } from './family.entity';

/** Per-unit batch loaders of the families domain: one query per level of a nested query. */
export function createFamilyLoaders(ctx: TenantContext) {
  const { em } = ctx;
  return {
    /** Each school's (or crèche's) children by name: the roll for walk-ins. */
    childPagesBySchoolId: pagesLoader<PageArgs, Child>((schoolIds, args) =>
      paginateMany(
        em,
        {
          entity: Child,
          table: 'children',
          tenantId: ctx.tenant.id,
          orderBy: ['last_name', 'first_name', 'id'],
          direction: 'asc',
          where: [sql('t.archived_at is null and t.merged_into_id is null')],
        },
        'school_id',
        schoolIds,
        args,
      ),
    ),
    familyById: new DataLoader<string, Family | null>(async (ids) =>
      byId(ids, await lightFind<Family>(em, Family, { tenantId: ctx.tenant.id, column: 'id', values: ids })),
    ),
    /**
     * Each household's live children (archived and merged records left out), eldest first: its own
     * and, in shared custody, those it shares with another household.
     */
    childrenByFamilyId: new DataLoader<string, Child[]>(async (familyIds) => {
      const rows = await executeRows<Record<string, unknown> & { _household: string }>(
        em,
        // From the households' children to their rows by primary key (lateral): one index probe
        // per child whatever the planner's statistics say of the tenant's other children.
        `select t.*, h.household as _household from (
           select id as child_id, family_id as household from children
           where tenant_id = ? and family_id = any(array(select value::uuid from json_array_elements_text(?::json)))
           union all
           select child_id, family_id from child_households
           where tenant_id = ? and family_id = any(array(select value::uuid from json_array_elements_text(?::json)))
         ) h cross join lateral (
           select * from children c
           where c.tenant_id = ? and c.id = h.child_id and c.archived_at is null and c.merged_into_id is null
           offset 0 -- a fence: kept as a probe per child, never flattened into a join the planner reorders
         ) t
         order by t.birth_date, t.id`,
        [ctx.tenant.id, JSON.stringify(familyIds), ctx.tenant.id, JSON.stringify(familyIds), ctx.tenant.id],
      );
      const children = rows.map((row) => ({
        household: row._household,
        child: lightMap<Child>(em, Child, row),
      }));
      return groupBy(familyIds, children, (c) => c.household).map((list) => list.map((c) => c.child));
    }),
    /** Every household of each child: its own first, then the others (shared custody). */
    householdsByChildId: new DataLoader<string, string[]>(async (childIds) => {
      const rows = await em.execute<{ child_id: string; family_id: string }[]>(
        `select id as child_id, family_id, 0 as o, null::timestamptz as at from children
         where tenant_id = ? and id = any(array(select value::uuid from json_array_elements_text(?::json)))
         union all
         select child_id, family_id, 1, created_at from child_households
         where tenant_id = ? and child_id = any(array(select value::uuid from json_array_elements_text(?::json)))
         order by o, at`,
        [ctx.tenant.id, JSON.stringify(childIds), ctx.tenant.id, JSON.stringify(childIds)],
        'all',
        em.getLoggerContext(),
      );
      return groupBy(childIds, rows, (r) => r.child_id).map((list) => list.map((r) => r.family_id));
    }),
    childById: new DataLoader<string, Child | null>(async (ids) =>
      byId(ids, await lightFind<Child>(em, Child, { tenantId: ctx.tenant.id, column: 'id', values: ids })),
    ),
  };
}

declare module '../graphql/context' {
  interface Loaders extends ReturnType<typeof createFamilyLoaders> {}
}
