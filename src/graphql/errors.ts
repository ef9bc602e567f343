import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isRetryableTransactionError, isUnavailableError } from '../shared/db-errors';
import { DomainError, RETRY_AFTER_SECONDS } from '../shared/errors';
import { ENGLISH, msg, render, type Language } from '../shared/i18n';

/** Codes a client may see on a GraphQLError; anything else is INTERNAL_SERVER_ERROR without detail. */
const CLIENT_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'OPERATION_NOT_SUPPORTED',
  'COST_LIMIT_EXCEEDED',
  'THROTTLED',
  'SERVICE_UNAVAILABLE',
]);

export type ErrorKind = 'client' | 'unavailable' | 'internal';

/** The domain error behind a GraphQL error, if any (a resolver's, or one the guard built). */
function domainErrorOf(error: unknown): DomainError | null {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return original;
  if (error instanceof GraphQLError && error.originalError instanceof DomainError) return error.originalError;
  return null;
}

/** Whether an error is the client's, the database's "not now", or a defect of ours. */
export function classifyError(error: unknown): ErrorKind {
  const domain = domainErrorOf(error);
  if (domain) return domain.code === 'SERVICE_UNAVAILABLE' ? 'unavailable' : 'client';
  const original = unwrapResolverError(error);
  if (isUnavailableError(original) || isRetryableTransactionError(original)) return 'unavailable';
  if (original instanceof GraphQLError || !original) {
    const code = ((original ?? error) as GraphQLError | undefined)?.extensions?.code;
    if (typeof code === 'string' && CLIENT_CODES.has(code)) return 'client';
  }
  return 'internal';
}

/**
 * The error as a client sees it: domain errors with their code, field and details, their message
 * rendered in the reader's `language` (src/shared/i18n/render.ts `readerLanguage`); the
 * database's "not now" as SERVICE_UNAVAILABLE (retryable); anything unexpected as
 * INTERNAL_SERVER_ERROR with no detail. Messages graphql-js writes itself (syntax, validation,
 * variable types) stay in English. Pure: logging is the executor's (with the request id).
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  language: Language = ENGLISH,
): GraphQLFormattedError {
  const domain = domainErrorOf(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (domain) {
    return {
      ...base,
      message: render(domain.text, language),
      extensions: {
        code: domain.code,
        ...(domain.field ? { field: domain.field } : {}),
        ...(domain.details ?? {}),
      },
    };
  }
  switch (classifyError(error)) {
    case 'unavailable':
      return {
        ...base,
        message: render(msg('unavailable'), language),
        extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: RETRY_AFTER_SECONDS },
      };
    case 'client': {
      const extensions = { ...(formatted.extensions ?? {}) };
      delete extensions.stacktrace;
      delete extensions.exception;
      return { ...base, extensions };
    }
    default:
      return {
        ...base,
        message: render(msg('internal'), language),
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      };
  }
}
