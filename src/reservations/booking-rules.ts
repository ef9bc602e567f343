import { isStaff, Role, type Viewer } from '../auth/viewer';
import { OperatingMode } from '../tenants/tenant.entity';
import { msg, type Message } from '../shared/i18n';
import { UserErrorCode, type UserErrorData } from '../shared/user-errors';
import { ReservationChannel } from './reservation.entity';

/** A refusal of the operating mode: its code, its message, and the mode (reason OPERATING_MODE). */
export type ModeRefusal = Omit<UserErrorData, 'field'>;

/**
 * Whether the viewer may write bookings in a service's operating mode:
 * NORMAL: families and agents; WALK_IN and COUNTER_ONLY: agents only (families' online booking is
 * closed); READ_ONLY: nobody. Returns the refusal, or null.
 */
export function modeRefusal(mode: OperatingMode, viewer: Viewer): ModeRefusal | null {
  const refusal = (message: Message): ModeRefusal => ({
    code: UserErrorCode.NOT_ALLOWED_IN_MODE,
    message,
    reason: 'OPERATING_MODE',
    mode,
  });
  if (mode === OperatingMode.READ_ONLY) return refusal(msg('mode.readOnly'));
  if (mode !== OperatingMode.NORMAL && !isStaff(viewer)) {
    return refusal(msg(mode === OperatingMode.WALK_IN ? 'mode.walkIn' : 'mode.counterOnly'));
  }
  return null;
}

/** Staff act at the counter on a family's behalf; families and their portals book online. */
export function channelFor(viewer: Viewer): ReservationChannel {
  return isStaff(viewer) && !viewer.roles.includes(Role.PARENT)
    ? ReservationChannel.COUNTER
    : ReservationChannel.ONLINE;
}
