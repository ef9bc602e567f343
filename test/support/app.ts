import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { signToken } from '../../src/auth/jwt';
import { Role } from '../../src/auth/viewer';
import { loadConfig, type AppConfig } from '../../src/config';
import { initOrm } from '../../src/db/orm';
import { createApp, type App } from '../../src/http/app';
import { createLogger } from '../../src/shared/logger';
import pino from 'pino';

export interface GraphQLResponse {
  status: number;
  // Tests read responses field by field, as a client would; their shape is asserted there.
  data?: any;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
  extensions?: any;
  headers: Headers;
}

export interface TestApp {
  url: string;
  app: App;
  orm: MikroORM;
  gql(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse>;
  /**
   * Like `gql`, as a well-behaved client: a 503 SERVICE_UNAVAILABLE is retried after its
   * Retry-After (at most `attempts` times). Returns the last answer and how many 503s it met.
   */
  gqlRetrying(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; headers?: Record<string, string>; attempts?: number },
  ): Promise<GraphQLResponse & { unavailable: number }>;
  /** Sets the app's clock (null: the real one). */
  setNow(instant: Date | string | null): void;
  /** SQL statements run for the request that carried this `x-request-id`. */
  statementsFor(requestId: string): string[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Overrides of the configuration (timeouts, pool size…). */
  config?: Partial<AppConfig>;
  /** The database the API connects to (default: the test database, as the API's role). */
  clientUrl?: string;
  /** Receives every log line as JSON (to check what is logged). */
  onLog?: (line: Record<string, unknown>) => void;
}

/** Boots the real app (Fastify + Apollo) on the test database, as the API's non-owning role. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config: AppConfig = { ...loadConfig(), env: 'test' as const, ...options.config };
  const logger = options.onLog
    ? pino(
        { level: 'info' },
        { write: (line: string) => options.onLog!(JSON.parse(line) as Record<string, unknown>) },
      )
    : createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const statements = new Map<string, string[]>();
  const orm = await initOrm({
    clientUrl: options.clientUrl ?? process.env.GUICHET_TEST_APP_URL!,
    poolMax: config.dbPoolMax,
    acquireTimeoutMs: config.dbAcquireTimeoutMs,
    connect: !options.clientUrl,
    logger,
    onQuery: (context) => {
      const id = context.requestId as string | undefined;
      if (!id) return;
      if (!statements.has(id)) statements.set(id, []);
      statements.get(id)!.push(String(context.query));
    },
  });
  let fixedNow: Date | null = null;
  const app: App = await createApp({ orm, config, logger, now: () => fixedNow ?? new Date() });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const gql: TestApp['gql'] = async (query, variables = {}, options = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Omit<GraphQLResponse, 'status' | 'headers'>;
    return { status: response.status, headers: response.headers, ...body };
  };
  return {
    url,
    app,
    orm,
    gql,
    async gqlRetrying(query, variables = {}, options = {}) {
      let unavailable = 0;
      for (;;) {
        const res = await gql(query, variables, options);
        if (res.status !== 503 || unavailable >= (options.attempts ?? 5)) return { ...res, unavailable };
        unavailable++;
        await new Promise((resolve) =>
          setTimeout(resolve, Number(res.headers.get('retry-after') ?? 1) * 1000),
        );
      }
    },
    statementsFor: (requestId) => statements.get(requestId) ?? [],
    setNow: (instant) => {
      fixedNow = instant === null ? null : new Date(instant);
    },
    async close() {
      await app.close();
      await orm.close(true);
    },
  };
}

export function token(
  tenant: string,
  roles: Role[] | Role,
  family?: string,
  expiresIn = '1h',
): Promise<string> {
  return signToken(
    {
      sub: `test:${tenant}:${family ?? roles}`,
      tenant,
      roles: Array.isArray(roles) ? roles : [roles],
      family,
    },
    loadConfig().jwtSecret,
    expiresIn,
  );
}

/** A raw connection, as the owner or as the API's role, for catalog and RLS checks. */
export async function rawClient(as: 'owner' | 'app'): Promise<Client> {
  const client = new Client({
    connectionString: as === 'owner' ? process.env.GUICHET_TEST_OWNER_URL : process.env.GUICHET_TEST_APP_URL,
  });
  await client.connect();
  return client;
}

export { Role };
