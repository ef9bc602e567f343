import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyBaseLogger } from 'fastify';
import type { Viewer, ViewerKind } from '../auth/viewer';

/**
 * Rate limits per client, as Shopify's GraphQL Admin API has them: each client has a bucket of
 * query-cost points (`maximumAvailable`) that refills at `restoreRate` points a second; a query
 * takes its `requestedQueryCost` from it, or is refused (THROTTLED, HTTP 429, Retry-After) while
 * the bucket holds less. The buckets live in PostgreSQL (`guichet_take_points`, one statement), so
 * every replica of the API draws from the same one. rate-limiter-flexible keeps counters per fixed
 * window in PostgreSQL too, but not a leaky bucket of variable costs with the figures clients read
 * in `extensions.cost.throttleStatus`: that is this one statement.
 */

/** One kind of client's bucket: its size (points) and how fast it refills (points a second). */
export interface BucketLimit {
  maximumAvailable: number;
  restoreRate: number;
}

/** The buckets per kind of client; null: that kind is not limited (the admission line still is). */
export type RateLimits = Record<ViewerKind, BucketLimit | null>;

/**
 * Defaults: API keys (vendors' scripts) 50,000 points refilled at 5,000 a second; anonymous
 * clients (the public directory), per IP address, 25,000 at 1,000 a second; people signed in
 * (parents, agents) are not limited by default — their requests are bounded by the cost ceiling
 * per query and the admission line in front of the database.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  API_KEY: { maximumAvailable: 50_000, restoreRate: 5_000 },
  ANONYMOUS: { maximumAvailable: 25_000, restoreRate: 1_000 },
  PERSON: null,
};

/** Parses `RATE_LIMIT_<KIND>`: "50000/5000" (points / points a second), or "off". */
export function parseBucketLimit(
  value: string | undefined,
  fallback: BucketLimit | null,
): BucketLimit | null {
  if (value === undefined || value.trim() === '') return fallback;
  if (value.trim() === 'off') return null;
  const match = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(value);
  if (!match || Number(match[1]) <= 0 || Number(match[2]) <= 0) {
    throw new Error(
      `A rate limit is "<points>/<points a second>" (e.g. 50000/5000) or "off"; got "${value}".`,
    );
  }
  return { maximumAvailable: Number(match[1]), restoreRate: Number(match[2]) };
}

/** What a client's bucket holds after a request (Shopify's `throttleStatus`). */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface Throttle {
  allowed: boolean;
  status: ThrottleStatus;
  /** When refused: whole seconds until the bucket holds the query's cost. */
  retryAfterSeconds?: number;
}

/** The bucket a request draws from: its API key, its person (per tenant), or its IP address. */
export function clientKey(viewer: Viewer, ip: string): string {
  if (viewer.kind === 'ANONYMOUS') return `ip:${ip}`;
  return `${viewer.kind === 'API_KEY' ? 'key' : 'person'}:${viewer.tenantId ?? ''}:${viewer.subject ?? ''}`;
}

/**
 * Takes `cost` points from the client's bucket (a query costing more than the whole bucket takes
 * a full bucket). Null when the client's kind is not limited, or
 * when the bucket cannot be read (the database is failing: the request goes on and meets the same
 * failure in its own transaction, answered 503 there; a limit never turns an outage into 429s).
 */
export async function takePoints(
  orm: MikroORM,
  limits: RateLimits,
  viewer: Viewer,
  ip: string,
  cost: number,
  log: FastifyBaseLogger,
): Promise<Throttle | null> {
  const limit = limits[viewer.kind];
  if (!limit) return null;
  cost = Math.min(cost, limit.maximumAvailable);
  try {
    const [row] = await orm.em
      .getConnection()
      .execute<{ allowed: boolean; available: number }[]>(
        'select allowed, available from guichet_take_points(?, ?, ?, ?)',
        [clientKey(viewer, ip), cost, limit.maximumAvailable, limit.restoreRate],
      );
    const status: ThrottleStatus = {
      maximumAvailable: limit.maximumAvailable,
      currentlyAvailable: Math.floor(row.available),
      restoreRate: limit.restoreRate,
    };
    if (row.allowed) return { allowed: true, status };
    return {
      allowed: false,
      status,
      retryAfterSeconds: Math.max(1, Math.ceil((cost - row.available) / limit.restoreRate)),
    };
  } catch (error) {
    log.warn({ err: error }, 'rate limit: bucket unreadable, request let through');
    return null;
  }
}
