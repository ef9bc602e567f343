import type { EntityManager } from '@mikro-orm/postgresql';
import type pino from 'pino';
import { announceFinalMealCounts } from '../attendance/meal-counts-final';
import { Role } from '../auth/viewer';
import { inTenantTransaction } from '../db/tenant-scope';
import { Tenant } from '../tenants/tenant.entity';

/**
 * `meal_counts_final`, every ten minutes: for each tenant, in one transaction of its own, the
 * school days whose booking has closed since are announced to vendors (`mealCounts.final`).
 * Idempotent: a day is announced once, whatever the runs. Returns how many days it announced.
 */
export async function runMealCountsFinal(
  em: EntityManager,
  tenantIds: string[],
  now: Date,
  logger?: pino.Logger,
): Promise<number> {
  let announced = 0;
  for (const tenantId of tenantIds) {
    announced += await inTenantTransaction(em.fork(), tenantId, async (tx) => {
      const tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
      const viewer = {
        kind: 'PERSON' as const,
        subject: 'system:meal-counts',
        displayName: 'Meal counts',
        roles: [Role.TENANT_ADMIN],
        scopes: [],
        tenantId,
        familyId: null,
      };
      return announceFinalMealCounts({ em: tx, viewer, tenant, now: () => now });
    });
  }
  if (announced) logger?.info({ announced }, 'final meal counts announced');
  return announced;
}
