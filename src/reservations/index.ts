import type { Domain } from '../graphql/domain';
import { SessionBookingResolver, SessionBookingStatusResolver } from './booking-status.resolver';
import { ChildReservationsResolver } from './child-reservations.resolver';
import {
  ChargeResolver,
  FamilyReservationsResolver,
  ReservationResolver,
  SessionReservationsResolver,
} from './reservation.resolver';
import { createReservationLoaders } from './reservations.loaders';

/** Reservations (booking, cancelling) and the charges their outcomes create. */
export const reservationsDomain: Domain = {
  name: 'reservations',
  resolvers: [
    ReservationResolver,
    ChargeResolver,
    SessionReservationsResolver,
    FamilyReservationsResolver,
    SessionBookingStatusResolver,
    SessionBookingResolver,
    ChildReservationsResolver,
  ],
  loaders: createReservationLoaders,
};
