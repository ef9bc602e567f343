import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { seedScale } from '../seeds/DatabaseSeeder';
import { signToken } from '../src/auth/jwt';
import { Role } from '../src/auth/viewer';
import { loadConfig } from '../src/config';
import { initOrm } from '../src/db/orm';
import { fromGlobalId, toGlobalId } from '../src/shared/ids';
import { createLogger } from '../src/shared/logger';
import { startBenchDatabase, type BenchDatabase } from './support/database';
import { bareBookingRate } from './support/bare-rate';
import { floorRush } from './support/rush-floor';
import {
  treeCpuMs,
  failAndExit,
  lastLineOf,
  loadAverage,
  machine,
  postgresCpuMs,
  scratchDir,
} from './support/processes';
import { ROOT, startGuichet, type Server } from './support/servers';

/**
 * The registration rush against the database's own pace. On a fresh embedded PostgreSQL
 * (track_commit_timestamp on), with the demo data and PARENTS generated Saint-Nazaire families:
 *
 * 1. the bare booking transaction (bench/rush-bare.ts: insert, conditional UPDATE of one hot row,
 *    commit; 50 clients, 10 s), from a process of its own with `pg`, in a scratch database of the
 *    same server; and pgbench's rate for the same script when pgbench is installed;
 * 2. Guichet (its own process, as `npm start` runs it), a CAPACITY-place leisure-centre session
 *    whose booking opens a few seconds later, and the parents (bench/rush-load.ts, their own
 *    process), each sending `reserve` for one eligible child at the opening instant.
 *
 * `bookingsPerSecond` = CAPACITY ÷ (commit time of the last reservation of the session, read from
 * PostgreSQL's commit timestamps − the opening instant). Prints one JSON line; exits 1 when an
 * invariant fails.
 *
 * With `--floor`, the same parents then rush a floor server (bench/support/rush-floor.ts: HTTP, a
 * token and the booking's three round trips, nothing else) on the same PostgreSQL: what this
 * machine leaves to any API, printed as `floor`.
 *
 * Usage: npm run bench:rush [-- PARENTS CAPACITY] [--bare-seconds 10] [--bare-clients 50] [--floor]
 */
const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'bare-seconds': { type: 'string', default: '10' },
    'bare-clients': { type: 'string', default: '50' },
    floor: { type: 'boolean', default: false },
  },
});
const PARENTS = Number(positionals[0] ?? 2000);
const CAPACITY = Number(positionals[1] ?? 500);
const BARE_SECONDS = Number(args['bare-seconds']);
const BARE_CLIENTS = Number(args['bare-clients']);
if (![PARENTS, CAPACITY, BARE_SECONDS, BARE_CLIENTS].every((n) => Number.isInteger(n) && n > 0)) {
  throw new Error('Usage: npm run bench:rush [-- PARENTS CAPACITY] [--bare-seconds S] [--bare-clients N]');
}
const TENANT = 'saint-nazaire';
const SEED = 4242;
/** Time the parents get to start and open their connections before the opening instant. */
const LEAD_MS = 8000;

/** The session the parents rush for: CAPACITY places, booking not open yet; and its service. */
async function prepareSession(db: BenchDatabase, tenantId: string) {
  const { rows } = await db.owner.query(
    `with target as (
       select s.id from sessions s join services sv on sv.tenant_id = s.tenant_id and sv.id = s.service_id
       where s.tenant_id = $1 and sv.kind = 'LEISURE_CENTRE' order by s.date, s.id limit 1)
     update sessions s set capacity = $2 from target where s.id = target.id
     returning s.id, s.service_id, s.places_taken, to_char(s.date, 'YYYY-MM-DD') as date`,
    [tenantId, CAPACITY],
  );
  const session = rows[0];
  const {
    rows: [service],
  } = await db.owner.query(
    `update services set booking_opens_at = now() + interval '1 day' where id = $1
     returning min_age_months, max_age_months`,
    [session.service_id],
  );
  const {
    rows: [{ reservations }],
  } = await db.owner.query('select count(*)::int as reservations from reservations where session_id = $1', [
    session.id,
  ]);
  if (session.places_taken !== 0 || reservations !== 0) throw new Error('the target session is not empty');
  return { ...session, minAge: service.min_age_months, maxAge: service.max_age_months };
}

