import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../audit/audit.service';
import { Role } from '../auth/viewer';
import { Service } from '../facilities/service.entity';
import { ForbiddenError } from '../shared/errors';
import { requireTenant, type ServiceContext } from '../shared/service-context';
import { userError, UserErrorCode, type UserErrorData } from '../shared/user-errors';
import { type OperatingMode, Tenant, type TenantConfig } from './tenant.entity';

/** The public directory: every tenant, so that front ends can show outage banners. */
export function listTenants(em: EntityManager): Promise<Tenant[]> {
  return em.find(Tenant, {}, { orderBy: { slug: 'asc' } });
}

/** A tenant's configuration is visible to people and keys acting inside that tenant only. */
export function tenantConfiguration(ctx: ServiceContext, tenant: Tenant): TenantConfig {
  if (!ctx.tenant || ctx.tenant.id !== tenant.id) {
    throw new ForbiddenError('Only callers acting inside this tenant can read its configuration.');
  }
  return tenant.config;
}

export interface SetOperatingModeInput {
  mode: OperatingMode | null;
  /** Set the mode of one service (null mode: back to the tenant's); the tenant's otherwise. */
  serviceId?: string | null;
  /** The notice families see; unchanged when undefined, cleared when null. */
  notice?: string | null;
  reason: string;
}

/**
 * Switches a tenant (or one service) to an outage mode and back. Tenant admins only; audited with
 * who, when, from → to and why; the directory shows it at once (same transaction).
 */
export async function setOperatingMode(
  ctx: ServiceContext,
  input: SetOperatingModeInput,
): Promise<{ tenant: Tenant; service: Service | null; userErrors: UserErrorData[] }> {
  const tenant = requireTenant(ctx);
  if (!ctx.viewer.roles.includes(Role.TENANT_ADMIN))
    throw new ForbiddenError('Only tenant administrators change the operating mode.');
  const reason = input.reason.trim();
  if (!reason || reason.length > 500) {
    return {
      tenant,
      service: null,
      userErrors: [userError(UserErrorCode.INVALID, 'Give a reason (1 to 500 characters).', ['reason'])],
    };
  }
  if (input.notice && input.notice.length > 2000) {
    return {
      tenant,
      service: null,
      userErrors: [userError(UserErrorCode.INVALID, 'The notice is limited to 2000 characters.', ['notice'])],
    };
  }
  let service: Service | null = null;
  let from: OperatingMode | null;
  if (input.serviceId) {
    service = await ctx.em.findOne(Service, { id: input.serviceId });
    if (!service)
      return {
        tenant,
        service: null,
        userErrors: [userError(UserErrorCode.NOT_FOUND, 'Service not found.', ['serviceId'])],
      };
    from = service.operatingModeOverride ?? null;
    service.operatingModeOverride = input.mode;
  } else {
    if (!input.mode) {
      return {
        tenant,
        service: null,
        userErrors: [userError(UserErrorCode.INVALID, 'A tenant always has a mode.', ['mode'])],
      };
    }
    from = tenant.config.operatingMode;
    tenant.config.operatingMode = input.mode;
  }
  if (input.notice !== undefined) tenant.config.publicNotice = input.notice?.trim() || null;
  tenant.updatedAt = new Date();
  ctx.em.persist(tenant);
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
  await ctx.em.flush();
  return { tenant, service, userErrors: [] };
}
