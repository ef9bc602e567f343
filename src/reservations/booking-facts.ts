import type { TenantContext } from '../auth/context';
import { Service } from '../facilities/service.entity';
import type { Child } from '../families/child.entity';
import { childFacts } from '../families/families.service';
import { Session } from '../sessions/session.entity';
import type { BookingFacts } from './booking-status';

/**
 * What deciding one child's booking on each of `sessionIds` needs, in four queries whatever
 * their number: the sessions, their services, the child's live reservations on them, and the
 * child's live reservations elsewhere at overlapping hours (`reservations.slot`, the hours
 * PostgreSQL also holds with an exclusion constraint). Sessions that do not exist are absent.
 */
export async function loadBookingFacts(
  ctx: TenantContext,
  child: Child,
  sessionIds: string[],
): Promise<Map<string, BookingFacts>> {
  const ids = [...new Set(sessionIds)];
  if (ids.length === 0) return new Map();
  const json = JSON.stringify(ids);
  const [sessions, rows] = await Promise.all([
    ctx.em.find(Session, { id: { $in: ids } }),
    ctx.em.execute<{ session_id: string; booked: boolean; overlapping: string | null }[]>(
      `select s.id as session_id,
         exists (select 1 from reservations r where r.tenant_id = s.tenant_id and r.session_id = s.id
                 and r.child_id = ? and r.status <> 'CANCELLED') as booked,
         (select o.session_id from reservations o where o.tenant_id = s.tenant_id and o.child_id = ?
            and o.status <> 'CANCELLED' and o.session_id <> s.id
            and o.slot && guichet_session_slot(s.date, s.period)
          order by o.session_id limit 1) as overlapping
       from sessions s where s.tenant_id = ? and s.id in (select value::uuid from json_array_elements_text(?::json))`,
      [child.id, child.id, ctx.tenant.id, json],
      'all',
      ctx.em.getLoggerContext(),
    ),
  ]);
  const services = await ctx.em.find(Service, {
    id: { $in: [...new Set(sessions.map((s) => s.service.id))] },
  });
  const serviceById = new Map(services.map((s) => [s.id, s]));
  const rowBySession = new Map(rows.map((r) => [r.session_id, r]));
  const attendee = await childFacts(ctx, child);
  const now = ctx.now();
  const facts = new Map<string, BookingFacts>();
  for (const session of sessions) {
    const service = serviceById.get(session.service.id);
    const row = rowBySession.get(session.id);
    if (!service || !row) continue;
    facts.set(session.id, {
      viewer: ctx.viewer,
      tenant: ctx.tenant,
      service,
      session,
      child: attendee,
      now,
      alreadyBooked: row.booked,
      overlappingSessionId: row.overlapping,
    });
  }
  return facts;
}
