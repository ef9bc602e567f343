import { inEnglish, msg, type Language, type Message, type Thing } from './i18n';

/**
 * Domain errors. Services throw these with a message for people (a key of the catalogue and its
 * parameters); the GraphQL layer maps `code` to `extensions.code` and renders the message in the
 * tenant's language (src/graphql/errors.ts). `Error.message` is the English text, for logs.
 * Anything else reaching a client becomes INTERNAL_SERVER_ERROR with no detail.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  /** The database cannot serve now (pool exhausted, outage, lock wait too long): retry later. */
  | 'SERVICE_UNAVAILABLE'
  /** The GraphQL layer's refusals of a whole operation (src/graphql/guard.ts, the executor). */
  | 'OPERATION_NOT_SUPPORTED'
  | 'COST_LIMIT_EXCEEDED'
  /** The client's bucket of query-cost points is short (HTTP 429, Retry-After): src/http/rate-limit.ts. */
  | 'THROTTLED';

export class DomainError extends Error {
  /**
   * The language of the tenant the error arose in, when the request's tenant is not known yet
   * (authentication refusing a token once it found the tenant): the refusal is worded in it.
   */
  tenantLanguage?: Language;

  constructor(
    readonly code: ErrorCode,
    readonly text: Message,
    readonly field?: string[],
    /** Structured facts a client may use instead of the message (e.g. `requiredScopes`). */
    readonly details?: Record<string, unknown>,
  ) {
    super(inEnglish(text));
    this.name = new.target.name;
  }

  /** This error, to be read in the language of the tenant it arose in. */
  inTenant(language: Language): this {
    this.tenantLanguage = language;
    return this;
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(text: Message = msg('auth.required'), details?: Record<string, unknown>) {
    super('UNAUTHENTICATED', text, undefined, details);
  }
}

export class ForbiddenError extends DomainError {
  constructor(text: Message, details?: Record<string, unknown>) {
    super('FORBIDDEN', text, undefined, details);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: Thing) {
    super('NOT_FOUND', msg('notFound', { what }));
  }
}

export class BadInputError extends DomainError {
  constructor(text: Message, field?: string[]) {
    super('BAD_USER_INPUT', text, field);
  }
}

/** Seconds a client should wait before retrying a SERVICE_UNAVAILABLE answer. */
export const RETRY_AFTER_SECONDS = 2;

export class ServiceUnavailableError extends DomainError {
  constructor(text: Message = msg('unavailable')) {
    super('SERVICE_UNAVAILABLE', text, undefined, { retryAfterSeconds: RETRY_AFTER_SECONDS });
  }
}
