import DataLoader from 'dataloader';
import type { TenantContext } from '../auth/context';
import { byId } from '../shared/loaders';
import { AbsenceReason } from '../reservations/absence-reason.entity';

export function createAttendanceLoaders({ em }: Pick<TenantContext, 'em'>) {
  return {
    absenceReasonById: new DataLoader<string, AbsenceReason | null>(async (ids) =>
      byId(ids, await em.find(AbsenceReason, { id: { $in: [...ids] } })),
    ),
  };
}

declare module '../graphql/context' {
  interface Loaders extends ReturnType<typeof createAttendanceLoaders> {}
}
