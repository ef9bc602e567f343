import { msg } from '../../shared/i18n';
import type { TenantContext } from '../../auth/context';
import { AuditEvent } from '../../audit/audit-event.entity';
import { MAX_YEAR, MIN_YEAR } from '../../shared/dates';
import { BadInputError } from '../../shared/errors';
import { paginate, sql, type Condition, type Page, type PageArgs } from '../../shared/pagination';

export interface AuditFilter {
  from?: Date | null;
  to?: Date | null;
  actorId?: string | null;
  familyId?: string | null;
  action?: string | null;
}

/**
 * The tenant's audit trail, newest first, filtered by instants (from inclusive, to exclusive),
 * actor, family and action; keyset-paginated on (created_at, id) — served by the index
 * `audit_events_tenant_created_id_idx`. Tenant admins (declared on the query).
 */
export function listAuditEvents(
  ctx: TenantContext,
  filter: AuditFilter,
  page: PageArgs,
): Promise<Page<AuditEvent>> {
  for (const key of ['from', 'to'] as const) {
    const year = filter[key]?.getUTCFullYear();
    if (year !== undefined && (Number.isNaN(year) || year < MIN_YEAR || year > MAX_YEAR)) {
      throw new BadInputError(
        msg('admin.auditInstantYears', { field: `filter.${key}`, min: MIN_YEAR, max: MAX_YEAR }),
        ['filter', key],
      );
    }
  }
  if (filter.from && filter.to && filter.from > filter.to) {
    throw new BadInputError(msg('admin.auditFromAfterTo'), ['filter', 'from']);
  }
  const where: Condition[] = [];
  if (filter.from) where.push(sql('t.created_at >= ?', filter.from));
  if (filter.to) where.push(sql('t.created_at < ?', filter.to));
  if (filter.actorId) where.push(sql('t.actor = ?', filter.actorId));
  if (filter.familyId) where.push(sql('t.family_id = ?', filter.familyId));
  if (filter.action) where.push(sql('t.action = ?', filter.action));
  return paginate(
    ctx.em,
    {
      entity: AuditEvent,
      table: 'audit_events',
      tenantId: ctx.tenant.id,
      orderBy: ['created_at', 'id'],
      direction: 'desc',
      where,
    },
    page,
  );
}
