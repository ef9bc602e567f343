import cors from '@fastify/cors';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import type pino from 'pino';

/** Request headers a browser front end may send (besides the CORS-safelisted ones). */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-tenant',
  'x-request-id',
  // Apollo's CSRF prevention asks GET requests for one of these.
  'apollo-require-preflight',
  'x-apollo-operation-name',
];

/** Response headers a front end may read: back-off, the id to quote, a document's file name. */
export const CORS_EXPOSED_HEADERS = [
  'retry-after',
  'x-request-id',
  'content-disposition',
  'www-authenticate',
];

/** After a failed read of the origins, how long before the next attempt (ms). */
const RETRY_READ_MS = 5000;

/** How long a browser may reuse a preflight's answer (s). */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * The origins any tenant allows (`tenants.config_allowed_origins`), read at most once per
 * `ttlMs`: a changed configuration takes effect within that time. A preflight carries no
 * credentials, so no tenant: an origin is allowed if any tenant lists it (CORS only lets a page
 * read answers; what a request may do is its token's business). When the database cannot be read,
 * the last list read is kept.
 */
export class AllowedOrigins {
  private origins = new Set<string>();
  private readAt = -Infinity;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly ttlMs: number,
    private readonly logger: pino.Logger,
  ) {}

  async allows(origin: string | undefined): Promise<boolean> {
    // No Origin: not a cross-origin browser request (curl, a server, a same-origin page).
    if (!origin || origin.length > 300) return false;
    if (Date.now() - this.readAt >= this.ttlMs) await this.refresh();
    return this.origins.has(origin);
  }

  /** One read at a time; callers arriving meanwhile wait for it. */
  private refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    try {
      const em = this.orm.em.fork() as EntityManager;
      const rows = await em.execute<{ origin: string }[]>(
        'select distinct unnest(config_allowed_origins) as origin from tenants',
        [],
        'all',
      );
      this.origins = new Set(rows.map((r) => r.origin));
      this.readAt = Date.now();
    } catch (error) {
      // Keep the last list (none yet: no origin), and try again in a few seconds rather than
      // make every request of an outage wait for the database.
      this.readAt = Date.now() - this.ttlMs + Math.min(this.ttlMs, RETRY_READ_MS);
      this.logger.warn({ err: error }, 'CORS: could not read the allowed origins');
    }
  }
}

/**
 * CORS for every route (GraphQL and documents) through `@fastify/cors`: an allowed origin gets
 * `Access-Control-Allow-Origin` (its own value, with `Vary: Origin`) on answers, and its preflight
 * 204 with the methods, headers and max age below; any other origin gets no CORS header (and its
 * preflight 404). No cookies are used, so no credentials are allowed.
 */
export async function registerCors(http: FastifyInstance, origins: AllowedOrigins): Promise<void> {
  await http.register(cors, {
    origin: async (origin: string | undefined) => origins.allows(origin),
    methods: ['GET', 'POST'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
    credentials: false,
    strictPreflight: true,
  });
}
