import type { DirectoryCache } from '../directory/directory-cache';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, type Authenticated, type TokenVerification } from '../auth/authenticate';
import type { DocumentLinks } from '../auth/document-links';
import { isUnavailableError } from '../shared/db-errors';
import { graphqlRequests, operationLabel } from '../shared/metrics';
import { DomainError, RETRY_AFTER_SECONDS, ServiceUnavailableError } from '../shared/errors';
import { formatError } from '../graphql/errors';
import { acceptedLocale, readerLanguage, type Language } from '../shared/i18n';
import { rowLanguage } from '../auth/tenant-language';
import type { TenantRow } from '../auth/authenticate';
import type { Admission } from './admission';
import type { RequestState } from './executor';

/**
 * POST/GET /graphql. Authenticates (bad credentials: 401/403 before any GraphQL runs), then hands
 * the request to Apollo Server, whose executor plugin runs it in units of work
 * (src/http/executor.ts). No database connection is held while the request is parsed.
 *
 * A request first waits its turn in `gate` (requests in flight), before authentication and
 * parsing: under a rush of thousands of requests in the same second, the few in flight get the
 * event loop for their round trips to PostgreSQL, instead of waiting behind the parsing of every
 * request that arrived after them (a booking needs a dozen round trips; each one waited for the
 * whole backlog). A request that cannot get a turn (the line stopped moving, or the wait exceeded
 * DB_QUEUE_MAX_WAIT_MS) answers 503 with Retry-After.
 */
export function registerGraphQLRoute(
  app: FastifyInstance,
  apollo: ApolloServer<RequestState>,
  orm: MikroORM,
  verification: TokenVerification,
  now: () => Date,
  links: DocumentLinks,
  directory?: DirectoryCache,
  gate?: Admission,
): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    let release: (() => void) | undefined;
    try {
      release = await gate?.acquire();
    } catch (error) {
      if (!(error instanceof ServiceUnavailableError)) throw error;
      return reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({ errors: [formatError({ message: error.message }, error, readerOf(request, null))] });
    }
    try {
      return await answer(request, reply);
    } finally {
      release?.();
    }
  };
  const answer = async (request: FastifyRequest, reply: FastifyReply) => {
    const auth = await authenticateRequest(orm, request, verification, reply);
    if (!auth) return reply;
    const state: RequestState = {
      viewer: auth.viewer,
      tenantRow: auth.tenantRow,
      requestId: request.id,
      log: request.log,
      now,
      links,
      directory,
      seen: { operationName: null },
      acceptedLocale: acceptedLocale(header(request, 'accept-language')),
      ip: request.ip,
    };
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: request.method.toUpperCase(),
      headers: toHeaderMap(request),
      search: new URL(request.url, 'http://localhost').search,
      body: request.body,
    };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () => state,
    });
    for (const [key, value] of response.headers) reply.header(key, value);
    const status = response.status ?? 200;
    reply.code(status);
    let body: string;
    if (response.body.kind === 'complete') body = response.body.string;
    else {
      const chunks: string[] = [];
      for await (const chunk of response.body.asyncIterator) chunks.push(chunk);
      body = chunks.join('');
    }
    const outcome =
      status === 503
        ? 'unavailable'
        : status === 429
          ? 'throttled'
          : status >= 400
            ? 'refused'
            : body.includes('"errors":')
              ? 'error'
              : 'ok';
    graphqlRequests.observe(
      { operation: operationLabel(state.seen!.operationName), outcome },
      reply.elapsedTime / 1000,
    );
    return reply.send(body);
  };
  app.route({ method: ['GET', 'POST'], url: '/graphql', handler });
}

/**
 * The request's viewer and tenant, or null once it has answered: 401/403 for bad credentials,
 * 503 (Retry-After) when the database cannot be reached to check them.
 */
export async function authenticateRequest(
  orm: MikroORM,
  request: FastifyRequest,
  verification: TokenVerification,
  reply: FastifyReply,
): Promise<Authenticated | null> {
  const em = orm.em.fork({ loggerContext: { requestId: request.id } }) as EntityManager;
  try {
    return await authenticate(
      em,
      { authorization: request.headers.authorization, tenantSlug: header(request, 'x-tenant') },
      verification,
    );
  } catch (error) {
    // No tenant is known yet, unless the refusal came once the token named its tenant.
    const language = readerOf(request, null, error instanceof DomainError ? error.tenantLanguage : undefined);
    if (error instanceof DomainError && error.code === 'SERVICE_UNAVAILABLE') {
      request.log.warn({ err: error }, 'authentication: identity provider unavailable');
      reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({ errors: [formatError({ message: error.message }, error, language)] });
      return null;
    }
    if (error instanceof DomainError) {
      reply
        .code(error.code === 'FORBIDDEN' ? 403 : 401)
        .header('www-authenticate', 'Bearer')
        .send({ errors: [formatError({ message: error.message }, error, language)] });
      return null;
    }
    if (isUnavailableError(error)) {
      request.log.warn({ err: error }, 'authentication: database unavailable');
      const unavailable = new ServiceUnavailableError();
      reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({ errors: [formatError({ message: unavailable.message }, unavailable, language)] });
      return null;
    }
    throw error;
  }
}

/**
 * The language a request's messages are in: its tenant's, unless Accept-Language asks for another
 * the catalogue speaks; without a tenant, Accept-Language's, else English (src/shared/i18n).
 */
export function readerOf(request: FastifyRequest, tenantRow: TenantRow | null, tenant?: Language): Language {
  return readerLanguage(
    tenant ?? (tenantRow ? rowLanguage(tenantRow) : null),
    acceptedLocale(header(request, 'accept-language')),
  );
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function toHeaderMap(request: FastifyRequest): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}
