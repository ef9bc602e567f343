import type { Domain } from '../graphql/domain';
import { SessionBookingStatusResolver } from './booking-status.resolver';
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
    ChildReservationsResolver,
  ],
  loaders: createReservationLoaders,
};