/** The generated families, each with its eldest child old enough (and young enough) for the session. */
async function parentsFor(
  db: BenchDatabase,
  tenantId: string,
  session: Awaited<ReturnType<typeof prepareSession>>,
) {
  const months = `(extract(year from age($3::date, c.birth_date)) * 12 + extract(month from age($3::date, c.birth_date)))`;
  const { rows } = await db.owner.query(
    `select f.id as family_id, c.id as child_id
     from families f
     join lateral (
       select c.id from children c
       where c.tenant_id = f.tenant_id and c.family_id = f.id
         and ($4::int is null or ${months} >= $4) and ($5::int is null or ${months} < $5)
       order by c.birth_date, c.id limit 1) c on true
     where f.tenant_id = $1 and f.external_ref like $2
     order by split_part(f.external_ref, '-', 3)::int limit $6`,
    [tenantId, `SCALE-${SEED}-%`, session.date, session.minAge, session.maxAge, PARENTS],
  );
  if (rows.length < PARENTS) throw new Error(`only ${rows.length} generated families have an eligible child`);
  const secret = loadConfig().jwtSecret;
  return Promise.all(
    rows.map(async (row: { family_id: string; child_id: string }, i: number) => ({
      token: await signToken(
        {
          sub: `bench:parent:${i}`,
          tenant: TENANT,
          roles: [Role.PARENT],
          family: toGlobalId('Family', row.family_id),
        },
        secret,
      ),
      childId: toGlobalId('Child', row.child_id),
    })),
  );
}

const RESERVE = `mutation($input: ReserveInput!) { reserve(input: $input) { reservations { id } userErrors { code } } }`;
const reserveBody = (childId: string, sessionId: string, key: string) =>
  JSON.stringify({
    query: RESERVE,
    variables: { input: { childId, sessionIds: [sessionId], idempotencyKey: key } },
  });

