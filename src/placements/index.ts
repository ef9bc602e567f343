import type { Domain } from '../graphql/domain';
import {
  FacilityPlacementFieldsResolver,
  PlacementAdminResolver,
  TenantPlacementFieldsResolver,
} from './graphql/admin.resolver';
import {
  PlacementApplicationResolver,
  PreferenceFieldsResolver,
  StandingFieldsResolver,
} from './graphql/application.resolver';
import './graphql/enums';
import { PlacementFieldsResolver, PlacementOfferResolver } from './graphql/offer.resolver';
import {
  AllocationRoundResolver,
  ProposalFieldsResolver,
  QueueEntryFieldsResolver,
  QueueFieldsResolver,
} from './graphql/round.resolver';
import { GroupFiguresResolver, PlacementStatisticsResolver } from './graphql/statistics.resolver';
import { GroupMonthsResolver } from './graphql/places.resolver';
import {
  AdmissionPolicyResolver,
  CriterionAtFacilityResolver,
  FacilityAdmissionResolver,
} from './graphql/published.resolver';
import { createPlacementLoaders } from './placements.loaders';

/**
 * Childcare places (docs/placements.md): applications ranked over several facilities, allocation
 * rounds by deferred acceptance, offers, placements and urgent places.
 */
export const placementsDomain: Domain = {
  name: 'placements',
  resolvers: [
    PlacementApplicationResolver,
    PreferenceFieldsResolver,
    StandingFieldsResolver,
    AllocationRoundResolver,
    ProposalFieldsResolver,
    QueueEntryFieldsResolver,
    QueueFieldsResolver,
    PlacementOfferResolver,
    PlacementFieldsResolver,
    PlacementAdminResolver,
    TenantPlacementFieldsResolver,
    FacilityPlacementFieldsResolver,
    PlacementStatisticsResolver,
    GroupFiguresResolver,
    GroupMonthsResolver,
    AdmissionPolicyResolver,
    CriterionAtFacilityResolver,
    FacilityAdmissionResolver,
  ],
  loaders: createPlacementLoaders,
};
