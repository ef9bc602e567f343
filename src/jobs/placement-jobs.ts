import type { EntityManager } from '@mikro-orm/postgresql';
import type pino from 'pino';
import { Role, type Viewer } from '../auth/viewer';
import { inTenantTransaction } from '../db/tenant-scope';
import { expirePlacementOffer } from '../placements/offers/offer-expiry';
import { Tenant } from '../tenants/tenant.entity';

export interface PlacementOfferJobPayload {
  tenantId: string;
  offerId: string;
}

/** The job queue acts as the allocation itself, audited as such. */
const placementsViewer = (tenantId: string): Viewer => ({
  kind: 'PERSON',
  subject: 'system:placements',
  displayName: 'Placements',
  roles: [Role.TENANT_ADMIN],
  scopes: [],
  tenantId,
  familyId: null,
});

/**
 * `placement_offer_expiry`, scheduled at an offer's deadline by the transaction that made it
 * (`guichet_schedule_placement_offer_expiry`): expires it if still open and due at `now`, in one
 * transaction of the tenant. Idempotent. Returns whether it expired.
 */
export async function runPlacementOfferExpiry(
  em: EntityManager,
  payload: PlacementOfferJobPayload,
  now: Date,
  logger?: pino.Logger,
): Promise<boolean> {
  const expired = await inTenantTransaction(em.fork(), payload.tenantId, async (tx) => {
    const tenant = await tx.findOneOrFail(Tenant, { id: payload.tenantId });
    return expirePlacementOffer(
      { em: tx, viewer: placementsViewer(payload.tenantId), tenant, now: () => now },
      payload.offerId,
    );
  });
  if (expired) logger?.info({ offerId: payload.offerId }, 'placement offer expired');
  return expired;
}