/** A few refused requests before the opening (NOT_OPEN): the server's code paths compiled, nothing written. */
async function warmUp(server: Server, parents: { token: string; childId: string }[], sessionId: string) {
  const codes = new Set<string>();
  for (const parent of parents.slice(0, 40)) {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${parent.token}` },
      body: reserveBody(parent.childId, sessionId, `warm-up-${parent.childId}`),
    });
    const body = (await res.json()) as { data?: { reserve?: { userErrors?: { code: string }[] } } };
    codes.add(body.data?.reserve?.userErrors?.[0]?.code ?? `HTTP ${res.status}: ${JSON.stringify(body)}`);
  }
  if (codes.size !== 1 || !codes.has('NOT_OPEN'))
    throw new Error(`warm-up: expected NOT_OPEN, got ${[...codes]}`);
}

/** The rush's statements by total time (planning + execution), as PostgreSQL counted them. */
async function writeStatementStats(db: BenchDatabase, file: string): Promise<void> {
  const { rows } = await db.owner.query(
    `select calls, round(total_plan_time::numeric, 1) as plan_ms, round(total_exec_time::numeric, 1) as exec_ms,
            round(((total_plan_time + total_exec_time) / nullif(calls, 0))::numeric, 3) as ms_per_call, query
     from pg_stat_statements order by total_plan_time + total_exec_time desc limit 40`,
  );
  fs.writeFileSync(file, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
}

async function main(): Promise<void> {
  const workDir = scratchDir('guichet-bench-rush-');
  // BENCH_PG_STATEMENTS=<file>: PostgreSQL's own account of the rush's statements (calls, planning
  // and execution time), from pg_stat_statements, written to that file.
  const statementsFile = process.env.BENCH_PG_STATEMENTS;
  const db = await startBenchDatabase('rush', {
    track_commit_timestamp: 'on',
    ...(statementsFile
      ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track_planning': 'on' }
      : {}),
  });
  const logger = createLogger('warn');
  const ownerOrm = await initOrm({ clientUrl: db.ownerUrl, logger, poolMax: 2 });
  await seedScale(ownerOrm.em.fork(), TENANT, Math.ceil(PARENTS * 1.1), SEED);
  await ownerOrm.close(true);
  const {
    rows: [{ id: tenantId }],
  } = await db.owner.query('select id from tenants where slug = $1', [TENANT]);
  await db.owner.query('analyze');
  const session = await prepareSession(db, tenantId);
  const parents = await parentsFor(db, tenantId, session);
  const sessionId = toGlobalId('Session', session.id);

  const load0 = loadAverage();
  const { bare, pgbench } = await bareBookingRate(db, workDir, BARE_CLIENTS, BARE_SECONDS);

  const server = await startGuichet(db.ownerUrl, path.join(workDir, 'guichet.log'));
  await warmUp(server, parents, sessionId);
  const opensAt = Date.now() + LEAD_MS;
  await db.owner.query('update services set booking_opens_at = $1 where id = $2', [
    new Date(opensAt),
    session.service_id,
  ]);
  const planFile = path.join(workDir, 'plan.json');
  fs.writeFileSync(
    planFile,
    JSON.stringify({
      url: server.url,
      healthUrl: server.url.replace(/\/graphql$/, '/healthz'),
      opensAt,
      parents: parents.map((p, i) => ({
        token: p.token,
        body: reserveBody(p.childId, sessionId, `rush-${i}`),
      })),
      maxAttempts: 10,
      timeoutMs: 120000,
      replaySample: 100,
    }),
  );
  if (statementsFile) {
    await db.owner.query('create extension if not exists pg_stat_statements');
    await db.owner.query('select pg_stat_statements_reset()');
  }
  const cpu0 = { server: treeCpuMs(server.pid), postgres: postgresCpuMs(db.pid) };
  const load = JSON.parse(
    await lastLineOf('rush-load', process.execPath, [path.join(ROOT, 'dist/bench/rush-load.js'), planFile]),
  );
  const loadEnd = loadAverage();
  // CPU per request answered (the rush and the replays), the server's and PostgreSQL's: figures
  // that a busy machine changes less than it changes latencies.
  const cpuPerRequest = (ms: number) => Math.round((ms / (load.requests + load.replays.checked)) * 100) / 100;
  const serverCpuMsPerRequest = cpuPerRequest(treeCpuMs(server.pid) - cpu0.server);
  const postgresCpuMsPerRequest = cpuPerRequest(postgresCpuMs(db.pid) - cpu0.postgres);

  const {
    rows: [db0],
  } = await db.owner.query(
    `select count(*)::int as live,
            (select places_taken from sessions where id = $1) as places_taken,
            (select count(*)::int from (select child_id from reservations where session_id = $1 and status <> 'CANCELLED'
               group by child_id having count(*) > 1) d) as duplicates,
            extract(epoch from max(pg_xact_commit_timestamp(xmin))) * 1000 as last_commit_ms,
            extract(epoch from min(pg_xact_commit_timestamp(xmin))) * 1000 as first_commit_ms,
            coalesce(array_agg(id::text), '{}') as ids
     from reservations where session_id = $1 and status <> 'CANCELLED'`,
    [session.id],
  );
  if (statementsFile) await writeStatementStats(db, statementsFile);
  await server.stop();
  const floor = args.floor ? await floorRush(db, workDir, PARENTS, CAPACITY) : undefined;
  await db.stop();

  const acknowledged = new Set<string>(load.reservationIds.map((id: string) => fromGlobalId(id)?.id));
  const lastPlaceMs = Number(db0.last_commit_ms) - opensAt;
  const bookingsPerSecond = Math.round((db0.live / (lastPlaceMs / 1000)) * 10) / 10;
  const http5xx = Object.entries(load.statusCounts as Record<string, number>)
    .filter(([status]) => Number(status) >= 500)
    .reduce((total, [, n]) => total + n, 0);
  const invariants = {
    full: db0.live === CAPACITY,
    acknowledgedEqualsDatabase:
      acknowledged.size === db0.live && (db0.ids as string[]).every((id) => acknowledged.has(id)),
    placesTakenEqualsRows: db0.places_taken === db0.live,
    noOverbooking: db0.live <= CAPACITY,
    noDuplicates: db0.duplicates === 0,
    no5xx: http5xx === 0,
    everyRefusalIsFull: Object.keys(load.refusals).every((code) => code === 'FULL'),
    replaysMatch: load.replays.mismatches.length === 0,
  };
  const m = machine();
  console.log(
    JSON.stringify({
      parents: PARENTS,
      capacity: CAPACITY,
      attempts: load.parents,
      booked: load.booked,
      bookedInDatabase: db0.live,
      overbooked: Math.max(0, db0.live - CAPACITY),
      duplicateBookings: db0.duplicates,
      http5xx,
      bookingsPerSecond,
      bareBookingRate: bare.transactionsPerSecond,
      ratio: Math.round((bookingsPerSecond / bare.transactionsPerSecond) * 1000) / 1000,
      pgbenchRate: pgbench,
      pgbenchRatio: pgbench ? Math.round((bookingsPerSecond / pgbench) * 1000) / 1000 : null,
      p50Ms: load.p50Ms,
      p99Ms: load.p99Ms,
      maxMs: load.maxMs,
      requestP50Ms: load.requestP50Ms,
      requestP99Ms: load.requestP99Ms,
      serverCpuMsPerRequest,
      postgresCpuMsPerRequest,
      firstPlaceMs: Math.round(Number(db0.first_commit_ms) - opensAt),
      lastPlaceMs: Math.round(lastPlaceMs),
      requests: load.requests,
      retries: load.retries,
      networkErrors: load.networkErrors,
      statusCounts: load.statusCounts,
      refusals: load.refusals,
      replays: { checked: load.replays.checked, mismatches: load.replays.mismatches.slice(0, 5) },
      invariants,
      ...(floor && {
        floor: {
          ...floor,
          ratio: Math.round((floor.bookingsPerSecond / bare.transactionsPerSecond) * 1000) / 1000,
        },
      }),
      preconnected: load.preconnected,
      dispatchMs: load.dispatchMs,
      loadAverage: [load0, loadEnd],
      machine: `${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, PostgreSQL ${db.version}`,
    }),
  );
  const hold = Object.values(invariants).every(Boolean);
  if (hold) fs.rmSync(workDir, { recursive: true, force: true });
  else console.error(`An invariant failed; the server's log is in ${workDir}`);
  process.exit(hold ? 0 : 1);
}

main().catch(failAndExit);
