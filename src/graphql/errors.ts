import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AuthenticationError, AuthorizationError } from 'type-graphql';
import type pino from 'pino';
import { DomainError } from '../shared/errors';

/** Codes a client may see; anything else is reported as INTERNAL_SERVER_ERROR without detail. */
const CLIENT_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/**
 * Maps domain errors to `extensions.code` and hides every unexpected error's message and stack.
 */
export function createErrorFormatter(log: pino.Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (original instanceof DomainError) {
      return {
        ...base,
        message: original.message,
        extensions: { code: original.code, ...(original.field ? { field: original.field } : {}) },
      };
    }
    if (original instanceof AuthenticationError) {
      return { ...base, message: 'Authentication required.', extensions: { code: 'UNAUTHENTICATED' } };
    }
    if (original instanceof AuthorizationError) {
      return { ...base, message: 'You are not allowed to do this.', extensions: { code: 'FORBIDDEN' } };
    }
    const code = formatted.extensions?.code;
    if (
      typeof code === 'string' &&
      CLIENT_CODES.has(code) &&
      (original instanceof GraphQLError || !original)
    ) {
      return { ...base, extensions: { code } };
    }
    log.error({ err: original, path: formatted.path }, 'unexpected error');
    return { ...base, message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
