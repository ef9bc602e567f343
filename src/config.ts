import path from 'node:path';

/** Everything Guichet reads from the environment, read once. */
export interface AppConfig {
  env: 'production' | 'development' | 'test';
  port: number;
  host: string;
  /** Owner connection (migrations, seeds). Unset: an embedded PostgreSQL is started. */
  databaseUrl?: string;
  /** The API's own connection, as a role that owns nothing and cannot bypass row-level security. */
  appDatabaseUrl?: string;
  appDbRole: string;
  appDbPassword: string;
  dataDir: string;
  embeddedPgPort: number;
  jwtSecret: string;
  jwtSecretIsDevelopmentDefault: boolean;
  logLevel: string;
  /** Run the job queue (month-end billing) in this process: JOBS=off for API-only replicas. */
  jobs: boolean;
  bodyLimitBytes: number;
  /** SIGTERM/SIGINT: how long in-flight requests may take before their connections are closed. */
  shutdownTimeoutMs: number;
  /** Largest number of connections in the API's pool. */
  dbPoolMax: number;
  /** How long a request waits for a pooled connection before giving up. */
  dbAcquireTimeoutMs: number;
}

const DEV_JWT_SECRET = 'guichet-development-secret-do-not-use-in-production';
const DEV_APP_DB_PASSWORD = 'guichet_app_dev_password';
/** Password of the embedded PostgreSQL's owner (`postgres`): a development server on loopback only. */
export const DEV_OWNER_PASSWORD = 'postgres';

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
  if (mode === 'production' && !env.DATABASE_URL) {
    throw new Error(
      'In production DATABASE_URL must be set (the embedded PostgreSQL is for development and tests).',
    );
  }
  return {
    env: mode,
    port: intFrom(env.PORT, 4000),
    // Outside production, loopback only: the development secrets must not face a network.
    host: env.HOST ?? (mode === 'production' ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl: env.DATABASE_URL || undefined,
    appDatabaseUrl: env.APP_DATABASE_URL || undefined,
    appDbRole: env.APP_DB_ROLE ?? 'guichet_app',
    appDbPassword: env.APP_DB_PASSWORD ?? DEV_APP_DB_PASSWORD,
    dataDir: path.resolve(env.GUICHET_DATA_DIR ?? '.data'),
    embeddedPgPort: intFrom(env.EMBEDDED_PG_PORT, 54329),
    jwtSecret,
    jwtSecretIsDevelopmentDefault: jwtSecret === DEV_JWT_SECRET,
    logLevel: env.LOG_LEVEL ?? (mode === 'test' ? 'silent' : 'info'),
    jobs: (env.JOBS ?? 'on') !== 'off',
    bodyLimitBytes: intFrom(env.BODY_LIMIT_BYTES, 1024 * 1024),
    shutdownTimeoutMs: intFrom(env.SHUTDOWN_TIMEOUT_MS, 10000),
    dbPoolMax: intFrom(env.DB_POOL_MAX, 10),
    dbAcquireTimeoutMs: intFrom(env.DB_ACQUIRE_TIMEOUT_MS, 5000),
  };
}

function intFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number.parseInt(value, 10);
  if (!Number.isFinite(parsed)) throw new Error(`Expected an integer, got "${value}"`);
  return parsed;
}
