import {
  HeaderMap,
  type ApolloServerPlugin,
  type GraphQLRequestContext,
  type GraphQLResponse,
} from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { collectFields } from 'graphql/execution/collectFields';
import { queryCost } from '../graphql/cost';
import { executeCompiled } from './compiled-queries';
import { classifyError, formatError } from '../graphql/errors';
import { guardOperation, operationError } from '../graphql/guard';
import { msg } from '../shared/i18n';
import { RETRY_AFTER_SECONDS } from '../shared/errors';
import { takePoints, type RateLimits, type ThrottleStatus } from './rate-limit';
import type { GraphQLContext } from '../graphql/context';
import { WrittenRows } from '../shared/written-rows';
import { offlineContext, requestLanguage, runUnit, type RequestState, type UnitOptions } from './units';

export type { RequestState } from './units';

export interface ExecutorOptions extends UnitOptions {
  schema: GraphQLSchema;
  maxCost: number;
  /** Buckets of query-cost points per kind of client (src/http/rate-limit.ts); absent: none. */
  rateLimits?: RateLimits;
}

/**
 * Executes every operation in units of work, each one transaction:
 * - a query is one read-only transaction;
 * - each root field of a mutation is its own unit, run in order, in two phases: the write, in a
 *   transaction that commits only if the field's resolver met no error (a refusal in `userErrors`
 *   is an answer; anything thrown rolls everything back, its idempotency key included), then the
 *   payload, read after the commit in a read-only transaction (so a booking's hot rows are locked
 *   only until its COMMIT). Execution stops at the first failed field (the GraphQL spec's serial
 *   execution); the response's `extensions.committed` lists every field whose write committed —
 *   a payload that failed to read after its write committed is listed there too, and its
 *   idempotency key replays the result.
 * A unit PostgreSQL aborts for a deadlock or a serialization failure is retried (up to 4 times,
 * with jitter); when the database cannot serve, the answer is SERVICE_UNAVAILABLE (HTTP 503 with
 * Retry-After), never a 500. Before any of it, the operation guard checks access and input
 * limits, and the cost (with the variables) is computed and reported in `extensions.cost`.
 */
export function executorPlugin(options: ExecutorOptions): ApolloServerPlugin<RequestState> {
  return {
    async requestDidStart() {
      return {
        responseForOperation: (request) => executeOperation(options, request),
      };
    },
  };
}

