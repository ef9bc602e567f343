import type { TenantContext } from '../auth/context';
import { audit } from '../audit/audit.service';
import { emitEvent, gid } from '../events/emit';
import { Service } from '../facilities/service.entity';
import { done, refuse, UserErrorCode, type Outcome } from '../shared/user-errors';
import type { OperatingMode } from '../tenants/tenant.entity';
import { msg } from '../shared/i18n';
import { tenantToChange } from '../tenants/tenants.service';

export interface SetOperatingModeInput {
  mode: OperatingMode | null;
  /** Set the mode of one service (null mode: back to the tenant's); the tenant's otherwise. */
  serviceId?: string | null;
  /**
   * The notice families see — the service's own with `serviceId`, the tenant's otherwise;
   * unchanged when undefined, cleared when null or blank.
   */
  notice?: string | null;
  reason: string;
}

/**
 * Switches a tenant (or one service) to an outage mode and back (tenant admins, declared on the
 * mutation). Audited with who, when, from → to and why; the directory shows it at once.
 * Returns the service's id when one was changed.
 */
export async function setOperatingMode(
  ctx: TenantContext,
  input: SetOperatingModeInput,
): Promise<Outcome<{ serviceId: string | null }>> {
  const tenant = await tenantToChange(ctx);
  const reason = input.reason.trim();
  if (!reason) return refuse(UserErrorCode.INVALID, msg('mode.reasonRequired', { max: 500 }), ['reason']);
  let service: Service | null = null;
  let from: OperatingMode | null;
  if (input.serviceId) {
    service = await ctx.em.findOne(Service, { id: input.serviceId });
    if (!service) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Service' }), ['serviceId']);
    from = service.operatingModeOverride ?? null;
    service.operatingModeOverride = input.mode;
  } else {
    if (!input.mode) return refuse(UserErrorCode.INVALID, msg('mode.tenantNeedsMode'), ['mode']);
    from = tenant.config.operatingMode;
    tenant.config.operatingMode = input.mode;
  }
  // A service's notice is its own, shown beside the tenant's, never in place of it.
  if (input.notice !== undefined) {
    const notice = input.notice?.trim() || null;
    if (service) service.publicNotice = notice;
    else tenant.config.publicNotice = notice;
  }
  tenant.updatedAt = ctx.now();
  audit(ctx, {
    action: 'OPERATING_MODE_CHANGED',
    subjectId: service?.id ?? tenant.id,
    details: {
      scope: service ? 'SERVICE' : 'TENANT',
      from,
      to: input.mode,
      reason,
      notice: input.notice ?? undefined,
    },
  });
  const subject = service ? gid('Service', service.id) : gid('Tenant', tenant.id);
  await emitEvent(ctx, 'operatingMode.changed', subject, {
    tenantId: gid('Tenant', tenant.id),
    serviceId: service ? gid('Service', service.id) : null,
    from,
    to: input.mode,
    effective: service ? (input.mode ?? tenant.config.operatingMode) : input.mode,
  });
  await ctx.em.flush();
  return done({ serviceId: service?.id ?? null });
}
