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
  IDEMPOTENCY_CONFLICT = 'IDEMPOTENCY_CONFLICT',
  INVALID = 'INVALID',
}

export interface UserErrorData {
  code: UserErrorCode;
  message: string;
  field?: string[];
}

export const userError = (code: UserErrorCode, message: string, field?: string[]): UserErrorData => ({
  code,
  message,
  field,
});

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
export const refuse = <T = never>(code: UserErrorCode, message: string, field?: string[]): Outcome<T> => ({
  value: null,
  userErrors: [userError(code, message, field)],
});
