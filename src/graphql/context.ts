import type { FastifyBaseLogger } from 'fastify';
import type { ServiceContext } from '../shared/service-context';
import type { Viewer } from '../auth/viewer';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createFamilyLoaders } from '../families/families.loaders';
import { createFacilityLoaders } from '../facilities/facilities.loaders';
import { createSessionLoaders } from '../sessions/sessions.loaders';
import { createReservationLoaders } from '../reservations/reservations.loaders';
import { createBillingLoaders } from '../billing/billing.loaders';

/** Every per-request DataLoader, created fresh for each request so nothing is cached across viewers. */
export function createLoaders(em: EntityManager, viewer: Viewer) {
  return {
    ...createFamilyLoaders(em),
    ...createFacilityLoaders(em),
    ...createSessionLoaders(em),
    ...createReservationLoaders(em, viewer.familyId),
    ...createBillingLoaders(em, viewer.tenantId),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** The GraphQL request context: the service context plus per-request plumbing. */
export interface GraphQLContext extends ServiceContext {
  requestId: string;
  loaders: Loaders;
  /** The request's child logger (carries the request id). */
  log: FastifyBaseLogger;
}
