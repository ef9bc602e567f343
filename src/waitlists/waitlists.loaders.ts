import DataLoader from 'dataloader';
import type { TenantContext } from '../auth/context';
import { Notification } from '../notifications/notification.entity';
import { lightFind } from '../shared/light-entities';
import { byId, groupBy, pagesLoader } from '../shared/loaders';
import { paginateMany, sql, type Condition, type PageArgs } from '../shared/pagination';
import { WaitlistEntry } from './waitlist-entry.entity';

/** Where a waiting entry stands in its session's list. */
export interface Standing {
  /** 1 for the next to get a place; null when the entry is not WAITING. */
  rank: number | null;
  /** Entries WAITING on the session. */
  waitingCount: number;
  /** Entries ranked ahead that joined later: ahead by priority, not by arrival. */
  aheadByPriority: number | null;
}

/** A session's waitlist in figures (see WaitlistCounts). */
export interface WaitlistCounts {
  count: number;
  offered: number;
  promoted: number;
  declined: number;
  expired: number;
  left: number;
  medianMinutesToPlace: number | null;
}

/**
 * The figures of the entries matching `where` (on `e`, a join of `sessions s`), grouped by `key`:
 * statuses counted, and the median minutes from joining to a place (offered or booked).
 */
export async function waitlistCounts(
  ctx: TenantContext,
  key: string,
  where: string,
  params: unknown[],
): Promise<Map<string, WaitlistCounts>> {
  const rows = await ctx.em.execute<(Record<string, number | string | null> & { key: string })[]>(
    `select ${key} as key,
       count(*) filter (where e.status = 'WAITING')::int as count,
       count(*) filter (where e.status = 'OFFERED')::int as offered,
       count(*) filter (where e.status = 'PROMOTED')::int as promoted,
       count(*) filter (where e.status = 'DECLINED')::int as declined,
       count(*) filter (where e.status = 'EXPIRED')::int as expired,
       count(*) filter (where e.status = 'LEFT')::int as left,
       round(percentile_cont(0.5) within group (order by extract(epoch from
         coalesce(e.offered_at, case when e.status = 'PROMOTED' then e.closed_at end) - e.joined_at) / 60))::int
         as median
     from waitlist_entries e join sessions s on s.tenant_id = e.tenant_id and s.id = e.session_id
     where e.tenant_id = ? and (${where}) group by 1`,
    [ctx.tenant.id, ...params],
    'all',
    ctx.em.getLoggerContext(),
  );
  return new Map(
    rows.map((r) => [
      r.key,
      {
        count: Number(r.count),
        offered: Number(r.offered),
        promoted: Number(r.promoted),
        declined: Number(r.declined),
        expired: Number(r.expired),
        left: Number(r.left),
        medianMinutesToPlace: r.median === null ? null : Number(r.median),
      },
    ]),
  );
}

const NO_COUNTS: WaitlistCounts = {
  count: 0,
  offered: 0,
  promoted: 0,
  declined: 0,
  expired: 0,
  left: 0,
  medianMinutesToPlace: null,
};

