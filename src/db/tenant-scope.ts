import type { EntityManager } from '@mikro-orm/postgresql';
import { TENANT_FILTER } from '../shared/tenant-owned';

/**
 * Makes a transaction act for one tenant: PostgreSQL's row-level security reads `app.tenant_id`
 * (transaction-local), and the ORM's tenant filter adds `tenant_id = ?` to every query.
 */
export async function scopeToTenant(tx: EntityManager, tenantId: string): Promise<void> {
  await tx.execute(`select set_config('app.tenant_id', ?, true)`, [tenantId], 'get', tx.getLoggerContext());
  tx.setFilterParams(TENANT_FILTER, { tenantId });
}

/** Runs `work` in a new transaction scoped to the tenant (jobs, CLI, seeds). */
export function inTenantTransaction<T>(
  em: EntityManager,
  tenantId: string,
  work: (tx: EntityManager) => Promise<T>,
) {
  return em.transactional(async (tx) => {
    await scopeToTenant(tx, tenantId);
    return work(tx);
  });
}
