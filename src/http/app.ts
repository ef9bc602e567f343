import { DirectoryCache } from '../directory/directory-cache';
import { ApolloServer } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { MikroORM } from '@mikro-orm/postgresql';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type pino from 'pino';
import type { AppConfig } from '../config';
import { formatError } from '../graphql/errors';
import { MAX_QUERY_COST } from '../graphql/cost';
import { TenantLookup } from '../auth/tenant-lookup';
import { Admission } from './admission';
import { DocumentLinks } from '../auth/document-links';
import { IdentityProviders } from '../auth/identity-providers';
import { createLoaders } from './context';
import { AllowedOrigins, registerCors } from './cors';
import { registerDashboardRoutes } from './dashboard-route';
import { registerDocumentRoutes } from './documents-route';
import { executorPlugin, type RequestState } from './executor';
import { registerGraphQLRoute } from './graphql-route';
import { registerImportRoutes } from './imports-route';
import { createSchema } from './schema';
import { appMetrics, registerMetricsRoute } from './metrics';
import type { Registry } from 'prom-client';

/** Query limits: deep, wide or long queries are refused before they reach the database. */
export const QUERY_LIMITS = {
  maxDepth: 10,
  maxAliases: 30,
  maxCost: MAX_QUERY_COST,
  maxTokens: 5000,
  maxDirectives: 20,
};

export interface App {
  http: FastifyInstance;
  /** The app's gauges; served with the process's counters by `startMetricsServer`. */
  metrics: Registry;
  /**
   * Stops accepting connections and lets in-flight requests finish; those still running after
   * `deadlineMs` have their connections closed. Requests arriving meanwhile on open keep-alive
   * connections are answered 503. Then stops Apollo and the readiness probe's connection.
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
  const now = options.now ?? (() => new Date());
  const production = config.env === 'production';

  const http = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    // Behind a proxy (TRUST_PROXY): the client's address is X-Forwarded-For's, for rate limits.
    trustProxy: config.trustProxy,
    // Honour a request id set by the load balancer, else make one; echoed in the response.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    },
    requestIdHeader: false,
    // While closing: new requests on open connections get 503, idle connections are closed.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  http.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Browser front ends of the origins the tenants allow (docs/auth.md), on every route.
  await registerCors(http, new AllowedOrigins(orm, config.corsOriginsCacheMs, logger));
  let closing = false;
  http.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    // Cost is computed with the variables by the executor; tokens are counted by the parser.
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  }).protect();

  const schema = await createSchema();
  const admission = new Admission({
    permits: config.dbPoolMax,
    stallMs: config.dbAcquireTimeoutMs,
    maxWaitMs: config.dbQueueMaxWaitMs,
  });
  // GraphQL requests past authentication at once (the rest wait before any parsing): by default
  // twice the pool, so one set of requests computes while the other holds connections. No stall
  // rule of its own: when the database stalls, the pool's line answers its units 503 fast, which
  // frees these permits just as fast.
  const requestGate = new Admission({
    permits: config.requestsInFlight > 0 ? config.requestsInFlight : 2 * config.dbPoolMax,
    stallMs: config.dbQueueMaxWaitMs,
    maxWaitMs: config.dbQueueMaxWaitMs,
  });
  const apollo = new ApolloServer<RequestState>({
    schema,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // main.ts drains HTTP first, then stops Apollo: Apollo must not stop itself on SIGTERM.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
    formatError,
    validationRules: armor.validationRules,
    plugins: [
      ...armor.plugins,
      executorPlugin({
        schema,
        orm,
        createLoaders,
        maxCost: QUERY_LIMITS.maxCost,
        rateLimits: config.rateLimits,
        admission,
        lockTimeoutMs: config.lockTimeoutMs,
        statementTimeoutMs: config.statementTimeoutMs,
      }),
    ],
  });
  await apollo.start();

  // Failures outside GraphQL execution and Fastify's own refusals: GraphQL-shaped, no detail.
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

  // Readiness has its own connection: it answers even when the request pool is saturated.
  const probe = new Pool({
    connectionString: String(orm.config.get('clientUrl')),
    max: 1,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 60_000,
    statement_timeout: 2000,
  });
  probe.on('error', (error) => logger.warn({ err: error }, 'readiness connection lost'));
  http.get('/healthz', async () => ({ status: 'ok' }));
  http.get('/readyz', async (_request, reply) => {
    if (closing) return reply.code(503).send({ status: 'stopping' });
    try {
      await probe.query('select 1');
      return { status: 'ready' };
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
  const verification = {
    jwtSecret: config.jwtSecret,
    identityProviders: new IdentityProviders({
      cacheMaxAgeMs: config.jwksCacheMaxAgeMs,
      cooldownMs: config.jwksCooldownMs,
      timeoutMs: config.jwksTimeoutMs,
    }),
    tenants: new TenantLookup(config.tenantCacheMs),
  };
  const links = new DocumentLinks(config.jwtSecret, config.publicUrl);
  const directory = new DirectoryCache(String(orm.config.get('clientUrl')), config.directoryCacheMs, logger);
  await directory.start();
  registerGraphQLRoute(http, apollo, orm, verification, now, links, directory, requestGate);
  registerDocumentRoutes(http, orm, config, verification, now, links);
  registerDashboardRoutes(http);
  registerImportRoutes(http, orm, verification, now);
  const metrics = appMetrics(admission);
  registerMetricsRoute(http, metrics, config.metricsToken);

  return {
    http,
    metrics,
    async close(deadlineMs = config.shutdownTimeoutMs) {
      closing = true;
      const force = setTimeout(() => http.server.closeAllConnections(), deadlineMs);
      force.unref();
      try {
        await http.close();
      } finally {
        clearTimeout(force);
      }
      await apollo.stop();
      await probe.end();
      await directory.close();
    },
  };
}
