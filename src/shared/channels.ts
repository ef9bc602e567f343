/**
 * How an action reached Guichet (a reservation, an audited action): the family online, an agent
 * at the counter (guichet) on the family's behalf, a roll call's walk-in, an import.
 */
export enum ReservationChannel {
  ONLINE = 'ONLINE',
  COUNTER = 'COUNTER',
  WALK_IN = 'WALK_IN',
  IMPORT = 'IMPORT',
}
