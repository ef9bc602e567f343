import DataLoader from 'dataloader';
import type { TenantContext } from '../auth/context';
import { lightFind } from '../shared/light-entities';
import { byId, groupBy } from '../shared/loaders';
import { Facility } from './facility.entity';
import { PriceBracket } from './price-bracket.entity';
import { Service } from './service.entity';

export function createFacilityLoaders(ctx: TenantContext) {
  const { em } = ctx;
  const tenantId = () => ctx.tenant.id;
  return {
    facilityById: new DataLoader<string, Facility | null>(async (ids) =>
      byId(ids, await lightFind<Facility>(em, Facility, { tenantId: tenantId(), column: 'id', values: ids })),
    ),
    serviceById: new DataLoader<string, Service | null>(async (ids) =>
      byId(ids, await lightFind<Service>(em, Service, { tenantId: tenantId(), column: 'id', values: ids })),
    ),
    servicesByFacilityId: new DataLoader<string, Service[]>(async (facilityIds) =>
      groupBy(
        facilityIds,
        await lightFind<Service>(em, Service, {
          tenantId: tenantId(),
          column: 'facility_id',
          values: facilityIds,
          orderBy: 't.name, t.id',
        }),
        (service) => service.facility!.id,
      ),
    ),
    priceBracketsByServiceId: new DataLoader<string, PriceBracket[]>(async (serviceIds) =>
      groupBy(
        serviceIds,
        await lightFind<PriceBracket>(em, PriceBracket, {
          tenantId: tenantId(),
          column: 'service_id',
          values: serviceIds,
          orderBy: 't.min_quotient, t.id',
        }),
        (bracket) => bracket.service.id,
      ),
    ),
  };
}

declare module '../graphql/context' {
  interface Loaders extends ReturnType<typeof createFacilityLoaders> {}
}
