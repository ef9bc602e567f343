import type { TenantContext } from '../auth/context';
import type { ReservationChannel } from '../shared/channels';
import { AuditEvent } from './audit-event.entity';

/** Records an action in the unit of work's transaction: it lands if and only if the action does. */
export function audit(
  ctx: TenantContext,
  event: {
    action: string;
    channel?: ReservationChannel;
    familyId?: string;
    subjectId?: string;
    details?: Record<string, unknown>;
  },
): AuditEvent {
  return ctx.em.create(AuditEvent, {
    tenantId: ctx.tenant.id,
    actor: ctx.viewer.subject ?? 'anonymous',
    actorRoles: ctx.viewer.roles.length ? ctx.viewer.roles : ctx.viewer.scopes,
    action: event.action,
    channel: event.channel ?? null,
    familyId: event.familyId ?? null,
    subjectId: event.subjectId ?? null,
    details: event.details ?? {},
    createdAt: ctx.now(),
  });
}
