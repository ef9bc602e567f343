import type { TenantContext } from '../../auth/context';
import { emitEvents, gid, type DomainEvent } from '../../events/emit';
import { notify, NotificationKind } from '../../notifications/notifications.service';
import { day, instant, msg, type Message } from '../../shared/i18n';
import { sql, uuids } from '../admission/policy';

/** What happened to an offer, as the family and the webhooks hear of it. */
export type OfferNews = 'offered' | 'accepted' | 'declined' | 'declinedWithdrawn' | 'expired';

interface OfferFacts {
  id: string;
  application_id: string;
  family_id: string;
  child_id: string;
  first_name: string;
  facility_id: string;
  facility: string;
  age_group: string;
  start_date: string;
  expires_at: Date;
  placement_id: string | null;
}

const KIND: Record<OfferNews, NotificationKind> = {
  offered: NotificationKind.PLACEMENT_OFFER_MADE,
  accepted: NotificationKind.PLACEMENT_OFFER_ACCEPTED,
  declined: NotificationKind.PLACEMENT_OFFER_DECLINED,
  declinedWithdrawn: NotificationKind.PLACEMENT_OFFER_DECLINED,
  expired: NotificationKind.PLACEMENT_OFFER_EXPIRED,
};

const EVENT: Record<OfferNews, DomainEvent['type']> = {
  offered: 'placement.offered',
  accepted: 'placement.accepted',
  declined: 'placement.declined',
  declinedWithdrawn: 'placement.declined',
  expired: 'placement.expired',
};

function message(news: OfferNews, o: OfferFacts): Message {
  const child = o.first_name;
  const facility = o.facility;
  switch (news) {
    case 'offered':
      return msg('notification.placementOffered', {
        child,
        facility,
        date: day(o.start_date),
        deadline: instant(new Date(o.expires_at)),
      });
    case 'accepted':
      return msg('notification.placementAccepted', { child, facility, date: day(o.start_date) });
    case 'declined':
      return msg('notification.placementDeclined', { child, facility });
    case 'declinedWithdrawn':
      return msg('notification.placementDeclinedWithdrawn', { child, facility });
    case 'expired':
      return msg('notification.placementExpired', { child, facility });
  }
}

/**
 * Tells the families of these offers what happened to them (a line in each family's notification
 * log) and the tenant's webhooks (`placement.offered`, …), in the transaction of the change: they
 * hear of it if and only if it commits. Call it after the change is flushed; one read for any number
 * of offers (a round confirms many at once).
 */
export async function tellOfferNews(ctx: TenantContext, news: OfferNews, offerIds: string[]): Promise<void> {
  if (offerIds.length === 0) return;
  await ctx.em.flush();
  const offers = await sql<OfferFacts>(
    ctx,
    `select o.id, o.application_id, a.family_id, a.child_id, c.first_name, o.facility_id, f.name as facility,
       o.age_group, to_char(o.start_date, 'YYYY-MM-DD') as start_date, o.expires_at, o.placement_id
     from placement_offers o
     join placement_applications a on a.tenant_id = o.tenant_id and a.id = o.application_id
     join children c on c.tenant_id = a.tenant_id and c.id = a.child_id
     join facilities f on f.tenant_id = o.tenant_id and f.id = o.facility_id
     where o.tenant_id = ? and o.id = any(?::uuid[]) order by o.offered_at, o.id`,
    [ctx.tenant.id, uuids(offerIds)],
  );
  for (const o of offers) {
    notify(ctx, {
      familyId: o.family_id,
      kind: KIND[news],
      message: message(news, o),
      childId: o.child_id,
      data: {
        placementOfferId: gid('PlacementOffer', o.id),
        placementApplicationId: gid('PlacementApplication', o.application_id),
        ...(news === 'offered' ? { expiresAt: new Date(o.expires_at).toISOString() } : {}),
      },
    });
  }
  await ctx.em.flush();
  await emitEvents(
    ctx,
    offers.map((o) => ({
      type: EVENT[news],
      aggregateId: gid('PlacementOffer', o.id),
      data: {
        placementOfferId: gid('PlacementOffer', o.id),
        placementApplicationId: gid('PlacementApplication', o.application_id),
        childId: gid('Child', o.child_id),
        familyId: gid('Family', o.family_id),
        facilityId: gid('Facility', o.facility_id),
        ageGroup: o.age_group,
        startDate: o.start_date,
        expiresAt: new Date(o.expires_at).toISOString(),
        placementId: o.placement_id ? gid('Placement', o.placement_id) : null,
        ...(news === 'declinedWithdrawn' || news === 'declined'
          ? { applicationWithdrawn: news === 'declinedWithdrawn' }
          : {}),
      },
    })),
  );
}
