import type { Message } from './i18n';

/**
 * Expected refusals of a mutation (full, closed, not allowed in this mode…). Services return
 * them as data; the API shows them in the payload's `userErrors`, never as top-level errors.
 */
export enum UserErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  FULL = 'FULL',
  NOT_OPEN = 'NOT_OPEN',
  CLOSED = 'CLOSED',
  ALREADY_BOOKED = 'ALREADY_BOOKED',
  NOT_ALLOWED_IN_MODE = 'NOT_ALLOWED_IN_MODE',
  NOT_CANCELLABLE = 'NOT_CANCELLABLE',
  /** The outcome's charge is on an invoice: corrections go through a credit note. */
  OUTCOME_LOCKED = 'OUTCOME_LOCKED',
  /** A billing run covered the session's day: an agent unlocks it (unlockAttendanceDay) to correct it. */
  DAY_BILLED = 'DAY_BILLED',
  IDEMPOTENCY_CONFLICT = 'IDEMPOTENCY_CONFLICT',
  INVALID = 'INVALID',
  /** The child may not attend this service (age, school, audience). */
  NOT_ELIGIBLE = 'NOT_ELIGIBLE',
  /** The child holds another reservation at overlapping hours. */
  OVERLAP = 'OVERLAP',
  /** The tenant's configuration does not allow it (e.g. a read-only service for the roll call). */
  NOT_ALLOWED = 'NOT_ALLOWED',
  /** A waitlist was asked for a session with places left: book it instead. */
  NOT_FULL = 'NOT_FULL',
  /** The child already has a live entry on this session's waitlist. */
  ALREADY_WAITLISTED = 'ALREADY_WAITLISTED',
  /** The waitlist entry is not in a state that allows this (e.g. no offer to accept). */
  NOT_ON_WAITLIST = 'NOT_ON_WAITLIST',
  /** The offer's deadline has passed: the place went to the next entry. */
  OFFER_EXPIRED = 'OFFER_EXPIRED',
  /** Another record of the tenant already has this identifier (external reference, email). */
  DUPLICATE = 'DUPLICATE',
  /** A merge would leave two rows where one is allowed (the same child twice on a session…). */
  MERGE_CONFLICT = 'MERGE_CONFLICT',
}

/**
 * A refusal: its code, its message for people (a key of the catalogue and its parameters,
 * rendered at the API's edge in the tenant's language), the input field it concerns, and the data
 * a front end needs to word it itself. Plain JSON: stored with idempotent replays, and rendered
 * again in the tenant's language when replayed.
 */
export interface UserErrorData extends UserErrorDetails {
  code: UserErrorCode;
  message: Message;
  field?: string[];
}

export interface UserErrorDetails {
  /** A finer machine reason, e.g. TOO_OLD, HOLIDAY, BOOKING_WINDOW, OPERATING_MODE. */
  reason?: string;
  /** The tenant-local date (YYYY-MM-DD) the refusal is about, e.g. the session's. */
  date?: string;
  /** ISO instants. */
  opensAt?: string;
  closesAt?: string;
  placesLeft?: number;
  /** The holiday's name when a holiday closes the service. */
  holiday?: string | null;
  /** The age bound in months, for TOO_YOUNG and TOO_OLD. */
  ageMonths?: number;
  /** The operating mode that refused, for OPERATING_MODE. */
  mode?: string;
  /** The object the refusal points to (e.g. the overlapping session), by node type and id. */
  related?: { type: string; id: string } | null;
}

export const userError = (
  code: UserErrorCode,
  message: Message,
  field?: string[],
  details: UserErrorDetails = {},
): UserErrorData => ({ code, message, field, ...details });

/**
 * What a mutation's service returns: the value it produced (row ids, counts — plain JSON, so an
 * idempotency key can store and replay it) and the refusals. A refused mutation has a null value.
 */
export interface Outcome<T> {
  value: T | null;
  userErrors: UserErrorData[];
}

/** A successful outcome, with the refusals of the parts that were refused (bulk writes). */
export const done = <T>(value: T, userErrors: UserErrorData[] = []): Outcome<T> => ({ value, userErrors });

/** A refused outcome: nothing was done. The one way a service says no. */
export const refuse = <T = never>(
  code: UserErrorCode,
  message: Message,
  field?: string[],
  details?: UserErrorDetails,
): Outcome<T> => ({
  value: null,
  userErrors: [userError(code, message, field, details)],
});
