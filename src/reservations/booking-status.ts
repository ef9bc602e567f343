import type { Viewer } from '../auth/viewer';
import { closureOn } from '../calendars/closures';
import { ineligibility, type ChildFacts, type IneligibilityReason } from '../facilities/eligibility';
import { effectiveOperatingMode, tenantCalendars } from '../facilities/facilities.service';
import type { Service } from '../facilities/service.entity';
import { bookingWindow } from '../sessions/booking-window';
import type { Session } from '../sessions/session.entity';
import { placesLeft } from '../sessions/sessions.service';
import { day, instant, msg, type Message } from '../shared/i18n';
import { UserErrorCode, userError, type UserErrorData, type UserErrorDetails } from '../shared/user-errors';
import type { Tenant } from '../tenants/tenant.entity';
import { modeRefusal } from './booking-rules';

/** Whether a child can be booked on a session now, and if not, why. */
export enum BookingStatus {
  OPEN = 'OPEN',
  NOT_YET_OPEN = 'NOT_YET_OPEN',
  CLOSED = 'CLOSED',
  FULL = 'FULL',
  NOT_ELIGIBLE = 'NOT_ELIGIBLE',
  ALREADY_BOOKED = 'ALREADY_BOOKED',
}

/** The precise reason behind a status other than OPEN. */
export type BookingReason =
  | 'OPERATING_MODE'
  | 'HOLIDAY'
  | 'SESSION_CANCELLED'
  | 'BOOKING_WINDOW'
  | 'OVERLAP'
  | 'NO_PLACE_LEFT'
  | 'ALREADY_BOOKED'
  | IneligibilityReason;

export interface BookingDecision {
  status: BookingStatus;
  reason: BookingReason | null;
  /** When booking opens (NOT_YET_OPEN) and closes; null when it opens with the session. */
  opensAt: Date | null;
  closesAt: Date;
  placesLeft: number;
  /** The holiday's name, for HOLIDAY. */
  holiday: string | null;
  /** The age bound in months, for TOO_YOUNG and TOO_OLD. */
  ageMonths: number | null;
  /** The session of the child's reservation that overlaps this one, for OVERLAP. */
  overlappingSessionId: string | null;
}

/** Everything a booking decision needs about one child and one session, loaded beforehand. */
export interface BookingFacts {
  viewer: Viewer;
  tenant: Tenant;
  service: Service;
  session: Session;
  child: ChildFacts;
  now: Date;
  /** The child already holds a live reservation on this session. */
  alreadyBooked: boolean;
  /** A live reservation of the child on another session at overlapping hours, if any. */
  overlappingSessionId: string | null;
}

/**
 * The one booking rule, for `reserve` and `Session.bookingStatus` alike, checked in this order:
 * the operating mode (families cannot book online in an outage mode), the calendars (a holiday
 * closes the service), eligibility (age range and audience), an existing reservation, the booking
 * window, overlapping hours, places left. PostgreSQL holds capacity and overlaps again when the
 * booking is written.
 */