async function executeOperation(
  options: ExecutorOptions,
  request: GraphQLRequestContext<RequestState>,
): Promise<GraphQLResponse | null> {
  // No operation resolved (unknown operationName, or several without one): Apollo answers it.
  if (!request.operation) return null;
  const state = request.contextValue;
  if (state.seen) state.seen.operationName = request.operation.name?.value ?? null;
  const document = request.document!;
  const operation = request.operation;
  const guard = guardOperation({
    schema: options.schema,
    document,
    operation,
    rawVariables: request.request.variables,
    viewer: state.viewer,
    actsInTenant: state.tenantRow !== null,
  });
  // The cost, reported on every answer past parsing; unknown only when the input itself is unusable.
  let cost:
    { requestedQueryCost: number; maximumAvailable: number; throttleStatus?: ThrottleStatus } | undefined;
  try {
    cost = {
      requestedQueryCost: queryCost(options.schema, document, operation.name?.value, guard.variables),
      maximumAvailable: options.maxCost,
    };
  } catch {
    cost = undefined;
  }
  if (guard.errors.length || !cost) {
    const inputError = guard.errors.some((e) => e.extensions.code === 'BAD_USER_INPUT');
    const unsupported = guard.errors.some((e) => e.extensions.code === 'OPERATION_NOT_SUPPORTED');
    return respond(
      state,
      { errors: guard.errors },
      inputError || unsupported || !cost ? 400 : 200,
      cost && { cost },
    );
  }
  if (cost.requestedQueryCost > options.maxCost) {
    const tooCostly = operationError(
      msg('operation.tooCostly', { cost: cost.requestedQueryCost, max: options.maxCost }),
      'COST_LIMIT_EXCEEDED',
    );
    return respond(state, { errors: [tooCostly] }, 400, { cost });
  }
  // The client's bucket pays for the query before it runs (src/http/rate-limit.ts).
  const throttle = options.rateLimits
    ? await takePoints(
        options.orm,
        options.rateLimits,
        state.viewer,
        state.ip,
        cost.requestedQueryCost,
        state.log,
      )
    : null;
  if (throttle) cost.throttleStatus = throttle.status;
  if (throttle && !throttle.allowed) {
    const throttled = operationError(
      msg('operation.throttled', {
        cost: cost.requestedQueryCost,
        available: throttle.status.currentlyAvailable,
        rate: throttle.status.restoreRate,
        seconds: throttle.retryAfterSeconds!,
      }),
      'THROTTLED',
    );
    return respond(state, { errors: [throttled] }, 429, { cost }, throttle.retryAfterSeconds);
  }

  const operationName = operation.name?.value;
  if (operation.operation === 'query') {
    const execute = (ctx: GraphQLContext) =>
      executeCompiled(options.schema, document, operationName, 'query', () => document, ctx, guard.variables);
    // A query that reads nothing from the database (the viewer, the schema) runs without a
    // transaction; one that did once goes straight to its unit from then on.
    if (!needsDatabase.has(document)) {
      const offline = offlineContext(options, state, null);
      // Anything thrown (rather than reported in the result) is met again, and answered, in the unit.
      const result = await (async () => execute(offline.ctx))().catch(() => null);
      if (result && !offline.neededDatabase && !result.errors?.length)
        return respond(state, result, 200, { cost });
      if (offline.neededDatabase) needsDatabase.add(document);
    }
    const { result, unavailable } = await runUnit(options, state, true, execute);
    return respond(state, result, unavailable ? 503 : 200, { cost });
  }

  // Mutation: each root field its own unit of work, in order, in two phases: the write (its
  // transaction commits only if the field resolved without error), then the payload, read after
  // the commit in a read-only transaction, so the rows the write locked are released first.
  const fragments = document.definitions.filter(
    (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
  );
  const fields = collectFields(
    options.schema,
    Object.fromEntries(fragments.map((f) => [f.name.value, f])),
    guard.variables,
    options.schema.getMutationType()!,
    operation.selectionSet,
  );
  const data: Record<string, unknown> = {};
  const committed: string[] = [];
  const stop = (result: ExecutionResult, unavailable: boolean) =>
    respond(state, { data: null, errors: result.errors }, unavailable ? 503 : 200, {
      cost,
      ...(committed.length ? { committed } : {}),
    });
  for (const [responseKey, nodes] of fields) {
    const phase: NonNullable<GraphQLContext['mutation']> = {
      outcomes: new Map(),
      replay: false,
      inputRefusals: guard.inputRefusals.get(responseKey),
    };
    /** One phase of the field: the write (payload's `__typename` only), or the payload read. */
    /** What the write's last attempt inserted, for its payload (src/shared/written-rows.ts). */
    let written: WrittenRows | undefined;
    const executePhase = (ctx: GraphQLContext, writing: boolean) => {
      ctx.mutation = phase;
      if (writing) {
        phase.tenant = ctx.tenantOrNull;
        written = new WrittenRows();
      }
      ctx.written = written;
      return executeCompiled(
        options.schema,
        document,
        operationName,
        `${writing ? 'write' : 'payload'}:${fieldKey(nodes)}`,
        () => singleFieldDocument(operation, nodes, fragments, writing),
        ctx,
        guard.variables,
      );
    };
    const runPhase = (writing: boolean) =>
      runUnit(options, state, !writing, (ctx) => executePhase(ctx, writing), !writing);
    /** The payload without a transaction, when it reads nothing from the database; else null. */
    const payloadOffline = async () => {
      if (phase.tenant === undefined) return null;
      const offline = offlineContext(options, state, phase.tenant);
      const result = await executePhase(offline.ctx, false);
      return offline.neededDatabase || result.errors?.length ? null : { result, unavailable: false };
    };
    const write = await runPhase(true);
    if (write.result.errors?.length) return stop(write.result, write.unavailable);
    committed.push(responseKey);
    // A write of this process is seen by its next directory read without waiting for PostgreSQL's
    // notification (which other processes act on): the cache is dropped after every commit.
    state.directory?.invalidate();
    phase.replay = true;
    const read = (await payloadOffline()) ?? (await runPhase(false));
    // The write is committed whatever happens now: `extensions.committed` says so.
    if (read.result.errors?.length) return stop(read.result, read.unavailable);
    data[responseKey] = read.result.data?.[responseKey] ?? null;
  }
  return respond(state, { data }, 200, { cost });
}

/** The operation reduced to one of its root fields (with every fragment it may use). */
function singleFieldDocument(
  operation: OperationDefinitionNode,
  nodes: readonly FieldNode[],
  fragments: FragmentDefinitionNode[],
  writeOnly: boolean,
): DocumentNode {
  // The write phase selects only `__typename` of the payload: nothing of it is read yet.
  const selections: readonly FieldNode[] = writeOnly
    ? nodes.map((node): FieldNode => ({
        ...node,
        selectionSet: { kind: Kind.SELECTION_SET, selections: [TYPENAME] },
      }))
    : nodes;
  return {
    kind: Kind.DOCUMENT,
    definitions: [{ ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections } }, ...fragments],
  };
}

const fieldIds = new WeakMap<FieldNode, number>();
let lastFieldId = 0;
/** The root field's nodes (@include/@skip may leave out some, by variable), as a cache key. */
function fieldKey(nodes: readonly FieldNode[]): string {
  return nodes
    .map((node) => {
      let id = fieldIds.get(node);
      if (id === undefined) fieldIds.set(node, (id = ++lastFieldId));
      return id;
    })
    .join(',');
}

/** Query documents (Apollo's parsed documents, kept per query text) that reached for the database. */
const needsDatabase = new WeakSet<DocumentNode>();

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

/** Formats the errors (logging the unexpected ones with the request id) and sets the status. */
function respond(
  state: RequestState,
  result: ExecutionResult,
  status: number,
  extensions?: Record<string, unknown>,
  retryAfterSeconds?: number,
): GraphQLResponse {
  const errors = result.errors?.map((error) => {
    if (classifyError(error) === 'internal') {
      state.log.error(
        { err: (error as GraphQLError).originalError ?? error, path: error.path },
        'unexpected error',
      );
    }
    return formatError(
      error instanceof GraphQLError ? error.toJSON() : { message: String(error) },
      error,
      requestLanguage(state),
    );
  });
  const headers = new HeaderMap();
  if (status === 503) headers.set('retry-after', String(RETRY_AFTER_SECONDS));
  if (retryAfterSeconds) headers.set('retry-after', String(retryAfterSeconds));
  return {
    http: { status, headers },
    body: {
      kind: 'single',
      singleResult: {
        ...('data' in result ? { data: result.data } : {}),
        ...(errors?.length ? { errors } : {}),
        ...(extensions ? { extensions } : {}),
      },
    },
  };
}
