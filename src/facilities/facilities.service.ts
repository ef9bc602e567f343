import type { FilterQuery } from '@mikro-orm/core';
import { can, Role, Scope } from '../auth/viewer';
import { BadInputError, ForbiddenError } from '../shared/errors';
import { paginate, type Page, type PageArgs } from '../shared/pagination';
import { requireTenant, type ServiceContext } from '../shared/service-context';
import type { OperatingMode, Tenant } from '../tenants/tenant.entity';
import { Facility, type FacilityKind } from './facility.entity';
import type { PriceBracket } from './price-bracket.entity';
import { Service, type ServiceKind } from './service.entity';

/** Facilities and services are the tenant's public offer: every caller of the tenant may read them. */
export function assertCanReadCatalog(ctx: ServiceContext): void {
  requireTenant(ctx);
  if (!ctx.viewer.roles.includes(Role.PARENT) && !can(ctx.viewer, Scope.CATALOG_READ)) {
    throw new ForbiddenError('This API key lacks the catalog:read scope.');
  }
}

export function listFacilities(
  ctx: ServiceContext,
  args: PageArgs & { kind?: FacilityKind | null },
): Promise<Page<Facility>> {
  assertCanReadCatalog(ctx);
  const where: FilterQuery<Facility> = args.kind ? { kind: args.kind } : {};
  return paginate(ctx.em, Facility, where, { name: 'asc', id: 'asc' }, args);
}

export function listServices(
  ctx: ServiceContext,
  args: PageArgs & { kind?: ServiceKind | null; facilityId?: string | null },
): Promise<Page<Service>> {
  assertCanReadCatalog(ctx);
  const where: FilterQuery<Service> = {};
  if (args.kind) where.kind = args.kind;
  if (args.facilityId) where.facility = args.facilityId;
  return paginate(ctx.em, Service, where, { name: 'asc', id: 'asc' }, args);
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
  if (quotient < 0) throw new BadInputError('A family quotient cannot be negative.', ['familyQuotient']);
  const bracket = valid.find(
    (b) => b.minQuotient <= quotient && (b.maxQuotient == null || quotient < b.maxQuotient),
  );
  // A gap in the grid is a configuration error, never silently the top price.
  return bracket?.unitPrice ?? null;
}
