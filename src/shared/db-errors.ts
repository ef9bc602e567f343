/**
 * Classifies what the database (or the pool in front of it) threw, so that the request path can
 * retry what PostgreSQL asks to be retried and answer SERVICE_UNAVAILABLE, not a 500, when the
 * database cannot serve. Errors arrive wrapped (MikroORM's DriverException, GraphQL's
 * located errors): the whole cause chain is read.
 */

/** SQLSTATEs of a transaction PostgreSQL aborted and that succeeds when simply run again. */
// deadlock_detected, serialization_failure, and exclusion_violation: a concurrent transaction
// committed a row the rules had not seen (e.g. a booking at overlapping hours) — run again, the
// rules then see it and refuse with a user error.
const RETRYABLE = new Set(['40P01', '40001', '23P01']);

/**
 * SQLSTATE classes and codes meaning "not now": connection exceptions (08), insufficient
 * resources (53: too many connections, out of memory, disk full), operator intervention (57:
 * admin shutdown, crash shutdown, cannot connect now, query canceled by statement_timeout) and
 * lock_not_available (55P03: lock_timeout).
 */
const UNAVAILABLE_CLASSES = ['08', '53', '57'];
const UNAVAILABLE_CODES = new Set(['55P03']);
/** Class 08 codes that are the client's fault, not the database's: a malformed message (a NUL). */
const CLIENT_FAULT_CODES = new Set(['08P01']);
/** Node and pool errors of a database that cannot be reached or a pool with no free connection. */
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);
const UNAVAILABLE_MESSAGES = [
  /Timeout acquiring a connection/i,
  /Connection terminated/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /Client has encountered a connection error/i,
  /Unable to acquire a connection/i,
  // knex ends a transaction whose connection PostgreSQL terminated (a restart, 57P01); the unit's
  // next statement then meets this, without the cause (seen by `npm run drill -- … --chaos`).
  /Transaction query already complete/i,
];

function* causes(error: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    yield current as Record<string, unknown>;
    const next = current as { originalError?: unknown; cause?: unknown; previous?: unknown };
    current = next.originalError ?? next.cause ?? next.previous;
  }
}

/** The SQLSTATE (or Node error code) found along the cause chain. */
export function sqlState(error: unknown): string | undefined {
  for (const cause of causes(error)) {
    if (typeof cause.code === 'string' && cause.code.length > 0) return cause.code;
    if (typeof cause.sqlState === 'string') return cause.sqlState;
  }
  return undefined;
}

/** A deadlock or serialization failure: the transaction may be run again as it was. */
export function isRetryableTransactionError(error: unknown): boolean {
  for (const cause of causes(error)) {
    if (typeof cause.code === 'string' && RETRYABLE.has(cause.code)) return true;
  }
  return false;
}

/** The database or the pool cannot serve now: the client should retry later. */
export function isUnavailableError(error: unknown): boolean {
  for (const cause of causes(error)) {
    const code = typeof cause.code === 'string' ? cause.code : undefined;
    if (code === 'SERVICE_UNAVAILABLE') return true;
    if (code && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_NODE_CODES.has(code))) return true;
    if (code && CLIENT_FAULT_CODES.has(code)) return false;
    if (code && code.length === 5 && UNAVAILABLE_CLASSES.includes(code.slice(0, 2))) return true;
    const name = typeof cause.name === 'string' ? cause.name : '';
    if (name === 'KnexTimeoutError' || name === 'TimeoutError') return true;
    const message = typeof cause.message === 'string' ? cause.message : '';
    if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  }
  return false;
}
