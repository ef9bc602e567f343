import type { MikroORM } from '@mikro-orm/postgresql';
import type pino from 'pino';
import { inTenantTransaction } from '../db/tenant-scope';
import { listTenants } from '../tenants/tenants.service';

/** An import is given this long between writing its RUNNING row and taking its tenant's lock. */
const GRACE_MS = 5 * 60_000;

/**
 * Marks FAILED the imports left RUNNING by a process that died (killed, out of memory, the machine
 * restarted). Their transaction was rolled back with the connection, so nothing of them was
 * written; only their row still said RUNNING. An import runs holding its tenant's advisory lock
 * (`guichet:import:<tenant>`) from its first line to its end, and imports waiting for it are
 * blocked on it: when this function takes that lock, no import of the tenant is alive in any
 * process, so every RUNNING row older than the grace period is an orphan. Run at start-up and by
 * the job `imports_fail_abandoned` (every ten minutes). Returns how many it marked.
 */
export async function failAbandonedImports(orm: MikroORM, now: Date, logger?: pino.Logger): Promise<number> {
  let failed = 0;
  for (const tenant of await listTenants(orm.em.fork())) {
    failed += await inTenantTransaction(orm.em.fork(), tenant.id, async (tx) => {
      const [running] = await tx.execute<{ n: number }[]>(
        `select count(*)::int as n from imports where tenant_id = ? and status = 'RUNNING' and started_at < ?`,
        [tenant.id, new Date(now.getTime() - GRACE_MS)],
      );
      if (!running.n) return 0;
      const [lock] = await tx.execute<{ free: boolean }[]>(
        `select pg_try_advisory_xact_lock(hashtext('guichet:import:' || ?)) as free`,
        [tenant.id],
      );
      if (!lock.free) return 0;
      const rows = await tx.execute<{ id: string }[]>(
        `update imports set status = 'FAILED', finished_at = ?, created = 0, updated = 0, unchanged = 0, conflicts = 0
         where tenant_id = ? and status = 'RUNNING' and started_at < ? returning id`,
        [now, tenant.id, new Date(now.getTime() - GRACE_MS)],
      );
      return rows.length;
    });
  }
  if (failed) logger?.warn({ failed }, 'imports left RUNNING by a stopped process marked FAILED');
  return failed;
}
