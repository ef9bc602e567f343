import type { DirectoryCache } from '../directory/directory-cache';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { FastifyBaseLogger } from 'fastify';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { TenantRow } from '../auth/authenticate';
import type { Admission } from './admission';
import type { DocumentLinks } from '../auth/document-links';
import type { Viewer } from '../auth/viewer';
import { commitWithTail, openCommitTail } from '../db/commit-tail';
import { beginScopedReading } from '../db/tenant-scope';
import type { GraphQLContext, Loaders } from '../graphql/context';
import { isRetryableTransactionError, isUnavailableError } from '../shared/db-errors';
import { ServiceUnavailableError, UnauthenticatedError } from '../shared/errors';
import { Tenant } from '../tenants/tenant.entity';
import { lightMap } from '../shared/light-entities';
import { frozenTenant } from '../tenants/tenants.service';
import { rowLanguage } from '../auth/tenant-language';
import { msg, readerLanguage, tenantLanguage, type Language } from '../shared/i18n';

/** What the route knows about a request before any GraphQL runs. */
export interface RequestState {
  viewer: Viewer;
  /** The tenant's row as authentication read it; each unit of work maps its own entity from it. */
  tenantRow: TenantRow | null;
  requestId: string;
  log: FastifyBaseLogger;
  now(): Date;
  links: DocumentLinks;
  /** The public directory, kept in memory (src/directory/directory-cache.ts). */
  directory?: DirectoryCache;
  /**
   * The operation's name once Apollo parsed it, for the metrics (an object: Apollo copies the
   * context it is given, so a field set on the copy would not reach the route).
   */
  seen?: { operationName: string | null };
  /** The language Accept-Language asks for among those the catalogue speaks, or null. */
  acceptedLocale: string | null;
  /** The client's address (Fastify's `request.ip`: trustProxy decides whether X-Forwarded-For counts). */
  ip: string;
}

/** The language messages of this request are rendered in (src/shared/i18n `readerLanguage`). */
export const requestLanguage = (state: RequestState): Language =>
  readerLanguage(state.tenantRow ? rowLanguage(state.tenantRow) : null, state.acceptedLocale);

