import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { emitEvents, gid, type DomainEvent } from '../../events/emit';
import { NotificationKind, notify } from '../../notifications/notifications.service';
import { todayIn } from '../../shared/dates';
import { day, msg } from '../../shared/i18n';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { Checks } from '../validation';

export interface CancelledSession {
  sessionId: string;
  reservationsCancelled: number;
  waitlistEntriesClosed: number;
  /** Charges already on an invoice (a late cancellation billed before): a credit note settles them. */
  invoicedCharges: number;
}

/**
 * Cancels a session the town cannot hold (a closure decided late, a strike): in one transaction,
 * its live reservations (booked, or cancelled late and charged) become CANCELLED and their charges
 * not yet invoiced are removed — nobody pays for a session that did not take place —, its waitlist
 * entries close, every family concerned gets a notification, and the session can no longer be
 * booked. Refused for a past session (its roll call is billing's business) or one already
 * cancelled. The session row is locked first, as bookings lock it. Staff; audited.
 */
export const cancelSession = idempotentMutation(
  'cancelSession',
  async (
    ctx: TenantContext,
    input: { sessionId: string; reason: string },
  ): Promise<Outcome<CancelledSession>> => {
    const checks = new Checks();
    const reason = checks.text(input.reason, ['reason'], 500);
    if (!checks.ok) return { value: null, userErrors: checks.errors };
    const [session] = await ctx.em.execute<
      { id: string; date: string; cancelled_at: Date | null; service_name: string; places_taken: number }[]
    >(
      `select s.id, to_char(s.date, 'YYYY-MM-DD') as date, s.cancelled_at, s.places_taken, v.name as service_name
       from sessions s join services v on v.tenant_id = s.tenant_id and v.id = s.service_id
       where s.tenant_id = ? and s.id = ? for no key update of s`,
      [ctx.tenant.id, input.sessionId],
      'all',
      ctx.em.getLoggerContext(),
    );
    if (!session) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Session' }), ['sessionId']);
    if (session.cancelled_at)
      return refuse(UserErrorCode.NOT_ALLOWED, msg('admin.sessionCancelled', { date: day(session.date) }), [
        'sessionId',
      ]);
    if (session.date < todayIn(ctx.tenant.timeZone, ctx.now())) {
      return refuse(UserErrorCode.NOT_ALLOWED, msg('admin.sessionPast', { date: day(session.date) }), [
        'sessionId',
      ]);
    }
    const now = ctx.now();
    const invoiced = await ctx.em.execute<{ n: number }[]>(
      `select count(*)::int as n from charges c join reservations r on r.tenant_id = c.tenant_id and r.id = c.reservation_id
       where r.tenant_id = ? and r.session_id = ? and r.status <> 'CANCELLED' and c.invoice_id is not null`,
      [ctx.tenant.id, session.id],
      'all',
      ctx.em.getLoggerContext(),
    );
    await ctx.em.execute(
      `delete from charges c using reservations r where c.tenant_id = ? and r.tenant_id = c.tenant_id and r.id = c.reservation_id
         and r.session_id = ? and r.status <> 'CANCELLED' and c.invoice_id is null`,
      [ctx.tenant.id, session.id],
      'run',
      ctx.em.getLoggerContext(),
    );
    const cancelled = await ctx.em.execute<
      { id: string; child_id: string; family_id: string; first_name: string }[]
    >(
      `update reservations r set status = 'CANCELLED', cancelled_at = coalesce(r.cancelled_at, ?), updated_at = ?
       from children c where r.tenant_id = ? and r.session_id = ? and r.status <> 'CANCELLED'
         and c.tenant_id = r.tenant_id and c.id = r.child_id
       returning r.id, r.child_id, r.family_id, c.first_name`,
      [now, now, ctx.tenant.id, session.id],
      'all',
      ctx.em.getLoggerContext(),
    );
    const closed = await ctx.em.execute<
      { id: string; child_id: string; family_id: string; first_name: string }[]
    >(
      `update waitlist_entries e set status = 'EXPIRED', closed_at = ?, closed_reason = 'SESSION_CANCELLED', updated_at = ?
       from children c where e.tenant_id = ? and e.session_id = ? and e.status in ('WAITING', 'OFFERED')
         and c.tenant_id = e.tenant_id and c.id = e.child_id
       returning e.id, e.child_id, e.family_id, c.first_name`,
      [now, now, ctx.tenant.id, session.id],
      'all',
      ctx.em.getLoggerContext(),
    );
    // Every place held (reservations and offers) is given back; nobody can take one again.
    await ctx.em.execute(
      `update sessions set places_taken = 0, cancelled_at = ? where tenant_id = ? and id = ?`,
      [now, ctx.tenant.id, session.id],
      'run',
      ctx.em.getLoggerContext(),
    );
    for (const r of cancelled) {
      notify(ctx, {
        familyId: r.family_id,
        kind: NotificationKind.SESSION_CANCELLED,
        message: msg('notification.sessionCancelledBooking', {
          service: session.service_name,
          date: day(session.date),
          reason,
          child: r.first_name,
        }),
        childId: r.child_id,
        sessionId: session.id,
        data: { reservationId: r.id, reason },
      });
    }
    for (const e of closed) {
      notify(ctx, {
        familyId: e.family_id,
        kind: NotificationKind.SESSION_CANCELLED,
        message: msg('notification.sessionCancelledWaitlist', {
          service: session.service_name,
          date: day(session.date),
          reason,
          child: e.first_name,
        }),
        childId: e.child_id,
        sessionId: session.id,
        waitlistEntryId: e.id,
        data: { reason },
      });
    }
    await emitEvents(
      ctx,
      cancelled.map((r): DomainEvent => {
        const id = gid('Reservation', r.id);
        return {
          type: 'reservation.cancelled',
          aggregateId: id,
          data: {
            reservationId: id,
            sessionId: gid('Session', session.id),
            childId: gid('Child', r.child_id),
            familyId: gid('Family', r.family_id),
            status: 'CANCELLED',
          },
        };
      }),
    );
    const value: CancelledSession = {
      sessionId: session.id,
      reservationsCancelled: cancelled.length,
      waitlistEntriesClosed: closed.length,
      invoicedCharges: invoiced[0].n,
    };
    audit(ctx, {
      action: 'SESSION_CANCELLED',
      subjectId: session.id,
      details: {
        date: session.date,
        reason,
        before: { cancelledAt: null, placesTaken: session.places_taken },
        after: { cancelledAt: now.toISOString(), placesTaken: 0 },
        ...value,
      },
    });
    await ctx.em.flush();
    return done(value);
  },
);
