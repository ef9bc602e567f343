import DataLoader from 'dataloader';
import type { TenantContext } from '../auth/context';
import { byId, groupBy } from '../shared/loaders';
import { Facility } from './facility.entity';
import { PriceBracket } from './price-bracket.entity';
import { Service } from './service.entity';

export function createFacilityLoaders({ em }: Pick<TenantContext, 'em'>) {
  return {
    facilityById: new DataLoader<string, Facility | null>(async (ids) =>
      byId(ids, await em.find(Facility, { id: { $in: [...ids] } })),
    ),
    serviceById: new DataLoader<string, Service | null>(async (ids) =>
      byId(ids, await em.find(Service, { id: { $in: [...ids] } })),
    ),
    servicesByFacilityId: new DataLoader<string, Service[]>(async (facilityIds) =>
      groupBy(
        facilityIds,
        await em.find(
          Service,
          { facility: { $in: [...facilityIds] } },
          { orderBy: { name: 'asc', id: 'asc' } },
        ),
        (service) => service.facility!.id,
      ),
    ),
    priceBracketsByServiceId: new DataLoader<string, PriceBracket[]>(async (serviceIds) =>
      groupBy(
        serviceIds,
        await em.find(
          PriceBracket,
          { service: { $in: [...serviceIds] } },
          { orderBy: { minQuotient: 'asc' } },
        ),
        (bracket) => bracket.service.id,
      ),
    ),
  };
}

declare module '../graphql/context' {
  interface Loaders extends ReturnType<typeof createFacilityLoaders> {}
}
