/**
 * Domain errors. Services throw these; the GraphQL layer maps `code` to `extensions.code`
 * (src/graphql/errors.ts). Anything else reaching a client becomes INTERNAL_SERVER_ERROR
 * with no detail.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  /** The database cannot serve now (pool exhausted, outage, lock wait too long): retry later. */
  | 'SERVICE_UNAVAILABLE';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string[],
    /** Structured facts a client may use instead of the message (e.g. `requiredScopes`). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication required: send a bearer token or an API key.') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do this.', details?: Record<string, unknown>) {
    super('FORBIDDEN', message, undefined, details);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found.`);
  }
}

export class BadInputError extends DomainError {
  constructor(message: string, field?: string[]) {
    super('BAD_USER_INPUT', message, field);
  }
}

/** Seconds a client should wait before retrying a SERVICE_UNAVAILABLE answer. */
export const RETRY_AFTER_SECONDS = 2;

export class ServiceUnavailableError extends DomainError {
  constructor(message = 'The service is busy or the database is unreachable: retry in a moment.') {
    super('SERVICE_UNAVAILABLE', message, undefined, { retryAfterSeconds: RETRY_AFTER_SECONDS });
  }
}
