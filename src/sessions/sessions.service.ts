import type { TenantContext } from '../auth/context';
import { eligibleSessions } from '../facilities/eligibility';
import { childFacts, visibleChild } from '../families/families.service';
import { todayIn } from '../shared/dates';
import { BadInputError } from '../shared/errors';
import { paginate, sql, type Condition, type Page, type PageArgs } from '../shared/pagination';
import { Session } from './session.entity';
import { msg } from '../shared/i18n';

export interface SessionFilter {
  serviceId?: string | null;
  facilityId?: string | null;
  from?: string | null;
  to?: string | null;
  /** Only sessions with at least one place left. */
  onlyAvailable?: boolean | null;
  /** Only sessions this child may attend (its age, its school); from today unless `from` says. */
  childId?: string | null;
}

export function placesLeft(session: Session): number {
  return Math.max(0, session.capacity - session.placesTaken);
}

/**
 * Sessions by date and period, filtered by service, facility, dates, places left, and the child
 * who would attend (the service's audience and age range: `eligibleSessions`). For a child or a
 * parent, the list starts today (tenant-local) unless `from` is given. A child the viewer may not
 * act for raises NOT_FOUND.
 */
export async function listSessions(
  ctx: TenantContext,
  filter: SessionFilter,
  page: PageArgs,
): Promise<Page<Session>> {
  const from =
    filter.from ?? (filter.childId || ctx.viewer.familyId ? todayIn(ctx.tenant.timeZone, ctx.now()) : null);
  if (from && filter.to && from > filter.to) {
    throw new BadInputError(msg('input.toBeforeFrom', { from: 'filter.from', to: 'filter.to' }), [
      'filter',
      'from',
    ]);
  }
  const where: Condition[] = [];
  if (filter.childId) {
    const child = await visibleChild(ctx, filter.childId);
    where.push(eligibleSessions(await childFacts(ctx, child)));
  }
  if (filter.serviceId) where.push(sql('t.service_id = ?', filter.serviceId));
  if (filter.facilityId) where.push(sql('t.facility_id = ?', filter.facilityId));
  if (from) where.push(sql('t.date >= ?', from));
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
