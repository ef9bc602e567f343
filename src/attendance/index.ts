import type { Domain } from '../graphql/domain';
import { createAttendanceLoaders } from './attendance.loaders';
import { AttendanceResolver, ReservationAbsenceResolver } from './attendance.resolver';
import { MealCountResolver } from './meal-counts.resolver';
import { AttendanceConflictResolver } from './conflicts.resolver';

/** Roll calls, walk-ins, absence reasons and justifications, and the kitchen's meal counts. */
export const attendanceDomain: Domain = {
  name: 'attendance',
  resolvers: [AttendanceResolver, ReservationAbsenceResolver, MealCountResolver, AttendanceConflictResolver],
  loaders: createAttendanceLoaders,
};
