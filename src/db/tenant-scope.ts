import type { EntityManager } from '@mikro-orm/postgresql';
import { TENANT_FILTER } from '../shared/tenant-owned';

export interface ScopeOptions {
  /** How long a statement may wait for a row or advisory lock before giving up (ms; 0: forever). */
  lockTimeoutMs?: number;
  /** How long one statement may run (ms; 0: no limit). */
  statementTimeoutMs?: number;
}

/**
 * Makes a transaction act for one tenant: PostgreSQL's row-level security reads `app.tenant_id`
 * (transaction-local), and the ORM's tenant filter adds `tenant_id = ?` to every query. The
 * request path also bounds lock waits and statement times, in the same statement, so a request
 * queued behind a long lock answers SERVICE_UNAVAILABLE instead of holding its connection.
 */
export async function scopeToTenant(
  tx: EntityManager,
  tenantId: string,
  options: ScopeOptions = {},
): Promise<void> {
  await tx.execute(
    `select set_config('app.tenant_id', ?, true), set_config('lock_timeout', ?, true), set_config('statement_timeout', ?, true)`,
    [tenantId, `${options.lockTimeoutMs ?? 0}ms`, `${options.statementTimeoutMs ?? 0}ms`],
    'get',
    tx.getLoggerContext(),
  );
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
