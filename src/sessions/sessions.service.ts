import type { TenantContext } from '../auth/context';
import { BadInputError } from '../shared/errors';
import { paginate, sql, type Condition, type Page, type PageArgs } from '../shared/pagination';
import { Session } from './session.entity';

export interface SessionFilter {
  serviceId?: string | null;
  facilityId?: string | null;
  from?: string | null;
  to?: string | null;
  /** Only sessions with at least one place left. */
  onlyAvailable?: boolean | null;
}

export function placesLeft(session: Session): number {
  return Math.max(0, session.capacity - session.placesTaken);
}

/** Sessions by date and period, filtered by service, facility, dates and places left. */
export function listSessions(
  ctx: TenantContext,
  filter: SessionFilter,
  page: PageArgs,
): Promise<Page<Session>> {
  if (filter.from && filter.to && filter.from > filter.to) {
    throw new BadInputError('"filter.from" is after "filter.to".', ['filter', 'from']);
  }
  const where: Condition[] = [];
  if (filter.serviceId) where.push(sql('t.service_id = ?', filter.serviceId));
  if (filter.facilityId) where.push(sql('t.facility_id = ?', filter.facilityId));
  if (filter.from) where.push(sql('t.date >= ?', filter.from));
  if (filter.to) where.push(sql('t.date <= ?', filter.to));
  if (filter.onlyAvailable) where.push(sql('t.places_left > 0'));
  return paginate(
    ctx.em,
    {
      entity: Session,
      table: 'sessions',
      tenantId: ctx.tenant.id,
      orderBy: ['date', 'period', 'id'],
      direction: 'asc',
      where,
    },
    page,
  );
}
