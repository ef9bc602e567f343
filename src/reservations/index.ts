import type { Domain } from '../graphql/domain';
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
  resolvers: [ReservationResolver, ChargeResolver, SessionReservationsResolver, FamilyReservationsResolver],
  loaders: createReservationLoaders,
};
