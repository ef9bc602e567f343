import { ApolloServer } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { MikroORM } from '@mikro-orm/postgresql';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type pino from 'pino';
import type { AppConfig } from '../config';
import type { GraphQLContext } from '../graphql/context';
import { createErrorFormatter } from '../graphql/errors';
import { createSchema } from '../graphql/schema';
import { registerGraphQLRoute, type RequestState } from './graphql-route';
import { registerDocumentRoutes } from './documents-route';

/** Query limits: deep or wide queries are refused before they reach the database. */
export const QUERY_LIMITS = {
  maxDepth: 10,
  maxAliases: 30,
  maxCost: 20000,
  maxTokens: 5000,
  maxDirectives: 20,
};

export interface App {
  http: FastifyInstance;
  /**
   * Stops accepting connections, lets in-flight requests finish (connections still open after
   * `deadlineMs` are closed), then stops Apollo.
   */
  close(deadlineMs?: number): Promise<void>;
}

export async function createApp(options: {
  orm: MikroORM;
  config: AppConfig;
  logger: pino.Logger;
  /** The clock services read; tests pass a controllable one. */
  now?: () => Date;
}): Promise<App> {
  const { orm, config, logger } = options;
  const production = config.env === 'production';

  const http = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    // Honour a request id set by the load balancer, else make one; echoed in the response.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    },
    requestIdHeader: false,
    // While closing: requests on open connections get 503 (retry elsewhere), idle ones are closed.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  http.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // While shutting down, answer in-flight requests and close their keep-alive connections.
  let closing = false;
  http.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    costLimit: { maxCost: QUERY_LIMITS.maxCost },
    maxTokens: { n: QUERY_LIMITS.maxTokens },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    blockFieldSuggestion: { enabled: production },
  }).protect();

  const apollo = new ApolloServer<GraphQLContext & RequestState>({
    schema: await createSchema(),
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // main.ts stops the app in order on SIGTERM/SIGINT; Apollo must not stop itself first.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(logger),
    validationRules: armor.validationRules,
    plugins: [
      ...armor.plugins,
      {
        async requestDidStart() {
          return {
            async didEncounterErrors({ contextValue }) {
              contextValue.rollbackOnly = true;
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  // Failures outside GraphQL execution (authentication's queries, BEGIN/COMMIT, a lost pool) and
  // Fastify's own refusals: GraphQL-shaped, without internal detail.
  http.setErrorHandler((error: { statusCode?: number }, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'request failed');
    const code =
      status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST';
    const message =
      status === 500 ? 'Internal server error.' : status === 413 ? 'Request body too large.' : 'Bad request.';
    return reply.code(status).send({ errors: [{ message, extensions: { code } }] });
  });

  http.get('/healthz', async () => ({ status: 'ok' }));
  http.get('/readyz', async (_request, reply) => {
    try {
      await orm.em.getConnection().execute('select 1');
      return { status: 'ready' };
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
  registerGraphQLRoute(http, apollo, orm, config, options.now ?? (() => new Date()));
  registerDocumentRoutes(http, orm, config, options.now ?? (() => new Date()));

  return {
    http,
    async close(deadlineMs = 10000) {
      closing = true;
      const deadline = setTimeout(() => http.server.closeAllConnections(), deadlineMs).unref();
      try {
        await http.close();
      } finally {
        clearTimeout(deadline);
      }
      await apollo.stop();
    },
  };
}
