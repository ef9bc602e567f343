import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { sql, uuids } from '../admission/policy';
import { tellOfferNews } from './offer-news';
import { ApplicationStatus, OfferStatus, PlacementApplication, PlacementOffer } from '../entities';

/**
 * Schedules each open offer's expiry at its deadline on the job queue (graphile-worker), in the
 * transaction that makes the offers: through a tenant-bound SECURITY DEFINER function, so the API
 * role never touches the queue's tables. One statement for any number of offers.
 */
export async function scheduleOfferExpiry(ctx: TenantContext, offerIds: string[]): Promise<void> {
  if (offerIds.length === 0) return;
  await sql(ctx, `select guichet_schedule_placement_offer_expiry(id) from unnest(?::uuid[]) as id`, [
    uuids(offerIds),
  ]);
}

/**
 * An offer past its deadline, unanswered: EXPIRED, and its application EXPIRED too (the family did
 * not answer); the place is free again for the next offer or round. The offer's row is locked first.
 */
export async function expireOpenOffer(ctx: TenantContext, offer: PlacementOffer): Promise<void> {
  const now = ctx.now();
  offer.status = OfferStatus.EXPIRED;
  offer.answeredAt = now;
  const application = await ctx.em.findOneOrFail(PlacementApplication, { id: offer.applicationId });
  if (application.status === ApplicationStatus.OFFERED) {
    application.status = ApplicationStatus.EXPIRED;
    application.closedAt = now;
    application.updatedAt = now;
  }
  audit(ctx, {
    action: 'PLACEMENT_OFFER_EXPIRED',
    familyId: application.familyId,
    subjectId: offer.id,
    details: { applicationId: application.id, facilityId: offer.facilityId, ageGroup: offer.ageGroup },
  });
  await tellOfferNews(ctx, 'expired', [offer.id]);
}

/** Locks an offer's row and loads it (null: not in this tenant). */
export async function lockOffer(ctx: TenantContext, offerId: string): Promise<PlacementOffer | null> {
  const [row] = await sql(ctx, `select id from placement_offers where tenant_id = ? and id = ? for update`, [
    ctx.tenant.id,
    offerId,
  ]);
  if (!row) return null;
  const offer = await ctx.em.findOneOrFail(PlacementOffer, { id: offerId });
  return ctx.em.refreshOrFail(offer);
}

/**
 * The `placement_offer_expiry` job (scheduled at the deadline): expires the offer if it is still
 * open and due at `ctx.now()`. Idempotent: a second run, or one after the family answered, changes
 * nothing. Returns whether it expired.
 */
export async function expirePlacementOffer(ctx: TenantContext, offerId: string): Promise<boolean> {
  const offer = await lockOffer(ctx, offerId);
  if (!offer || offer.status !== OfferStatus.OFFERED || ctx.now() < offer.expiresAt) return false;
  await expireOpenOffer(ctx, offer);
  return true;
}
