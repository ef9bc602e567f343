/**
 * Domain errors. Services throw these; the GraphQL layer maps `code` to `extensions.code`
 * (src/graphql/errors.ts). Anything else reaching a client becomes INTERNAL_SERVER_ERROR
 * with no detail.
 */
export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string[],
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
  constructor(message = 'You are not allowed to do this.') {
    super('FORBIDDEN', message);
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
