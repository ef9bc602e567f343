import { availableParallelism } from 'node:os';
import path from 'node:path';
import { DEFAULT_RATE_LIMITS, parseBucketLimit, type RateLimits } from './http/rate-limit';

/** Everything Guichet reads from the environment, read once. */
export interface AppConfig {
  env: 'production' | 'development' | 'test';
  port: number;
  host: string;
  /**
   * How many processes serve the API (API_PROCESSES; `auto`, the default: one per core this
   * process may run on, at most 4). Above 1, the process `npm start` runs prepares the database,
   * runs the job queue and forks that many API processes sharing the port (src/serve/primary.ts).
   */
  apiProcesses: number;
  /** An internal port serving `/metrics` alone, unauthenticated (default 0: none). */
  metricsPort: number;
  /** The bearer token `/metrics` on the API's port asks for (unset: loopback clients only). */
  metricsToken?: string;
  /** Owner connection (migrations, seeds). Unset: an embedded PostgreSQL is started. */
  databaseUrl?: string;
  /** The API's own connection, as a role that owns nothing and cannot bypass row-level security. */
  appDatabaseUrl?: string;
  appDbRole: string;
  appDbPassword: string;
  /**
   * MIGRATIONS=off: this process neither migrates nor seeds; it runs on APP_DATABASE_URL alone (and
   * the job queue on WORKER_DATABASE_URL), holding no owner credentials — `npm run db:migrate`
   * ran as a one-shot release step (docker-compose.yml).
   */
  migrations: boolean;
  /** The job queue's connection when MIGRATIONS=off: a role with rights on its schema only. */
  workerDatabaseUrl?: string;
  /** The job queue's login role `db:migrate` creates when WORKER_DB_PASSWORD is set. */
  workerDbRole: string;
  workerDbPassword?: string;
  dataDir: string;
  embeddedPgPort: number;
  jwtSecret: string;
  jwtSecretIsDevelopmentDefault: boolean;
  logLevel: string;
  /** Run the job queue (month-end billing) in this process: JOBS=off for API-only replicas. */
  jobs: boolean;
  bodyLimitBytes: number;
  /**
   * Connections of the API's pool, and how long a request waits in line for one while no unit of
   * work finishes (the pool is stuck) before a 503; also the pool's own acquire timeout.
   */
  dbPoolMax: number;
  dbAcquireTimeoutMs: number;
  /** How long a request may wait in line for a connection while the line moves (ms). */
  dbQueueMaxWaitMs: number;
  /**
   * GraphQL requests parsed and executed at once (REQUESTS_IN_FLIGHT; 0: twice DB_POOL_MAX); the
   * others wait in line before any parsing, under the same 503 rules as the pool's line.
   */
  requestsInFlight: number;
  /** PostgreSQL lock_timeout and statement_timeout of every request's transaction. */
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  /** How long SIGTERM waits for in-flight requests before closing their connections. */
  shutdownTimeoutMs: number;
  /**
   * The API's public base URL (PUBLIC_URL, e.g. https://api.guichet.example): signed document
   * links are absolute under it. Unset: links are paths, to resolve against the API's URL.
   */
  publicUrl?: string;
  /** How long the CORS origins of every tenant are cached before being read again (ms). */
  corsOriginsCacheMs: number;
  /** How long authentication keeps a tenant it found by slug or id (ms; 0: read each time). */
  tenantCacheMs: number;
  /** How long the public directory stays in memory at most (ms; 0: read each time). Changes drop it at once. */
  directoryCacheMs: number;
  /** Towns' identity providers: how long their JWKS is kept, at most (ms)… */
  jwksCacheMaxAgeMs: number;
  /** …how long after a fetch an unknown `kid` may fetch it again (ms)… */
  jwksCooldownMs: number;
  /** …and how long one fetch may take (ms). */
  jwksTimeoutMs: number;
  /**
   * Fastify's trustProxy (TRUST_PROXY): "true", or the proxies' addresses/CIDRs, comma-separated;
   * unset: the connection's own address is the client's.
   */
  trustProxy: boolean | string[];
  /** Buckets of query-cost points per kind of client (RATE_LIMIT_API_KEY, _ANONYMOUS, _PERSON). */
  rateLimits: RateLimits;
}