/** Per-unit batch loaders of waitlist entries, their standing, and families' notifications. */
export function createWaitlistLoaders(ctx: TenantContext) {
  const { em } = ctx;
  return {
    waitlistEntryById: new DataLoader<string, WaitlistEntry | null>(async (ids) =>
      byId(
        ids,
        await lightFind<WaitlistEntry>(em, WaitlistEntry, {
          tenantId: ctx.tenant.id,
          column: 'id',
          values: ids,
        }),
      ),
    ),
    /** Each entry's standing, from its session's queue (`waitlist_queue`): one statement per batch. */
    waitlistStanding: new DataLoader<string, Standing>(async (entryIds) => {
      const rows = await em.execute<
        { entry: string | null; session_id: string; id: string | null; rank: string; joined_at: Date }[]
      >(
        `with asked as (
           select id, session_id from waitlist_entries
           where tenant_id = ? and id = any(array(select value::uuid from json_array_elements_text(?::json)))
         )
         select a.id as entry, a.session_id, q.id, q.rank, e.joined_at
         from asked a
         left join waitlist_queue q on q.tenant_id = ? and q.session_id = a.session_id
         left join waitlist_entries e on e.tenant_id = q.tenant_id and e.id = q.id`,
        [ctx.tenant.id, JSON.stringify(entryIds), ctx.tenant.id],
        'all',
        em.getLoggerContext(),
      );
      const queues = new Map<string, { id: string; rank: number; joinedAt: number }[]>();
      const sessionOf = new Map<string, string>();
      for (const row of rows) {
        sessionOf.set(row.entry!, row.session_id);
        if (!row.id) continue;
        const queue = queues.get(row.session_id) ?? [];
        if (!queue.some((q) => q.id === row.id)) {
          queue.push({ id: row.id, rank: Number(row.rank), joinedAt: new Date(row.joined_at).getTime() });
        }
        queues.set(row.session_id, queue);
      }
      return entryIds.map((entryId) => {
        const queue = queues.get(sessionOf.get(entryId) ?? '') ?? [];
        const mine = queue.find((q) => q.id === entryId);
        return {
          rank: mine ? mine.rank : null,
          waitingCount: queue.length,
          aheadByPriority: mine
            ? queue.filter((q) => q.rank < mine.rank && q.joinedAt > mine.joinedAt).length
            : null,
        };
      });
    }),
    /** Each session's live entries: offers first (they hold places), then the queue in rank order. */
    liveWaitlistBySessionId: new DataLoader<string, WaitlistEntry[]>(async (sessionIds) => {
      const rows = await lightFind<WaitlistEntry & { queue_rank?: number }>(em, WaitlistEntry, {
        tenantId: ctx.tenant.id,
        column: 'session_id',
        values: sessionIds,
        where: `t.status in ('WAITING', 'OFFERED')`,
        orderBy: `t.status desc, (select q.rank from waitlist_queue q where q.tenant_id = t.tenant_id
                   and q.session_id = t.session_id and q.id = t.id), t.offered_at, t.id`,
      });
      return groupBy(sessionIds, rows, (e) => e.session.id);
    }),
    waitlistCountsBySessionId: new DataLoader<string, WaitlistCounts>(async (sessionIds) => {
      const counts = await waitlistCounts(
        ctx,
        'e.session_id',
        `e.session_id = any(array(select value::uuid from json_array_elements_text(?::json)))`,
        [JSON.stringify(sessionIds)],
      );
      return sessionIds.map((id) => counts.get(id) ?? NO_COUNTS);
    }),
    /** Each sibling group's entries (children who joined one session together), by id. */
    waitlistEntriesByGroupId: new DataLoader<string, WaitlistEntry[]>(async (groupIds) =>
      groupBy(
        groupIds,
        await lightFind<WaitlistEntry>(em, WaitlistEntry, {
          tenantId: ctx.tenant.id,
          column: 'group_id',
          values: groupIds,
          orderBy: 't.id',
        }),
        (e) => e.groupId!,
      ),
    ),
    /** Each child's entries, newest first (the 50 latest). */
    waitlistEntriesByChildId: new DataLoader<string, WaitlistEntry[]>(async (childIds) =>
      groupBy(
        childIds,
        await lightFind<WaitlistEntry>(em, WaitlistEntry, {
          tenantId: ctx.tenant.id,
          column: 'child_id',
          values: childIds,
          orderBy: 't.joined_at desc, t.id',
        }),
        (e) => e.child.id,
      ).map((list) => list.slice(0, 50)),
    ),
    /** Each family's notifications, newest first. */
    notificationPagesByFamilyId: pagesLoader<PageArgs & { unreadOnly?: boolean | null }, Notification>(
      (familyIds, args) => {
        const where: Condition[] = [];
        if (args.unreadOnly) where.push(sql('t.read_at is null'));
        return paginateMany(
          em,
          {
            entity: Notification,
            table: 'notifications',
            tenantId: ctx.tenant.id,
            orderBy: ['created_at', 'id'],
            direction: 'desc',
            where,
          },
          'family_id',
          familyIds,
          args,
        );
      },
    ),
    unreadNotificationsByFamilyId: new DataLoader<string, number>(async (familyIds) => {
      const rows = await em.execute<{ family_id: string; n: number }[]>(
        `select family_id, count(*)::int as n from notifications where tenant_id = ? and read_at is null
           and family_id = any(array(select value::uuid from json_array_elements_text(?::json))) group by family_id`,
        [ctx.tenant.id, JSON.stringify(familyIds)],
        'all',
        em.getLoggerContext(),
      );
      return familyIds.map((id) => rows.find((r) => r.family_id === id)?.n ?? 0);
    }),
  };
}

declare module '../graphql/context' {
  interface Loaders extends ReturnType<typeof createWaitlistLoaders> {}
}
