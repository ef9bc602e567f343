import type { EntityManager } from '@mikro-orm/postgresql';
import { ForbiddenError } from '../shared/errors';
import { Tenant, type TenantConfig } from './tenant.entity';
import { msg } from '../shared/i18n';
import { isLight } from '../shared/light-entities';

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

/**
 * The tenant of a unit of work as it reads it: a light entity (src/shared/light-entities.ts),
 * frozen with its configuration. Mapping the tenant as a managed entity (its ≈ 40 columns, then
 * their comparison at every flush) was ≈ 10 % of a booking's CPU, for a row that almost no
 * mutation changes; frozen, a service that changes it without `tenantToChange` fails at once
 * (TypeError) instead of losing the change.
 */
export function frozenTenant<T extends Tenant>(tenant: T): T {
  for (const value of Object.values(tenant.config))
    if (value && typeof value === 'object') Object.freeze(value);
  Object.freeze(tenant.config);
  return Object.freeze(tenant);
}

/**
 * The tenant, managed by the unit's EntityManager, for a service that changes it (modes, billing
 * suspension, configuration): read again in the unit's transaction when the context holds the
 * light one; flushed with the unit.
 */
export async function tenantToChange(ctx: { em: EntityManager; tenant: Tenant }): Promise<Tenant> {
  if (!isLight(ctx.tenant)) return ctx.tenant;
  return ctx.em.findOneOrFail(Tenant, { id: ctx.tenant.id });
}
