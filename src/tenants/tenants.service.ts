import type { EntityManager } from '@mikro-orm/postgresql';
import { ForbiddenError } from '../shared/errors';
import { Tenant, type TenantConfig } from './tenant.entity';
import { msg } from '../shared/i18n';

/** The public directory: every tenant, so that front ends can show outage banners. */
export function listTenants(em: EntityManager): Promise<Tenant[]> {
  return em.find(Tenant, {}, { orderBy: { slug: 'asc' } });
}

/** A tenant's configuration is visible to people and keys acting inside that tenant only. */
export function tenantConfiguration(callerTenantId: string, tenant: Tenant): TenantConfig {
  if (callerTenantId !== tenant.id) {
    throw new ForbiddenError(msg('access.tenantConfiguration'));
  }
  return tenant.config;
}