export const DEV_JWT_SECRET = 'guichet-development-secret-do-not-use-in-production';
export const DEV_ID_SECRET = 'guichet-development-id-secret';
export const DEV_APP_DB_PASSWORD = 'guichet_app_dev_password';
/** The embedded PostgreSQL's owner password (development and tests only). */
export const DEV_OWNER_PASSWORD = 'postgres';

/** Secrets published in this repository: production refuses to start with any of them. */
const PUBLISHED_SECRETS = [DEV_JWT_SECRET, DEV_ID_SECRET, DEV_APP_DB_PASSWORD, DEV_OWNER_PASSWORD];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const mode =
    env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const jwtSecret = env.JWT_SECRET ?? DEV_JWT_SECRET;
  // ID_SECRET (key of the opaque global IDs) is read by src/shared/ids.ts.
  if (
    mode === 'production' &&
    (!env.JWT_SECRET || !env.ID_SECRET || (!env.APP_DB_PASSWORD && !env.APP_DATABASE_URL))
  ) {
    throw new Error(
      'In production JWT_SECRET, ID_SECRET and APP_DB_PASSWORD (or APP_DATABASE_URL) must be set.',
    );
  }
  if (mode === 'production' && (jwtSecret.length < 32 || (env.ID_SECRET ?? '').length < 32)) {
    throw new Error('JWT_SECRET and ID_SECRET must be at least 32 characters.');
  }
  if (mode === 'production') {
    const published = publishedSecretsIn(env);
    if (published.length) {
      throw new Error(
        `In production ${published.join(', ')} must not be the development value published in the code.`,
      );
    }
  }
  const migrations = (env.MIGRATIONS ?? 'on') !== 'off';
  if (!migrations && !env.APP_DATABASE_URL) {
    throw new Error('MIGRATIONS=off needs APP_DATABASE_URL (the API role): nothing else is connected.');
  }
  if (!migrations && (env.JOBS ?? 'on') !== 'off' && !env.WORKER_DATABASE_URL) {
    throw new Error('MIGRATIONS=off with the job queue (JOBS=on) needs WORKER_DATABASE_URL.');
  }
  if (mode === 'production' && migrations && !env.DATABASE_URL) {
    throw new Error(
      'In production DATABASE_URL must be set (the embedded PostgreSQL is for development and tests), or MIGRATIONS=off with APP_DATABASE_URL.',
    );
  }
  return {
    env: mode,
    port: intFrom(env.PORT, 4000),
    metricsPort: intFrom(env.METRICS_PORT, 0),
    apiProcesses: apiProcessesFrom(env.API_PROCESSES),
    metricsToken: env.METRICS_TOKEN || undefined,
    // Outside production, loopback only: the development secrets must not face a network.
    host: env.HOST ?? (mode === 'production' ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl: env.DATABASE_URL || undefined,
    appDatabaseUrl: env.APP_DATABASE_URL || undefined,
    appDbRole: env.APP_DB_ROLE ?? 'guichet_app',
    appDbPassword: env.APP_DB_PASSWORD ?? DEV_APP_DB_PASSWORD,
    migrations,
    workerDatabaseUrl: env.WORKER_DATABASE_URL || undefined,
    workerDbRole: env.WORKER_DB_ROLE ?? 'guichet_worker',
    workerDbPassword: env.WORKER_DB_PASSWORD || undefined,
    dataDir: path.resolve(env.GUICHET_DATA_DIR ?? '.data'),
    embeddedPgPort: intFrom(env.EMBEDDED_PG_PORT, 54329),
    jwtSecret,
    jwtSecretIsDevelopmentDefault: jwtSecret === DEV_JWT_SECRET,
    logLevel: env.LOG_LEVEL ?? (mode === 'test' ? 'silent' : 'info'),
    jobs: (env.JOBS ?? 'on') !== 'off',
    bodyLimitBytes: intFrom(env.BODY_LIMIT_BYTES, 1024 * 1024),
    dbPoolMax: intFrom(env.DB_POOL_MAX, 10),
    dbAcquireTimeoutMs: intFrom(env.DB_ACQUIRE_TIMEOUT_MS, 5000),
    dbQueueMaxWaitMs: intFrom(env.DB_QUEUE_MAX_WAIT_MS, 30000),
    requestsInFlight: intFrom(env.REQUESTS_IN_FLIGHT, 0),
    lockTimeoutMs: intFrom(env.DB_LOCK_TIMEOUT_MS, 5000),
    statementTimeoutMs: intFrom(env.DB_STATEMENT_TIMEOUT_MS, 30000),
    shutdownTimeoutMs: intFrom(env.SHUTDOWN_TIMEOUT_MS, 10000),
    publicUrl: publicUrlFrom(env.PUBLIC_URL),
    corsOriginsCacheMs: intFrom(env.CORS_ORIGINS_CACHE_MS, 30_000),
    tenantCacheMs: intFrom(env.TENANT_CACHE_MS, 60_000),
    directoryCacheMs: intFrom(env.DIRECTORY_CACHE_MS, 60_000),
    jwksCacheMaxAgeMs: intFrom(env.JWKS_CACHE_MAX_AGE_MS, 600_000),
    jwksCooldownMs: intFrom(env.JWKS_COOLDOWN_MS, 30_000),
    jwksTimeoutMs: intFrom(env.JWKS_TIMEOUT_MS, 5000),
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
    rateLimits: {
      API_KEY: parseBucketLimit(env.RATE_LIMIT_API_KEY, DEFAULT_RATE_LIMITS.API_KEY),
      ANONYMOUS: parseBucketLimit(env.RATE_LIMIT_ANONYMOUS, DEFAULT_RATE_LIMITS.ANONYMOUS),
      PERSON: parseBucketLimit(env.RATE_LIMIT_PERSON, DEFAULT_RATE_LIMITS.PERSON),
    },
  };
}

