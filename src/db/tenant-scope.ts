import type { EntityManager } from '@mikro-orm/postgresql';
import { TENANT_FILTER } from '../shared/tenant-owned';
import { beginWith } from './begin-rider';
import { executePrepared } from './prepared-statements';

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

const SCOPE_READING = `select t.* from (
       select set_config('app.tenant_id', ?, true) as tenant_id, set_config('lock_timeout', ?, true) as l,
              set_config('statement_timeout', ?, true) as st) s
     left join tenants t on t.id = s.tenant_id::uuid`;

/**
 * Begins `tx`'s transaction scoped to the tenant (see `scopeToTenant`), reading the tenant's row in
 * the same statement, sent with the BEGIN (src/db/begin-rider.ts): one round trip. The request
 * path's units take their tenant — its mode, its configuration — from inside their own
 * transaction, so a unit never acts on a tenant row older than its snapshot and no unit has to
 * read it again after another changed it. Null when no tenant has that id.
 */
export async function beginScopedReading<Row>(
  tx: EntityManager,
  readOnly: boolean,
  tenantId: string,
  options: ScopeOptions = {},
): Promise<Row | null> {
  // The one-row subquery sets the settings whether or not the tenant exists (PostgreSQL keeps a
  // subquery's volatile outputs even when unreferenced); tenants are readable by every role.
  const [row] = await beginWith<Row & { id: string | null }>(tx, { readOnly }, SCOPE_READING, [
    tenantId,
    `${options.lockTimeoutMs ?? 0}ms`,
    `${options.statementTimeoutMs ?? 0}ms`,
  ]);
  tx.setFilterParams(TENANT_FILTER, { tenantId });
  return row && row.id !== null ? row : null;
}

/** `beginScopedReading` for a transaction already begun: the scope and the tenant's row, one statement. */
export async function scopeToTenantReading<Row>(
  tx: EntityManager,
  tenantId: string,
  options: ScopeOptions = {},
): Promise<Row | null> {
  const [row] = await executePrepared<Row & { id: string | null }>(tx, SCOPE_READING, [
    tenantId,
    `${options.lockTimeoutMs ?? 0}ms`,
    `${options.statementTimeoutMs ?? 0}ms`,
  ]);
  tx.setFilterParams(TENANT_FILTER, { tenantId });
  return row && row.id !== null ? row : null;
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
