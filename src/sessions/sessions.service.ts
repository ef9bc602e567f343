import type { FilterQuery } from '@mikro-orm/core';
import { parseLocalDate } from '../shared/dates';
import { BadInputError } from '../shared/errors';
import { paginate, type Page, type PageArgs } from '../shared/pagination';
import type { ServiceContext } from '../shared/service-context';
import { assertCanReadCatalog } from '../facilities/facilities.service';
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

export function listSessions(
  ctx: ServiceContext,
  filter: SessionFilter,
  page: PageArgs,
): Promise<Page<Session>> {
  assertCanReadCatalog(ctx);
  const where: FilterQuery<Session> = {};
  if (filter.serviceId) where.service = filter.serviceId;
  if (filter.facilityId) where.facility = filter.facilityId;
  const from = filter.from ? parseLocalDate(filter.from, 'filter.from') : undefined;
  const to = filter.to ? parseLocalDate(filter.to, 'filter.to') : undefined;
  if (from && to && from > to)
    throw new BadInputError('"filter.from" is after "filter.to".', ['filter', 'from']);
  if (from || to) where.date = { ...(from ? { $gte: from } : {}), ...(to ? { $lte: to } : {}) };
  if (filter.onlyAvailable) {
    where.placesLeftColumn = { $gt: 0 };
  }
  return paginate(ctx.em, Session, where, { date: 'asc', period: 'asc', id: 'asc' }, page);
}