/** What a unit of work needs: the pool and its line, the loaders, and PostgreSQL's limits (ms). */
export interface UnitOptions {
  orm: MikroORM;
  /** The line in front of the pool; absent: units go straight to the pool. */
  admission?: Admission;
  createLoaders(ctx: GraphQLContext): Loaders;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

/** A unit whose transaction PostgreSQL aborted for a deadlock or serialization is run again. */
const MAX_ATTEMPTS = 4;

class Rollback {
  constructor(readonly result: ExecutionResult) {}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` in one transaction scoped to the request's tenant, and commits only when the
 * execution met no error. Retries deadlocks and serialization failures, and any failed optimistic
 * first attempt (see `attemptOptimistically`); reports the database's
 * "not now" (pool timeout, outage, lock_timeout) as `unavailable`.
 */
export async function runUnit(
  options: UnitOptions,
  state: RequestState,
  readOnly: boolean,
  work: (ctx: GraphQLContext) => Promise<ExecutionResult> | ExecutionResult,
  /** A mutation's payload, after its write: to the front of the line (see `Admission`). */
  frontOfLine = false,
): Promise<{ result: ExecutionResult; unavailable: boolean }> {
  for (let attempt = 1; ; attempt++) {
    let result: ExecutionResult;
    let release: (() => void) | undefined;
    let tail: Readonly<{ optimistic: boolean }> | undefined;
    try {
      release = await options.admission?.acquire(frontOfLine || attempt > 1);
      // One fork per attempt, its transaction begun and ended on it: no nested fork, no merge of
      // the unit's entities into a parent afterwards (MikroORM's transactional() does both).
      const tx = options.orm.em.fork({ loggerContext: { requestId: state.requestId } }) as EntityManager;
      // The tenant is read afresh by the statement that scopes the transaction to it, sent with
      // its BEGIN.
      const row = state.tenantRow
        ? await beginScopedReading<TenantRow>(tx, readOnly, state.tenantRow.id, {
            lockTimeoutMs: options.lockTimeoutMs,
            statementTimeoutMs: options.statementTimeoutMs,
          })
        : await tx.begin({ readOnly });
      // A write's closing statements (events, idempotency outcome) ride on its COMMIT.
      if (!readOnly) tail = openCommitTail(tx, attempt);
      try {
        let tenant: Tenant | null = null;
        if (state.tenantRow) {
          if (!row) throw new UnauthenticatedError(msg('auth.tenantGone'));
          // A light entity, outside the unit of work (frozen: a service that changes the tenant
          // — modes, billing suspension — reads it managed with tenantToChange).
          tenant = frozenTenant(lightMap<Tenant>(tx, Tenant, row));
        }
        const outcome = await work(unitContext(options, state, tx, tenant));
        if (outcome.errors?.length) throw new Rollback(outcome);
        // A read-only unit has nothing to flush: spare the commit the change-set computation.
        if (readOnly) tx.clear();
        await commitWithTail(tx);
        result = outcome;
      } catch (error) {
        await tx.rollback().catch(() => undefined);
        throw error;
      }
    } catch (error) {
      if (error instanceof Rollback) {
        result = error.result;
      } else {
        // No turn in line, or BEGIN, set_config or COMMIT failed: nothing of the unit is committed.
        result = { data: null, errors: [new GraphQLError('unit failed', { originalError: error as Error })] };
      }
    } finally {
      release?.();
    }
    const errors = result.errors ?? [];
    if (!errors.length) return { result, unavailable: false };
    // An optimistic first attempt (src/db/commit-tail.ts `attemptOptimistically`) that failed runs
    // again without its shortcut, so that what it met is answered the usual way — unless the
    // database cannot serve: that answer (503, retry) holds whatever the attempt was.
    if (attempt === 1 && tail?.optimistic && !errors.some((e) => isUnavailableError(e))) continue;
    if (attempt < MAX_ATTEMPTS && errors.some((e) => isRetryableTransactionError(e))) {
      await sleep(5 + Math.random() * 20 * attempt);
      continue;
    }
    const unavailable = errors.some((e) => isUnavailableError(e) || isRetryableTransactionError(e));
    if (unavailable) {
      const busy = new ServiceUnavailableError();
      return {
        result: { data: null, errors: [new GraphQLError(busy.message, { originalError: busy })] },
        unavailable,
      };
    }
    return { result, unavailable: false };
  }
}

/** Thrown by any use of the database in an offline unit. */
class DatabaseNeeded extends Error {}

/** An execution's context without a database, and whether anything reached for one. */
export interface OfflineUnit {
  ctx: GraphQLContext;
  /** True once anything used `ctx.em` or the tenant, even if a resolver caught what it threw. */
  readonly neededDatabase: boolean;
}

/**
 * The context of a unit that reads nothing from the database — a mutation's payload made only of
 * what the write returned (its user errors, an empty list), a query of the viewer or of the
 * schema: `em`, `tenant` and `tenantOrNull` throw on any use and mark the unit, and the caller
 * then runs the execution again in a real unit (the result of a marked unit is never answered).
 * Spares such a request its transaction (BEGIN and scope, COMMIT, a turn in the pool's line).
 * `tenant`: the tenant as a mutation's write read it, for the messages' language only (a payload
 * that shows the tenant reads it again in a real unit); null: the request's language.
 */
export function offlineContext(
  options: UnitOptions,
  state: RequestState,
  tenant: Tenant | null,
): OfflineUnit {
  const unit = { ctx: undefined as unknown as GraphQLContext, neededDatabase: false };
  const needed = (): never => {
    unit.neededDatabase = true;
    throw new DatabaseNeeded('this unit has no database');
  };
  const em = new Proxy({}, { get: needed }) as EntityManager;
  const context = unitContext(options, state, em, tenant);
  if (!tenant) Object.defineProperty(context, 'language', { value: requestLanguage(state) });
  Object.defineProperty(context, 'tenant', { get: needed });
  Object.defineProperty(context, 'tenantOrNull', { get: needed });
  unit.ctx = context;
  return unit;
}

/** The context of one unit of work: its EntityManager, its tenant entity and fresh loaders. */
function unitContext(
  options: UnitOptions,
  state: RequestState,
  em: EntityManager,
  tenant: Tenant | null,
): GraphQLContext {
  const context = {
    em,
    viewer: state.viewer,
    requestId: state.requestId,
    log: state.log,
    now: state.now,
    links: state.links,
    directory: state.directory,
    tenantOrNull: tenant,
    language: readerLanguage(tenant ? tenantLanguage(tenant) : null, state.acceptedLocale),
    get tenant(): Tenant {
      if (!tenant) throw new UnauthenticatedError();
      return tenant;
    },
    loaders: {} as Loaders,
  };
  context.loaders = options.createLoaders(context);
  return context;
}