/** TRUST_PROXY as Fastify takes it: true, or a list of the proxies' addresses. */
function trustProxyFrom(value: string | undefined): boolean | string[] {
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  return value
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
}

/** Which of the secrets in the environment are values published in this repository. */
function publishedSecretsIn(env: NodeJS.ProcessEnv): string[] {
  const found: string[] = [];
  const passwordOf = (url: string | undefined) => {
    try {
      return url ? decodeURIComponent(new URL(url).password) : '';
    } catch {
      return '';
    }
  };
  if (PUBLISHED_SECRETS.includes(env.JWT_SECRET ?? '')) found.push('JWT_SECRET');
  if (PUBLISHED_SECRETS.includes(env.ID_SECRET ?? '')) found.push('ID_SECRET');
  if (PUBLISHED_SECRETS.includes(env.APP_DB_PASSWORD ?? '')) found.push('APP_DB_PASSWORD');
  if (PUBLISHED_SECRETS.includes(passwordOf(env.APP_DATABASE_URL))) found.push('APP_DATABASE_URL');
  if (PUBLISHED_SECRETS.includes(passwordOf(env.DATABASE_URL))) found.push('DATABASE_URL');
  if (PUBLISHED_SECRETS.includes(env.WORKER_DB_PASSWORD ?? '')) found.push('WORKER_DB_PASSWORD');
  return found;
}

/** PUBLIC_URL without its trailing slash; an http(s) URL without query or fragment. */
function publicUrlFrom(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`PUBLIC_URL must be an http(s) URL, got "${value}"`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash || url.username) {
    throw new Error(
      `PUBLIC_URL must be an http(s) URL without credentials, query or fragment, got "${value}"`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

/** API_PROCESSES: a whole number from 1 to 64, or `auto` (one per available core, at most 4). */
function apiProcessesFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === '' || value.trim() === 'auto') {
    return Math.min(4, availableParallelism());
  }
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 64) {
    throw new Error(`API_PROCESSES is a whole number from 1 to 64, or "auto"; got "${value}".`);
  }
  return parsed;
}

function intFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number.parseInt(value, 10);
  if (!Number.isFinite(parsed)) throw new Error(`Expected an integer, got "${value}"`);
  return parsed;
}
