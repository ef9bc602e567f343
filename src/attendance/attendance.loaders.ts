import DataLoader from 'dataloader';
import type { TenantContext } from '../auth/context';
import { lightFind } from '../shared/light-entities';
import { byId } from '../shared/loaders';
import { AbsenceReason } from '../reservations/absence-reason.entity';

export function createAttendanceLoaders(ctx: TenantContext) {
  const { em } = ctx;
  return {
    absenceReasonById: new DataLoader<string, AbsenceReason | null>(async (ids) =>
      byId(
        ids,
        await lightFind<AbsenceReason>(em, AbsenceReason, {
          tenantId: ctx.tenant.id,
          column: 'id',
          values: ids,
        }),
      ),
    ),
  };
}

declare module '../graphql/context' {
  interface Loaders extends ReturnType<typeof createAttendanceLoaders> {}
}
