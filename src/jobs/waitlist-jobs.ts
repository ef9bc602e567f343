import type { EntityManager } from '@mikro-orm/postgresql';
import type pino from 'pino';
import type { TenantContext } from '../auth/context';
import { Role, type Viewer } from '../auth/viewer';
import { inTenantTransaction } from '../db/tenant-scope';
import { Tenant } from '../tenants/tenant.entity';
import { closePastEntries } from '../waitlists/closing.service';
import { expireOffer, remindOffer } from '../waitlists/offer-expiry';

/** The job queue acts as the waitlist itself, audited as such. */
function waitlistViewer(tenantId: string): Viewer {
  return {
    kind: 'PERSON',
    subject: 'system:waitlist',
    displayName: 'Waitlist',
    roles: [Role.TENANT_ADMIN],
    scopes: [],
    tenantId,
    familyId: null,
  };
}

/** Runs `work` as the waitlist, in one transaction of the tenant, at the instant `now`. */
export function asWaitlist<T>(
  em: EntityManager,
  tenantId: string,
  now: Date,
  work: (ctx: TenantContext) => Promise<T>,
): Promise<T> {
  return inTenantTransaction(em.fork(), tenantId, async (tx) => {
    const tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
    return work({ em: tx, viewer: waitlistViewer(tenantId), tenant, now: () => now });
  });
}

export interface OfferJobPayload {
  tenantId: string;
  entryId: string;
}

/**
 * `waitlist_offer_expiry`, scheduled at an offer's deadline by the transaction that made it
 * (`guichet_schedule_offer_expiry`): expires the offer and passes the place on, if it is still open
 * and due at `now`. Idempotent: a retry, or a run after the family answered, changes nothing.
 */
export async function runOfferExpiry(
  em: EntityManager,
  payload: OfferJobPayload,
  now: Date,
  logger?: pino.Logger,
): Promise<boolean> {
  const expired = await asWaitlist(em, payload.tenantId, now, (ctx) => expireOffer(ctx, payload.entryId));
  if (expired) logger?.info({ entryId: payload.entryId }, 'waitlist offer expired');
  return expired;
}

/** `waitlist_offer_reminder`: the "offer expiring in N hours" notification, once, if still open. */
export function runOfferReminder(em: EntityManager, payload: OfferJobPayload, now: Date): Promise<boolean> {
  return asWaitlist(em, payload.tenantId, now, (ctx) => remindOffer(ctx, payload.entryId));
}

/** Hourly: every tenant's entries of past sessions close (see closePastEntries). */
export async function runWaitlistClosing(em: EntityManager, tenantIds: string[], now: Date): Promise<number> {
  let closed = 0;
  for (const tenantId of tenantIds) closed += await asWaitlist(em, tenantId, now, closePastEntries);
  return closed;
}
