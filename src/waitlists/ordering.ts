import type { Service } from '../facilities/service.entity';
import type { Tenant } from '../tenants/tenant.entity';
import {
  WaitlistCriterionKind,
  WaitlistOrdering,
  WaitlistPromotion,
  type WaitlistCriterionSetting,
} from '../tenants/waitlist-settings';

/**
 * The waitlist rules, in one place: which policy a service follows, which priority criteria an
 * entry meets and what they are worth, how entries are ordered, and when an offer expires.
 * PostgreSQL orders the same way in the `waitlist_queue` view (migration Waitlists);
 * test/waitlist-ordering.test.ts checks that both agree.
 */

/** A criterion an entry met when it joined, with its points (stored on the entry). */
export interface CriterionMet {
  kind: WaitlistCriterionKind;
  label: string;
  points: number;
}

/** What the criteria look at, about the family and the session, when a child joins. */
export interface PriorityFacts {
  /** A brother or sister holds a live reservation that day at the same service. */
  siblingBookedThatDay: boolean;
  /** The family was marked for social priority by an agent. */
  socialPriority: boolean;
  postalCode: string | null;
}

/** The tenant's criteria the family meets, in the tenant's order. */
export function criteriaMet(settings: WaitlistCriterionSetting[], facts: PriorityFacts): CriterionMet[] {
  return settings
    .filter((setting) => {
      switch (setting.kind) {
        case WaitlistCriterionKind.SIBLING_BOOKED:
          return facts.siblingBookedThatDay;
        case WaitlistCriterionKind.SOCIAL_PRIORITY:
          return facts.socialPriority;
        case WaitlistCriterionKind.RESIDENT:
          return facts.postalCode !== null && (setting.postalCodes ?? []).includes(facts.postalCode.trim());
        default:
          return false;
      }
    })
    .map((setting) => ({ kind: setting.kind, label: setting.label, points: setting.points }));
}

/** An entry's priority: its criteria's points plus an agent's adjustment. */
export function priorityPoints(met: CriterionMet[], manualPoints: number): number {
  return met.reduce((sum, c) => sum + c.points, 0) + manualPoints;
}

/** What ordering needs of an entry. */
export interface Queued {
  id: string;
  priorityPoints: number;
  joinedAt: Date;
  /** Siblings who joined together share it; they are ranked as one unit (see `inQueueOrder`). */
  groupId?: string | null;
}

/**
 * The order of a waitlist: under PRIORITY_THEN_FIFO, more points first; then the earlier instant
 * joined; then the smaller id (deterministic: two entries never tie). Ids compare as PostgreSQL
 * compares uuids (their lowercase text does the same).
 */
export function compareEntries(ordering: WaitlistOrdering): (a: Queued, b: Queued) => number {
  return (a, b) => {
    if (ordering === WaitlistOrdering.PRIORITY_THEN_FIFO && a.priorityPoints !== b.priorityPoints) {
      return b.priorityPoints - a.priorityPoints;
    }
    const time = a.joinedAt.getTime() - b.joinedAt.getTime();
    if (time !== 0) return time;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/**
 * Entries in waitlist order (a new array). A sibling group is one unit placed where its
 * best-placed member would be (the group keeps the rank of its earliest member), its members one
 * after the other in their own order; an entry without a group is a unit of one.
 */
export function inQueueOrder<T extends Queued>(entries: T[], ordering: WaitlistOrdering): T[] {
  const compare = compareEntries(ordering);
  const unitOf = (e: Queued) => e.groupId ?? e.id;
  const heads = new Map<string, T>();
  for (const entry of entries) {
    const head = heads.get(unitOf(entry));
    if (!head || compare(entry, head) < 0) heads.set(unitOf(entry), entry);
  }
  return [...entries].sort((a, b) => compare(heads.get(unitOf(a))!, heads.get(unitOf(b))!) || compare(a, b));
}

/** The policy a service's waitlist follows: its own settings, else its tenant's. */
export interface WaitlistPolicy {
  ordering: WaitlistOrdering;
  promotion: WaitlistPromotion;
  /** Hours a family has to answer an offer. */
  offerHours: number;
}

export function waitlistPolicy(service: Service, tenant: Tenant): WaitlistPolicy {
  return {
    ordering: service.waitlistOrdering ?? tenant.config.waitlistOrdering,
    promotion: service.waitlistPromotion ?? tenant.config.waitlistPromotion,
    offerHours: service.waitlistOfferHours ?? tenant.config.waitlistOfferDelayHours,
  };
}

/**
 * An offer's deadline: `offerHours` after it is made, but never later than the session's booking
 * close. Null when booking has closed: no offer can be made any more.
 */
export function offerDeadline(now: Date, offerHours: number, bookingClosesAt: Date): Date | null {
  const deadline = new Date(Math.min(now.getTime() + offerHours * 3600_000, bookingClosesAt.getTime()));
  return deadline.getTime() > now.getTime() ? deadline : null;
}

/** Hours before an offer's deadline when the family is reminded. */
export const OFFER_REMINDER_HOURS = 12;

/**
 * When to remind a family of an offer: 12 hours before its deadline, or halfway for a shorter
 * offer; null when that leaves less than an hour after the offer (the offer itself said it).
 */
export function offerReminderAt(offeredAt: Date, deadline: Date): Date | null {
  const span = deadline.getTime() - offeredAt.getTime();
  const before = Math.min(OFFER_REMINDER_HOURS * 3600_000, span / 2);
  const at = new Date(deadline.getTime() - before);
  return at.getTime() - offeredAt.getTime() >= 3600_000 ? at : null;
}
