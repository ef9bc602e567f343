import { isStaff, Role, type Viewer } from '../auth/viewer';
import { OperatingMode } from '../tenants/tenant.entity';
import { UserErrorCode } from '../shared/user-errors';
import { ReservationChannel } from './reservation.entity';
import type { BookingWindow } from '../sessions/booking-window';

/**
 * Whether the viewer may write bookings in a service's operating mode:
 * NORMAL: families and agents; WALK_IN and COUNTER_ONLY: agents only (families' online booking is
 * closed); READ_ONLY: nobody. Returns the refusal, or null.
 */
export function modeRefusal(
  mode: OperatingMode,
  viewer: Viewer,
): { code: UserErrorCode; message: string } | null {
  if (mode === OperatingMode.READ_ONLY) {
    return {
      code: UserErrorCode.NOT_ALLOWED_IN_MODE,
      message: 'This service is read-only for now: no booking can change.',
    };
  }
  if (mode !== OperatingMode.NORMAL && !isStaff(viewer)) {
    return {
      code: UserErrorCode.NOT_ALLOWED_IN_MODE,
      message:
        mode === OperatingMode.WALK_IN
          ? 'Online booking is closed: children are welcomed without a reservation.'
          : 'Online booking is closed: please book at the counter.',
    };
  }
  return null;
}

/** Whether booking is open at `now`. */
export function windowRefusal(
  window: BookingWindow,
  now: Date,
): { code: UserErrorCode; message: string } | null {
  if (window.opensAt && now < window.opensAt) {
    return { code: UserErrorCode.NOT_OPEN, message: `Booking opens at ${window.opensAt.toISOString()}.` };
  }
  if (now >= window.closesAt) {
    return { code: UserErrorCode.CLOSED, message: `Booking closed at ${window.closesAt.toISOString()}.` };
  }
  return null;
}

/** Staff act at the counter on a family's behalf; families and their portals book online. */
export function channelFor(viewer: Viewer): ReservationChannel {
  return isStaff(viewer) && !viewer.roles.includes(Role.PARENT)
    ? ReservationChannel.COUNTER
    : ReservationChannel.ONLINE;
}
