import {
  HeaderMap,
  type ApolloServer,
  type HTTPGraphQLRequest,
  type HTTPGraphQLResponse,
} from '@apollo/server';
import type { MikroORM, EntityManager } from '@mikro-orm/postgresql';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate } from '../auth/authenticate';
import type { AppConfig } from '../config';
import { createLoaders, type GraphQLContext } from '../graphql/context';
import { DomainError } from '../shared/errors';
import { scopeToTenant } from '../db/tenant-scope';

/** Thrown out of the request transaction to roll it back while still answering the client. */
class RollbackWith {
  constructor(readonly response: HTTPGraphQLResponse) {}
}

export interface RequestState {
  /** Set by the Apollo plugin when execution met an error: the transaction is rolled back. */
  rollbackOnly?: boolean;
}

/**
 * POST/GET /graphql. Each request runs in one database transaction that starts by telling
 * PostgreSQL which tenant it acts for (`app.tenant_id`, read by the row-level-security policies)
 * and enables the ORM's tenant filter with the same id.
 */
export function registerGraphQLRoute(
  app: FastifyInstance,
  apollo: ApolloServer<GraphQLContext & RequestState>,
  orm: MikroORM,
  config: AppConfig,
  now: () => Date,
): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const em = orm.em.fork({ loggerContext: { requestId: request.id } }) as EntityManager;
    let auth;
    try {
      auth = await authenticate(
        em,
        { authorization: request.headers.authorization, tenantSlug: header(request, 'x-tenant') },
        config.jwtSecret,
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return reply
        .code(error.code === 'FORBIDDEN' ? 403 : 401)
        .header('www-authenticate', 'Bearer')
        .send({ errors: [{ message: error.message, extensions: { code: error.code } }] });
    }

    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: request.method.toUpperCase(),
      headers: toHeaderMap(request),
      search: new URL(request.url, 'http://localhost').search,
      body: request.body,
    };

    let response: HTTPGraphQLResponse;
    try {
      response = await em.transactional(async (tx) => {
        if (auth.tenant) await scopeToTenant(tx, auth.tenant.id);
        const context: GraphQLContext & RequestState = {
          em: tx,
          viewer: auth.viewer,
          tenant: auth.tenant,
          requestId: request.id,
          loaders: createLoaders(tx, auth.viewer),
          log: request.log,
          now,
        };
        const result = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest,
          context: async () => context,
        });
        if (context.rollbackOnly) throw new RollbackWith(result);
        return result;
      });
    } catch (error) {
      if (!(error instanceof RollbackWith)) throw error;
      response = error.response;
    }

    for (const [key, value] of response.headers) reply.header(key, value);
    reply.code(response.status ?? 200);
    if (response.body.kind === 'complete') return reply.send(response.body.string);
    const chunks: string[] = [];
    for await (const chunk of response.body.asyncIterator) chunks.push(chunk);
    return reply.send(chunks.join(''));
  };
  app.route({ method: ['GET', 'POST'], url: '/graphql', handler });
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
