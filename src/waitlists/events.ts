import { gid, type DomainEvent } from '../events/emit';
import { ReservationChannel } from '../shared/channels';

/** The entry an event is about: its row's IDs and its session's day. */
export interface EntryFacts {
  entryId: string;
  sessionId: string;
  childId: string;
  familyId: string;
  date: string;
}

const entryData = (e: EntryFacts) => ({
  waitlistEntryId: gid('WaitlistEntry', e.entryId),
  sessionId: gid('Session', e.sessionId),
  childId: gid('Child', e.childId),
  familyId: gid('Family', e.familyId),
  date: e.date,
});

/** A waitlist event for webhooks (in the change's transaction), about the entry as aggregate. */
export function waitlistEvent(
  type: 'waitlist.offerMade' | 'waitlist.offerExpired' | 'waitlist.autoBooked',
  entry: EntryFacts,
  extra: DomainEvent['data'] = {},
): DomainEvent {
  return {
    type,
    aggregateId: gid('WaitlistEntry', entry.entryId),
    data: { ...entryData(entry), ...extra },
  };
}

/** `reservation.booked` for a reservation the waitlist made (auto-booked, or an offer accepted). */
export function bookedFromWaitlist(entry: EntryFacts, reservationId: string): DomainEvent {
  const id = gid('Reservation', reservationId);
  return {
    type: 'reservation.booked',
    aggregateId: id,
    data: {
      reservationId: id,
      sessionId: gid('Session', entry.sessionId),
      childId: gid('Child', entry.childId),
      familyId: gid('Family', entry.familyId),
      date: entry.date,
      channel: ReservationChannel.WAITLIST,
    },
  };
}
