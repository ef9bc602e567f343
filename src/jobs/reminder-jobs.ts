import type { EntityManager } from '@mikro-orm/postgresql';
import type pino from 'pino';
import { Role, type Viewer } from '../auth/viewer';
import { handOverToTreasury } from '../billing/reminders/hand-over.service';
import { ReminderSource } from '../billing/reminders/reminder.entity';
import { sendReminders } from '../billing/reminders/reminders.service';
import { inTenantTransaction } from '../db/tenant-scope';
import { Tenant } from '../tenants/tenant.entity';

/** The job acts as a tenant administrator of each tenant, and is audited as such. */
const remindersViewer = (tenantId: string): Viewer => ({
  kind: 'PERSON',
  subject: 'system:reminders',
  displayName: 'Reminders',
  roles: [Role.TENANT_ADMIN],
  scopes: [],
  tenantId,
  familyId: null,
});

export interface CollectionRun {
  tenant: string;
  reminders: number;
  fees: number;
  treasuryBatchId: string | null;
}

/**
 * `billing_reminders`, hourly: for each tenant, in one transaction each, the reminders that are
 * due at `now` in the tenant's calendar, then the hand-over of the debts past their last level.
 * The first run of a tenant-local day does the work; the others find nothing more (a level is
 * sent once, a debt handed over once), so a missed hour, a crash or a retry changes nothing.
 */
export async function runCollection(
  em: EntityManager,
  now: Date,
  logger: pino.Logger,
  onlySlugs?: string[],
): Promise<CollectionRun[]> {
  const tenants = await em.fork().find(Tenant, onlySlugs ? { slug: { $in: onlySlugs } } : {});
  const runs: CollectionRun[] = [];
  for (const tenant of tenants) {
    const run = await inTenantTransaction(em.fork(), tenant.id, async (tx) => {
      const scoped = await tx.findOneOrFail(Tenant, { id: tenant.id });
      const ctx = { em: tx, viewer: remindersViewer(tenant.id), tenant: scoped, now: () => now };
      const sent = await sendReminders(ctx, ReminderSource.JOB);
      const handedOver = await handOverToTreasury(ctx);
      return {
        tenant: tenant.slug,
        reminders: sent.reminders,
        fees: sent.fees,
        treasuryBatchId: handedOver?.batchId ?? null,
      };
    });
    if (run.reminders || run.treasuryBatchId) logger.info(run, 'reminders and hand-over');
    runs.push(run);
  }
  return runs;
}
