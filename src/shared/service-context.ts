import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/viewer';
import type { Tenant } from '../tenants/tenant.entity';
import { UnauthenticatedError } from './errors';

/**
 * What a service needs to act: the request's EntityManager (inside the request's transaction,
 * with the tenant filter and `app.tenant_id` set), who is calling, and the tenant.
 * No GraphQL in here: services are called the same way from jobs and the CLI.
 */
export interface ServiceContext {
  em: EntityManager;
  viewer: Viewer;
  tenant: Tenant | null;
}

export function requireTenant(ctx: ServiceContext): Tenant {
  if (!ctx.tenant) throw new UnauthenticatedError();
  return ctx.tenant;
}
