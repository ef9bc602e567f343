import { registerEnumType } from 'type-graphql';
import { Scope } from '../../auth/viewer';
import type { AccessRule } from '../../graphql/access';
import { AgeGroup, ApplicationStatus, OfferStatus } from '../entities';

/** Applications, offers and placements: staff, the family's parents, keys that read families. */
export const PLACEMENT_READERS: AccessRule = { scopes: [Scope.FAMILIES_READ], parents: true };
/** Who applies and answers offers: parents for their children, agents at the counter. */
export const APPLICANTS: AccessRule = { scopes: [Scope.RESERVATIONS_WRITE], parents: true };

registerEnumType(AgeGroup, {
  name: 'PlacementAgeGroup',
  description:
    "A childcare facility's age group, by the child's age at the start date (each facility sets its months).",
  valuesConfig: {
    INFANT: { description: 'Babies (poupons), e.g. 0 to 18 months.' },
    TODDLER: { description: 'Toddlers, e.g. 18 to 36 months.' },
    PRESCHOOL: { description: 'Preschool, e.g. 3 to 5 years.' },
  },
});
registerEnumType(ApplicationStatus, {
  name: 'PlacementApplicationStatus',
  description: 'Where an application for a childcare place stands.',
  valuesConfig: {
    ACTIVE: { description: 'Waiting, ranked at each facility it chose (`standings`).' },
    OFFERED: { description: 'A place is offered (`offers`): accept or decline it before it expires.' },
    PLACED: { description: 'An offer was accepted: the child has a placement.' },
    WITHDRAWN: {
      description: 'Withdrawn by the family or an agent (or by declining, where the tenant says so).',
    },
    EXPIRED: { description: 'An offer expired unanswered.' },
  },
});
registerEnumType(OfferStatus, {
  name: 'PlacementOfferStatus',
  description: 'Where an offer of a childcare place stands.',
  valuesConfig: {
    OFFERED: { description: 'Open until `expiresAt`.' },
    ACCEPTED: { description: 'Accepted: `placement` is the place.' },
    DECLINED: { description: 'Declined by the family.' },
    EXPIRED: { description: 'Not answered in time; the place went back to the queue.' },
    WITHDRAWN: {
      description:
        'Withdrawn with its application, or the place was taken meanwhile (the application kept its rank).',
    },
  },
});
