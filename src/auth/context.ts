import type { EntityManager } from '@mikro-orm/postgresql';
import type { WrittenRows } from '../shared/written-rows';
import type { Tenant } from '../tenants/tenant.entity';
import type { Viewer } from './viewer';

/**
 * What a service needs to act: the unit of work's EntityManager (inside its transaction, with the
 * tenant filter and `app.tenant_id` set), who is calling, the tenant, and the clock.
 * No GraphQL in here: services are called the same way from jobs and the CLI.
 */
export interface TenantContext {
  em: EntityManager;
  viewer: Viewer;
  /** The tenant the request acts inside: never null for a tenant operation. */
  readonly tenant: Tenant;
  /** The current instant (the real clock; tests inject theirs). Every time rule reads it. */
  now(): Date;
  /**
   * Where a write unit records the rows its answer may show without reading them back
   * (src/shared/written-rows.ts). Absent outside a request's mutation.
   */
  written?: WrittenRows;
}
