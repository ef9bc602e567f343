import type { TenantContext } from '../auth/context';
import type { TenantCalendars } from '../calendars/closures';
import { BadInputError } from '../shared/errors';
import { paginate, sql, type Page, type PageArgs } from '../shared/pagination';
import type { OperatingMode, Tenant } from '../tenants/tenant.entity';
import { Facility, type FacilityKind } from './facility.entity';
import type { PriceBracket } from './price-bracket.entity';
import { Service, type ServiceKind } from './service.entity';
import { msg } from '../shared/i18n';

/** The tenant's facilities by name, optionally of one kind. */
export function listFacilities(
  ctx: TenantContext,
  args: PageArgs & { kind?: FacilityKind | null },
): Promise<Page<Facility>> {
  return paginate(
    ctx.em,
    {
      entity: Facility,
      table: 'facilities',
      tenantId: ctx.tenant.id,
      orderBy: ['name', 'id'],
      direction: 'asc',
      // Archived facilities leave the catalogue (they stay in history).
      where: [sql('t.archived_at is null'), ...(args.kind ? [sql('t.kind = ?', args.kind)] : [])],
    },
    args,
  );
}

/** The tenant's services by name, optionally of one kind or one facility. */
export function listServices(
  ctx: TenantContext,
  args: PageArgs & { kind?: ServiceKind | null; facilityId?: string | null },
): Promise<Page<Service>> {
  return paginate(
    ctx.em,
    {
      entity: Service,
      table: 'services',
      tenantId: ctx.tenant.id,
      orderBy: ['name', 'id'],
      direction: 'asc',
      where: [
        sql('t.archived_at is null'),
        ...(args.kind ? [sql('t.kind = ?', args.kind)] : []),
        ...(args.facilityId ? [sql('t.facility_id = ?', args.facilityId)] : []),
      ],
    },
    args,
  );
}

/** The calendars of a tenant that close its services on holidays. */
export function tenantCalendars(tenant: Tenant): TenantCalendars {
  return { holidayRegion: tenant.holidayRegion, schoolCalendar: tenant.config.schoolCalendar ?? null };
}

/** The mode a service runs in: its own override, else its tenant's. */
export function effectiveOperatingMode(service: Service, tenant: Tenant): OperatingMode {
  return service.operatingModeOverride ?? tenant.config.operatingMode;
}

/** Days of free-cancellation notice: the service's own, else its tenant's. */
export function cancellationNoticeDays(service: Service, tenant: Tenant): number {
  return service.bookingPolicy.cancellationNoticeDays ?? tenant.config.cancellationNoticeDays;
}

/** Grid lines valid on a date, lowest quotient first. */
export function bracketsValidOn(brackets: PriceBracket[], date: string): PriceBracket[] {
  return brackets
    .filter((b) => b.validFrom <= date && (!b.validTo || b.validTo >= date))
    .sort((a, b) => a.minQuotient - b.minQuotient);
}

/**
 * The unit price for a family quotient on a date: the bracket with minQuotient <= quotient <
 * maxQuotient. A family with no quotient on file pays the top bracket (as municipalities do when
 * no income proof is given). Null when the grid has no line for that date or that quotient.
 */
export function unitPriceFor(
  brackets: PriceBracket[],
  quotient: number | null | undefined,
  date: string,
): number | null {
  const valid = bracketsValidOn(brackets, date);
  if (valid.length === 0) return null;
  if (quotient === null || quotient === undefined) return valid[valid.length - 1].unitPrice;
  if (quotient < 0) throw new BadInputError(msg('input.negativeQuotient'), ['familyQuotient']);
  const bracket = valid.find(
    (b) => b.minQuotient <= quotient && (b.maxQuotient == null || quotient < b.maxQuotient),
  );
  // A gap in the grid is a configuration error, never silently the top price.
  return bracket?.unitPrice ?? null;
}
