/** How a session's waitlist is ordered (tenant setting, overridable per service). */
export enum WaitlistOrdering {
  /** First come, first served: the instant joined, then the id. */
  FIFO = 'FIFO',
  /** Priority points first (the tenant's criteria, an agent's adjustment), then first come. */
  PRIORITY_THEN_FIFO = 'PRIORITY_THEN_FIFO',
}

/** What a freed place does for the first waiting entry (tenant setting, overridable per service). */
export enum WaitlistPromotion {
  /** The entry becomes a reservation at once (channel WAITLIST); the family is told. */
  AUTO_BOOK = 'AUTO_BOOK',
  /** The place is held for the entry until its deadline; the family accepts or declines. */
  OFFER = 'OFFER',
}

/** The priority criteria Guichet knows how to check; a tenant picks some and gives each points. */
export enum WaitlistCriterionKind {
  /** A brother or sister already holds a live reservation that day at the same service. */
  SIBLING_BOOKED = 'SIBLING_BOOKED',
  /** The family was marked for social priority by an agent (a social-services request). */
  SOCIAL_PRIORITY = 'SOCIAL_PRIORITY',
  /** The family lives in the town: its postal code is one of `postalCodes`. */
  RESIDENT = 'RESIDENT',
}

/** One criterion of a tenant's waitlist priority, as stored in `tenants.config_waitlist_criteria`. */
export interface WaitlistCriterionSetting {
  kind: WaitlistCriterionKind;
  /** What families and agents read, e.g. "Frère ou sœur déjà inscrit ce jour". */
  label: string;
  points: number;
  /** For RESIDENT: the town's postal codes. */
  postalCodes?: string[];
}
