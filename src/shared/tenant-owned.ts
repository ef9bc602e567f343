import { Property } from '@mikro-orm/core';

export const TENANT_FILTER = 'tenant';

/**
 * Base of every tenant-owned entity. The `tenant` filter is the first line of isolation
 * (every query gets `tenant_id = ?`); PostgreSQL row-level security is the backstop.
 * `tenant_id` is set explicitly on insert.
 */
export abstract class TenantOwned {
  @Property({ type: 'uuid' })
  tenantId!: string;
}
