import type { TenantContext } from '../auth/context';
import { render, tenantLanguage, type Message } from '../shared/i18n';
import { Notification, NotificationKind } from './notification.entity';

export { NotificationKind };

/**
 * Writes one line of a family's notification log, in the transaction of the event it tells about
 * (flushed with the unit of work): the family hears of what happened, and of nothing that did not.
 * The message is kept as a catalogue key (each reader gets it in their language) and as text in
 * the tenant's language.
 */
export function notify(
  ctx: TenantContext,
  event: {
    familyId: string;
    kind: NotificationKind;
    message: Message;
    childId?: string | null;
    sessionId?: string | null;
    waitlistEntryId?: string | null;
    data?: Record<string, unknown>;
  },
): Notification {
  return ctx.em.create(Notification, {
    tenantId: ctx.tenant.id,
    familyId: event.familyId,
    kind: event.kind,
    message: render(event.message, tenantLanguage(ctx.tenant)),
    content: event.message,
    childId: event.childId ?? null,
    sessionId: event.sessionId ?? null,
    waitlistEntryId: event.waitlistEntryId ?? null,
    data: event.data ?? {},
    createdAt: ctx.now(),
    readAt: null,
  });
}

/** Marks a family's notifications read (the ones named, or all); returns how many changed. */
export async function markRead(ctx: TenantContext, familyId: string, ids: string[] | null): Promise<number> {
  const rows = await ctx.em.execute<{ id: string }[]>(
    `update notifications set read_at = ? where tenant_id = ? and family_id = ? and read_at is null
       and (?::json is null or id = any(array(select value::uuid from json_array_elements_text(?::json))))
     returning id`,
    [ctx.now(), ctx.tenant.id, familyId, ids && JSON.stringify(ids), ids && JSON.stringify(ids)],
    'all',
    ctx.em.getLoggerContext(),
  );
  return rows.length;
}
