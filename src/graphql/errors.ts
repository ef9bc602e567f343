import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isRetryableTransactionError, isUnavailableError } from '../shared/db-errors';
import { DomainError, RETRY_AFTER_SECONDS } from '../shared/errors';

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
  'SERVICE_UNAVAILABLE',
]);

export type ErrorKind = 'client' | 'unavailable' | 'internal';

/** Whether an error is the client's, the database's "not now", or a defect of ours. */
export function classifyError(error: unknown): ErrorKind {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError)
    return original.code === 'SERVICE_UNAVAILABLE' ? 'unavailable' : 'client';
  if (isUnavailableError(original) || isRetryableTransactionError(original)) return 'unavailable';
  if (original instanceof GraphQLError || !original) {
    const code = ((original ?? error) as GraphQLError | undefined)?.extensions?.code;
    if (typeof code === 'string' && CLIENT_CODES.has(code)) return 'client';
  }
  return 'internal';
}

/**
 * The error as a client sees it: domain errors with their code, field and details; the
 * database's "not now" as SERVICE_UNAVAILABLE (retryable); anything unexpected as
 * INTERNAL_SERVER_ERROR with no detail. Pure: logging is the executor's (with the request id).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (original instanceof DomainError) {
    return {
      ...base,
      message: original.message,
      extensions: {
        code: original.code,
        ...(original.field ? { field: original.field } : {}),
        ...(original.details ?? {}),
      },
    };
  }
  switch (classifyError(error)) {
    case 'unavailable':
      return {
        ...base,
        message: 'The service is busy or the database is unreachable: retry in a moment.',
        extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: RETRY_AFTER_SECONDS },
      };
    case 'client': {
      const extensions = { ...(formatted.extensions ?? {}) };
      delete extensions.stacktrace;
      delete extensions.exception;
      return { ...base, extensions };
    }
    default:
      return { ...base, message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
}
