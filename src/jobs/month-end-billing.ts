import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import type pino from 'pino';
import { Role, type Viewer } from '../auth/viewer';
import { BillingRun } from '../billing/runs/billing-run.entity';
import { runBilling } from '../billing/runs/billing-run.service';
import { inTenantTransaction } from '../db/tenant-scope';
import { Tenant } from '../tenants/tenant.entity';

/** The scheduler acts as a tenant administrator of each tenant, and is audited as such. */
function schedulerViewer(tenantId: string): Viewer {
  return {
    kind: 'PERSON',
    subject: 'system:scheduler',
    displayName: 'Month-end scheduler',
    roles: [Role.TENANT_ADMIN],
    scopes: [],
    tenantId,
    familyId: null,
  };
}

/**
 * Runs hourly (graphile-worker cron). For each tenant where it is the first day of a month in the
 * tenant's own time zone, bills the month just ended. The idempotency key `month-end:<period>`
 * makes the 24 hourly attempts of that day (and any retry after a crash) one run: the first does
 * the work, the others replay it. A suspended tenant gets a SUSPENDED run and no invoice.
 */
export async function monthEndBilling(
  em: EntityManager,
  now: Date,
  logger: pino.Logger,
  onlySlugs?: string[],
): Promise<{ tenant: string; period: string; invoices: number; status: string }[]> {
  const tenants = await em.fork().find(Tenant, onlySlugs ? { slug: { $in: onlySlugs } } : {});
  const done: { tenant: string; period: string; invoices: number; status: string }[] = [];
  for (const tenant of tenants) {
    const local = DateTime.fromJSDate(now, { zone: tenant.timeZone });
    if (local.day !== 1) continue;
    const period = local.minus({ months: 1 }).toFormat('yyyy-MM');
    const result = await inTenantTransaction(em.fork(), tenant.id, async (tx) => {
      const scoped = await tx.findOneOrFail(Tenant, { id: tenant.id });
      const outcome = await runBilling(
        { em: tx, viewer: schedulerViewer(tenant.id), tenant: scoped, now: () => now },
        { period, idempotencyKey: `month-end:${period}` },
      );
      return {
        run: outcome.value ? await tx.findOneOrFail(BillingRun, { id: outcome.value.runId }) : null,
        userErrors: outcome.userErrors,
      };
    });
    if (result.run) {
      done.push({
        tenant: tenant.slug,
        period,
        invoices: result.run.invoicesCreated,
        status: result.run.status,
      });
      logger.info(
        { tenant: tenant.slug, period, invoices: result.run.invoicesCreated, status: result.run.status },
        'month-end billing',
      );
    } else {
      logger.warn(
        { tenant: tenant.slug, period, userErrors: result.userErrors },
        'month-end billing refused',
      );
    }
  }
  return done;
}