export function decideBooking(facts: BookingFacts): BookingDecision {
  const { service, session, tenant } = facts;
  const window = bookingWindow(session.date, service, tenant);
  const base: BookingDecision = {
    status: BookingStatus.OPEN,
    reason: null,
    opensAt: window.opensAt,
    closesAt: window.closesAt,
    placesLeft: placesLeft(session),
    holiday: null,
    ageMonths: null,
    overlappingSessionId: null,
  };
  const no = (status: BookingStatus, reason: BookingReason, extra: Partial<BookingDecision> = {}) => ({
    ...base,
    status,
    reason,
    ...extra,
  });
  if (modeRefusal(effectiveOperatingMode(service, tenant), facts.viewer)) {
    return no(BookingStatus.CLOSED, 'OPERATING_MODE');
  }
  // Cancelled by the town (cancelSession): nobody books it again.
  if (session.cancelledAt) return no(BookingStatus.CLOSED, 'SESSION_CANCELLED');
  const closure = closureOn(session.date, tenantCalendars(tenant), service);
  if (closure) return no(BookingStatus.CLOSED, 'HOLIDAY', { holiday: closure.name });
  const ineligible = ineligibility(facts.child, service, {
    date: session.date,
    facilityId: session.facility?.id ?? null,
  });
  if (ineligible) {
    return no(BookingStatus.NOT_ELIGIBLE, ineligible.reason, { ageMonths: ineligible.ageMonths ?? null });
  }
  if (facts.alreadyBooked) return no(BookingStatus.ALREADY_BOOKED, 'ALREADY_BOOKED');
  if (window.opensAt && facts.now < window.opensAt) return no(BookingStatus.NOT_YET_OPEN, 'BOOKING_WINDOW');
  if (facts.now >= window.closesAt) return no(BookingStatus.CLOSED, 'BOOKING_WINDOW');
  if (facts.overlappingSessionId) {
    return no(BookingStatus.NOT_ELIGIBLE, 'OVERLAP', { overlappingSessionId: facts.overlappingSessionId });
  }
  if (base.placesLeft <= 0) return no(BookingStatus.FULL, 'NO_PLACE_LEFT');
  return base;
}

/** The user error a refused decision becomes in a mutation's payload (null when OPEN). */
export function bookingRefusal(
  decision: BookingDecision,
  facts: Pick<BookingFacts, 'viewer' | 'service' | 'tenant' | 'session'>,
  field: string[],
): UserErrorData | null {
  const date = facts.session.date;
  const error = (code: UserErrorCode, message: Message, extra: UserErrorDetails = {}): UserErrorData =>
    userError(code, message, field, {
      reason: decision.reason ?? undefined,
      date,
      opensAt: decision.opensAt?.toISOString(),
      closesAt: decision.closesAt.toISOString(),
      placesLeft: decision.placesLeft,
      ...extra,
    });
  const on = { date: day(date) };
  switch (decision.reason) {
    case null:
      return null;
    case 'OPERATING_MODE': {
      const { code, message, ...refusal } = modeRefusal(
        effectiveOperatingMode(facts.service, facts.tenant),
        facts.viewer,
      )!;
      return error(code, message, refusal);
    }
    case 'HOLIDAY':
      return error(UserErrorCode.CLOSED, msg('booking.holiday', { ...on, holiday: decision.holiday ?? '' }), {
        holiday: decision.holiday,
      });
    case 'SESSION_CANCELLED':
      return error(UserErrorCode.CLOSED, msg('admin.sessionCancelled', on));
    case 'TOO_YOUNG':
    case 'TOO_OLD':
      return error(
        UserErrorCode.NOT_ELIGIBLE,
        msg(decision.reason === 'TOO_YOUNG' ? 'booking.tooYoung' : 'booking.tooOld', {
          months: decision.ageMonths ?? 0,
        }),
        { ageMonths: decision.ageMonths ?? undefined },
      );
    case 'NOT_A_PUPIL':
      return error(UserErrorCode.NOT_ELIGIBLE, msg('booking.notAPupil'));
    case 'AT_SCHOOL':
      return error(UserErrorCode.NOT_ELIGIBLE, msg('booking.atSchool'));
    case 'ALREADY_BOOKED':
      return error(UserErrorCode.ALREADY_BOOKED, msg('booking.alreadyBooked', on));
    case 'BOOKING_WINDOW':
      return decision.status === BookingStatus.NOT_YET_OPEN
        ? error(UserErrorCode.NOT_OPEN, msg('booking.notYetOpen', { opensAt: instant(decision.opensAt!) }))
        : error(UserErrorCode.CLOSED, msg('booking.closed', { ...on, closesAt: instant(decision.closesAt) }));
    case 'OVERLAP':
      return error(UserErrorCode.OVERLAP, msg('booking.overlap', on), {
        related: { type: 'Session', id: decision.overlappingSessionId! },
      });
    case 'NO_PLACE_LEFT':
      return error(UserErrorCode.FULL, msg('booking.full', on));
  }
}
