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
  /** The current instant (the real clock; tests inject theirs). Every time rule reads it. */
  now(): Date;
}

export function requireTenant(ctx: ServiceContext): Tenant {
  if (!ctx.tenant) throw new UnauthenticatedError();
  return ctx.tenant;
}
