/**
 * How an action reached Guichet (a reservation, an audited action): the family online, an agent
 * at the counter (guichet) on the family's behalf, a roll call's walk-in, an import, a waitlist.
 */
export enum ReservationChannel {
  ONLINE = 'ONLINE',
  COUNTER = 'COUNTER',
  WALK_IN = 'WALK_IN',
  IMPORT = 'IMPORT',
  /** Given by a session's waitlist: a freed place booked for the first entry, or an offer accepted. */
  WAITLIST = 'WAITLIST',
}
