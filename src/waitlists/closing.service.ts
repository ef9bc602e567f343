import { DateTime } from 'luxon';
import type { TenantContext } from '../auth/context';

/**
 * Entries of sessions that have passed (before today in the tenant's time zone) close by
 * themselves: EXPIRED with the reason SESSION_PASSED; an offer still held gives its place back.
 * Set-based, in one transaction per tenant. Returns how many closed.
 */
export async function closePastEntries(ctx: TenantContext): Promise<number> {
  const today = DateTime.fromJSDate(ctx.now(), { zone: ctx.tenant.timeZone }).toISODate()!;
  const rows = await ctx.em.execute<{ n: number }[]>(
    `with past as (
       select s.id from sessions s where s.tenant_id = ? and s.date < ?::date
         and exists (select 1 from waitlist_entries e where e.tenant_id = s.tenant_id and e.session_id = s.id
                     and e.status in ('WAITING', 'OFFERED'))
       order by s.id for no key update
     ), closing as (
       select e.id, e.session_id, e.status as was from waitlist_entries e join past on past.id = e.session_id
       where e.tenant_id = ? and e.status in ('WAITING', 'OFFERED')
     ), closed as (
       update waitlist_entries e set status = 'EXPIRED', closed_at = ?, closed_reason = 'SESSION_PASSED', updated_at = ?
       from closing c where e.tenant_id = ? and e.id = c.id returning e.id
     ), given_back as (
       update sessions s set places_taken = s.places_taken - held.n
       from (select session_id, count(*) as n from closing where was = 'OFFERED' group by session_id) held
       where s.tenant_id = ? and s.id = held.session_id
     )
     select count(*)::int as n from closed`,
    [ctx.tenant.id, today, ctx.tenant.id, ctx.now(), ctx.now(), ctx.tenant.id, ctx.tenant.id],
    'all',
    ctx.em.getLoggerContext(),
  );
  return rows[0].n;
}
