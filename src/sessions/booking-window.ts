import { addDays, localInstant } from '../shared/dates';
import { workingDaysBefore } from '../calendars/public-holidays';
import { cancellationNoticeDays } from '../facilities/facilities.service';
import type { Service } from '../facilities/service.entity';
import type { Tenant } from '../tenants/tenant.entity';

export interface BookingWindow {
  /** Booking opens at this instant; null: open as soon as the session exists. */
  opensAt: Date | null;
  /** Booking closes at this instant. */
  closesAt: Date;
  /** Cancelling before this instant is free; from it on, the reservation is billed. */
  freeCancellationUntil: Date;
}

/**
 * A session's booking window, computed in the tenant's time zone:
 * - opens at the policy's instant, or `opensDaysBefore` days before the session at 00:00 local;
 * - closes `closesDaysBefore` days (working days when `closesOnWorkingDays`: weekends and the
 *   tenant's public holidays skipped) before the session, at `closesAtTime` local;
 * - cancelling is free through the day that is `notice` days before the session, i.e. until
 *   00:00 local of the day after it (Saint-Nazaire, 15 days: a 20 July slot is free to cancel
 *   through 5 July).
 */
export function bookingWindow(sessionDate: string, service: Service, tenant: Tenant): BookingWindow {
  const policy = service.bookingPolicy;
  const zone = tenant.timeZone;
  const opensAt =
    policy.opensAt ??
    (policy.opensDaysBefore != null
      ? localInstant(addDays(sessionDate, -policy.opensDaysBefore), '00:00', zone)
      : null);
  const closingDay = policy.closesOnWorkingDays
    ? workingDaysBefore(sessionDate, policy.closesDaysBefore, tenant.holidayRegion)
    : addDays(sessionDate, -policy.closesDaysBefore);
  const notice = cancellationNoticeDays(service, tenant);
  return {
    opensAt,
    closesAt: localInstant(closingDay, policy.closesAtTime, zone),
    freeCancellationUntil: localInstant(addDays(sessionDate, -notice + 1), '00:00', zone),
  };
}
