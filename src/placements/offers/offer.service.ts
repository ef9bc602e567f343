import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { channelFor } from '../../reservations/booking-rules';
import { ReservationChannel } from '../../shared/channels';
import { instant, msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { lockGroup, placementPolicy, releasePlace, sql, takePlace } from '../admission/policy';
import {
  ApplicationStatus,
  OfferStatus,
  Placement,
  PlacementApplication,
  PlacementOffer,
  type AgeGroup,
} from '../entities';
import { expireOpenOffer, lockOffer, scheduleOfferExpiry } from './offer-expiry';
import { tellOfferNews } from './offer-news';
import { ageOutDate, earliestEnd, endDuePlacements } from '../ending/end.service';

type OfferOutcome = Outcome<{ offerId: string; placementId?: string }>;

/**
 * A single offer outside a round: the next free place of a facility age group goes to its
 * first-ranked application. Offering it to another needs a reason (audited with who was skipped).
 */
export const offerPlace = idempotentMutation(
  'offerPlace',
  async (
    ctx: TenantContext,
    input: {
      facilityId: string;
      ageGroup: AgeGroup;
      startDate: string;
      applicationId?: string | null;
      reason?: string | null;
    },
  ): Promise<OfferOutcome> => {
    await endDuePlacements(ctx, [input.facilityId]);
    const group = await lockGroup(ctx, input.facilityId, input.ageGroup);
    if (!group) return refuse(UserErrorCode.NOT_FOUND, msg('placement.ageGroupMissing'), ['ageGroup']);
    if (group.free <= 0) return refuse(UserErrorCode.FULL, msg('placement.noFreePlace'), ['facilityId']);
    const queue = await sql<{ application_id: string; rank: number }>(
      ctx,
      `select application_id, rank from placement_candidates
       where tenant_id = ? and facility_id = ? and age_group = ?::placement_age_group order by rank limit 1`,
      [ctx.tenant.id, input.facilityId, input.ageGroup],
    );
    const first = queue[0]?.application_id;
    const chosen = input.applicationId ?? first;
    if (!chosen) return refuse(UserErrorCode.NOT_FOUND, msg('placement.noCandidate'), ['facilityId']);
    const reason = input.reason?.trim() || null;
    if (chosen !== first) {
      if (!reason) return refuse(UserErrorCode.INVALID, msg('placement.reasonRequired'), ['reason']);
      const [candidate] = await sql(
        ctx,
        `select 1 from placement_candidates where tenant_id = ? and facility_id = ? and age_group = ?::placement_age_group
           and application_id = ?`,
        [ctx.tenant.id, input.facilityId, input.ageGroup, chosen],
      );
      if (!candidate) return refuse(UserErrorCode.INVALID, msg('placement.notACandidate'), ['applicationId']);
    }
    const application = await ctx.em.findOneOrFail(PlacementApplication, { id: chosen });
    const policy = await placementPolicy(ctx);
    const now = ctx.now();
    const offer = ctx.em.create(PlacementOffer, {
      id: randomUUID(),
      tenantId: ctx.tenant.id,
      applicationId: chosen,
      facilityId: input.facilityId,
      ageGroup: input.ageGroup,
      startDate:
        input.startDate > application.desiredStartDate ? input.startDate : application.desiredStartDate,
      status: OfferStatus.OFFERED,
      outOfOrderReason: chosen !== first ? reason : null,
      offeredBy: ctx.viewer.subject ?? 'anonymous',
      offeredAt: now,
      expiresAt: new Date(now.getTime() + policy.offerDays * 86_400_000),
    });
    application.status = ApplicationStatus.OFFERED;
    application.updatedAt = now;
    await ctx.em.flush();
    await scheduleOfferExpiry(ctx, [offer.id]);
    audit(ctx, {
      action: 'PLACEMENT_OFFERED',
      familyId: application.familyId,
      subjectId: offer.id,
      details: {
        applicationId: chosen,
        facilityId: input.facilityId,
        ageGroup: input.ageGroup,
        firstRanked: first ?? null,
        outOfOrderReason: chosen !== first ? reason : undefined,
      },
    });
    await tellOfferNews(ctx, 'offered', [offer.id]);
    return done({ offerId: offer.id });
  },
);

/** The open offer for a family's answer: visible to the viewer, locked, still open and not past due. */
async function openOffer(
  ctx: TenantContext,
  offerId: string,
): Promise<{ offer: PlacementOffer; application: PlacementApplication } | { refusal: OfferOutcome }> {
  const offer = await lockOffer(ctx, offerId);
  const application =
    offer && (await ctx.em.findOneOrFail(PlacementApplication, { id: offer.applicationId }));
  if (!offer || !application || (ctx.viewer.familyId && application.familyId !== ctx.viewer.familyId)) {
    return { refusal: refuse(UserErrorCode.NOT_FOUND, msg('placement.offerNotFound'), ['offerId']) };
  }
  if (offer.status !== OfferStatus.OFFERED) {
    return {
      refusal: refuse(UserErrorCode.INVALID, msg('placement.offerNotOpen', { status: offer.status }), [
        'offerId',
      ]),
    };
  }
  if (ctx.now() >= offer.expiresAt) {
    // Its expiry job may not have run yet: expire it now.
    await expireOpenOffer(ctx, offer);
    return {
      refusal: refuse(
        UserErrorCode.OFFER_EXPIRED,
        msg('placement.offerExpired', { expiredAt: instant(offer.expiresAt) }),
        ['offerId'],
      ),
    };
  }
  return { offer, application };
}

function auditCounter(
  ctx: TenantContext,
  action: string,
  offer: PlacementOffer,
  application: PlacementApplication,
  details = {},
) {
  if (channelFor(ctx.viewer) !== ReservationChannel.COUNTER) return;
  audit(ctx, {
    action,
    channel: ReservationChannel.COUNTER,
    familyId: application.familyId,
    subjectId: offer.id,
    details,
  });
}

/**
 * Accepts an offer: a placement, taking one place of the age group's counter (PostgreSQL's CHECK
 * and the counter's row lock: two acceptances of the last place give exactly one placement; the
 * other is refused FULL and its application keeps its rank). A transfer frees the old place in the
 * same transaction.
 */
export const acceptPlacementOffer = idempotentMutation(
  'acceptPlacementOffer',
  async (ctx: TenantContext, input: { offerId: string }): Promise<OfferOutcome> => {
    const found = await openOffer(ctx, input.offerId);
    if ('refusal' in found) return found.refusal;
    const { offer, application } = found;
    const now = ctx.now();
    await endDuePlacements(ctx, [offer.facilityId]);
    if (!(await takePlace(ctx, offer.facilityId, offer.ageGroup))) {
      offer.status = OfferStatus.WITHDRAWN;
      offer.answeredAt = now;
      application.status = ApplicationStatus.ACTIVE;
      application.updatedAt = now;
      await ctx.em.flush();
      return refuse(UserErrorCode.FULL, msg('placement.full'), ['offerId']);
    }
    if (application.transferFromPlacementId) {
      const old = await ctx.em.findOne(Placement, {
        id: application.transferFromPlacementId,
        status: 'ACTIVE',
      });
      if (old) {
        const dayBefore = new Date(Date.parse(`${offer.startDate}T00:00:00Z`) - 86_400_000)
          .toISOString()
          .slice(0, 10);
        old.status = 'ENDED';
        old.endDate = dayBefore < old.startDate ? old.startDate : dayBefore;
        old.endedAt = now;
        await ctx.em.flush();
        await releasePlace(ctx, old.facilityId, old.ageGroup as AgeGroup);
      }
    }
    const placement = ctx.em.create(Placement, {
      id: randomUUID(),
      tenantId: ctx.tenant.id,
      childId: application.childId,
      familyId: application.familyId,
      facilityId: offer.facilityId,
      ageGroup: offer.ageGroup,
      startDate: offer.startDate,
      // Until the child leaves the age group, unless it is ended earlier (endPlacement).
      endDate: earliestEnd(
        offer.startDate,
        await ageOutDate(ctx, application.childId, offer.facilityId, offer.ageGroup),
      ),
      daysPerWeek: application.daysPerWeek,
      fullTime: application.fullTime,
      status: 'ACTIVE',
      urgent: false,
      applicationId: application.id,
      offerId: offer.id,
      createdBy: ctx.viewer.subject ?? 'anonymous',
      createdAt: now,
    });
    offer.status = OfferStatus.ACCEPTED;
    offer.answeredAt = now;
    offer.placementId = placement.id;
    application.status = ApplicationStatus.PLACED;
    application.closedAt = now;
    application.updatedAt = now;
    auditCounter(ctx, 'PLACEMENT_OFFER_ACCEPTED', offer, application, { placementId: placement.id });
    await tellOfferNews(ctx, 'accepted', [offer.id]);
    return done({ offerId: offer.id, placementId: placement.id });
  },
);

/**
 * Declines an offer: recorded, and — by the tenant's rule — the application stays at its other
 * facilities (this one is marked declined) or is withdrawn. The place is free for the next offer.
 */
export const declinePlacementOffer = idempotentMutation(
  'declinePlacementOffer',
  async (ctx: TenantContext, input: { offerId: string }): Promise<OfferOutcome> => {
    const found = await openOffer(ctx, input.offerId);
    if ('refusal' in found) return found.refusal;
    const { offer, application } = found;
    const now = ctx.now();
    const policy = await placementPolicy(ctx);
    offer.status = OfferStatus.DECLINED;
    offer.answeredAt = now;
    await sql(
      ctx,
      `update placement_preferences set declined_at = ? where tenant_id = ? and application_id = ? and facility_id = ?
       returning 1`,
      [now, ctx.tenant.id, application.id, offer.facilityId],
    );
    application.status = policy.declineWithdraws ? ApplicationStatus.WITHDRAWN : ApplicationStatus.ACTIVE;
    if (policy.declineWithdraws) application.closedAt = now;
    application.updatedAt = now;
    auditCounter(ctx, 'PLACEMENT_OFFER_DECLINED', offer, application);
    await tellOfferNews(ctx, policy.declineWithdraws ? 'declinedWithdrawn' : 'declined', [offer.id]);
    return done({ offerId: offer.id });
  },
);
