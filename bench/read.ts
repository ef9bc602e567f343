import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signToken } from '../src/auth/jwt';
import { Role } from '../src/auth/viewer';
import { loadConfig } from '../src/config';
import { READ_QUERIES, type ReadQuery, type Shape } from './read-queries';
import { startBenchDatabase, type BenchDatabase } from './support/database';
import { autocannon, type LoadResult } from './support/load';
import {
  treeCpuMs,
  failAndExit,
  loadAverage,
  machine,
  median,
  postgresCpuMs,
  scratchDir,
  sleep,
} from './support/processes';
import { ensurePeer, startGuichet, startPeer, type Server } from './support/servers';

/**
 * Guichet against PostGraphile 5.1.5 on the same embedded PostgreSQL, the same rows and the same
 * row-level security (both as the API's non-owner role, app.tenant_id = Nîmes), one query at a
 * time: checks both return the same nodes at each level, counts the statements one request sends,
 * then drives each with autocannon (a separate process), alternating Guichet and PostGraphile
 * round by round after a warm-up. Prints one JSON line per query.
 *
 * Usage: npm run bench:read [-- --rounds 3 --seconds 8 --warmup 3 --connections 10 --only nested,deeper]
 */
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    only: { type: 'string' },
    'show-statements': { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(args.rounds);
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);
const CONNECTIONS = Number(args.connections);
const TENANT = 'nimes';
/** Canteen lunches booked per child (distinct dates), so families' first 20 reservations exist. */
const LUNCHES_PER_CHILD = 10;
/** Responses a round needs for its req/s and latencies to mean something. */
const MIN_RESPONSES = 20;
/** Requests whose statements are counted (the figure is their mean). */
const COUNTED_REQUESTS = 3;

/**
 * Reservations for every Nîmes child at a school, as the owner (set-based): each child booked on
 * the first LUNCHES_PER_CHILD lunches of its own school's canteen (the service's audience: that
 * school's pupils), one a date, so no two overlap (`reservations_no_overlap`); the sessions'
 * places_taken follow (capacity is checked by the table).
 */
async function seedReservations(db: BenchDatabase, tenantId: string): Promise<number> {
  const { rowCount } = await db.owner.query(
    `with picked as (
       select c.id as child_id, c.family_id, s.id as session_id,
              row_number() over (partition by c.id order by s.date, s.id) as n
       from children c
       join services sv on sv.tenant_id = c.tenant_id and sv.facility_id = c.school_id
         and sv.kind = 'CANTEEN' and sv.audience = 'SCHOOL_PUPILS'
       join sessions s on s.tenant_id = sv.tenant_id and s.service_id = sv.id and s.period = 'LUNCH'
         and s.date > current_date
       where c.tenant_id = $1)
     insert into reservations (id, tenant_id, session_id, child_id, family_id, status, channel, created_by,
       created_at, updated_at)
     select gen_random_uuid(), $1, session_id, child_id, family_id, 'BOOKED', 'ONLINE', 'bench:read',
            now() - make_interval(mins => n::int), now() - make_interval(mins => n::int)
     from picked where n <= $2`,
    [tenantId, LUNCHES_PER_CHILD],
  );
  await db.owner.query(
    `update sessions s set places_taken = s.places_taken + r.n
     from (select session_id, count(*)::int as n from reservations
           where tenant_id = $1 and created_by = 'bench:read' group by session_id) r
     where s.tenant_id = $1 and s.id = r.session_id`,
    [tenantId],
  );
  await db.owner.query('analyze reservations, sessions');
  return rowCount ?? 0;
}

async function post(url: string, query: string, token?: string): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown };
  if (res.status !== 200 || body.errors) {
    throw new Error(`${url} answered ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
  }
  return body.data;
}

interface Side {
  server: Server;
  body: string;
  token?: string;
}

/**
 * Waits until a server has finished the requests autocannon left in flight when it stopped (its
 * process idle, no statement of the API's role running), so that they neither slow down the next
 * run nor land in a statement count.
 */
async function drain(server: Server, db: BenchDatabase): Promise<void> {
  // A CPU profiler's sampling keeps an idle server a little busy (three processes, ≈ 1–3 % each).
  const idleMs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').includes('--cpu-prof') ? 100 : 10;
  for (const deadline = Date.now() + 300000; Date.now() < deadline;) {
    const before = treeCpuMs(server.pid);
    await sleep(300);
    const busyMs = treeCpuMs(server.pid) - before;
    const {
      rows: [{ active }],
    } = await db.owner.query(
      `select count(*)::int as active from pg_stat_activity where usename = $1 and state <> 'idle'`,
      [db.appRole],
    );
    if (busyMs <= idleMs && active === 0) return;
  }
  throw new Error(`${server.url} is still busy 5 minutes after its load stopped`);
}

/**
 * One autocannon run, with the server's and PostgreSQL's CPU time per response (during the run;
 * what the server does afterwards for requests left unanswered is not counted), then a drain.
 */
async function measure(side: Side, seconds: number, db: BenchDatabase) {
  const [node0, pg0] = [treeCpuMs(side.server.pid), postgresCpuMs(db.pid)];
  const result = await autocannon(side.server.url, side.body, {
    connections: CONNECTIONS,
    seconds,
    token: side.token,
  });
  const responses = Math.max(1, result.responses);
  const [node1, pg1] = [treeCpuMs(side.server.pid), postgresCpuMs(db.pid)];
  await drain(side.server, db);
  return { ...result, cpuMs: (node1 - node0) / responses, pgCpuMs: (pg1 - pg0) / responses };
}

async function compare(query: ReadQuery, db: BenchDatabase, guichet: Side, peer: Side) {
  const shapes = async (): Promise<[Shape, Shape]> => [
    query.guichetShape(await post(guichet.server.url, query.guichet, guichet.token)),
    query.peerShape(await post(peer.server.url, query.peer)),
  ];
  const [g, p] = await shapes();
  if (g.levels !== p.levels) {
    throw new Error(
      `${query.name}: the two servers return different data: Guichet ${g.levels}, PostGraphile ${p.levels}`,
    );
  }
  const loadStart = loadAverage();
  await measure(guichet, WARMUP, db);
  await measure(peer, WARMUP, db);
  const count = async (side: Side, text: string, who: string) => {
    const sent = await db.log.statementsOf(db.owner, db.appRole, async () => {
      for (let i = 0; i < COUNTED_REQUESTS; i++) await post(side.server.url, text, side.token);
    });
    if (args['show-statements']) {
      console.error(
        `${query.name}, ${who}, ${COUNTED_REQUESTS} requests:\n  ${sent.join('\n  ') || '(none)'}`,
      );
    }
    return sent.length / COUNTED_REQUESTS;
  };
  const statements = await count(guichet, query.guichet, 'Guichet');
  const peerStatements = await count(peer, query.peer, 'PostGraphile');

  const rounds: { g: Awaited<ReturnType<typeof measure>>; p: Awaited<ReturnType<typeof measure>> }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const g = await measure(guichet, SECONDS, db);
    const p = await measure(peer, SECONDS, db);
    rounds.push({ g, p });
  }
  const [gAfter, pAfter] = await shapes();
  if (gAfter.levels !== g.levels || pAfter.levels !== p.levels) {
    throw new Error(`${query.name}: the data changed during the run (${gAfter.levels} / ${pAfter.levels})`);
  }
  const med = (pick: (r: (typeof rounds)[number]) => number, digits = 1) =>
    Math.round(median(rounds.map(pick)) * 10 ** digits) / 10 ** digits;
  const sum = (pick: (r: LoadResult) => number) => rounds.reduce((total, r) => total + pick(r.g), 0);
  const peerSum = (pick: (r: LoadResult) => number) => rounds.reduce((total, r) => total + pick(r.p), 0);
  // A round in which a server answered (almost) nothing gives no figure (0 req/s, latencies 0):
  // the requests outlast the round. Said on stderr; the line still comes.
  const fewest = Math.min(...rounds.flatMap((r) => [r.g.responses, r.p.responses]));
  if (fewest < MIN_RESPONSES) {
    console.error(
      `${query.name}: a round got only ${fewest} responses (fewer than ${MIN_RESPONSES}): its req/s and latencies mean little; run longer rounds (--seconds).`,
    );
  }
  return {
    query: query.name,
    guichetRps: med((r) => r.g.rps),
    peerRps: med((r) => r.p.rps),
    ratio: med((r) => r.g.rps / r.p.rps, 3),
    guichetP50Ms: med((r) => r.g.p50Ms),
    guichetP99Ms: med((r) => r.g.p99Ms),
    peerP50Ms: med((r) => r.p.p50Ms),
    peerP99Ms: med((r) => r.p.p99Ms),
    statementsPerRequest: Math.round(statements * 100) / 100,
    peerStatementsPerRequest: Math.round(peerStatements * 100) / 100,
    guichetCpuMsPerRequest: med((r) => r.g.cpuMs, 2),
    peerCpuMsPerRequest: med((r) => r.p.cpuMs, 2),
    guichetPostgresCpuMsPerRequest: med((r) => r.g.pgCpuMs, 2),
    peerPostgresCpuMsPerRequest: med((r) => r.p.pgCpuMs, 2),
    levels: g.levels,
    sameContent: g.fingerprint === p.fingerprint,
    rounds: rounds.map((r) => [Math.round(r.g.rps * 10) / 10, Math.round(r.p.rps * 10) / 10]),
    guichetResponses: sum((r) => r.responses),
    peerResponses: peerSum((r) => r.responses),
    guichetFailures: sum((r) => r.non2xx + r.errors + r.timeouts),
    peerFailures: peerSum((r) => r.non2xx + r.errors + r.timeouts),
    connections: CONNECTIONS,
    seconds: SECONDS,
    loadAverage: [loadStart, loadAverage()],
  };
}

async function main(): Promise<void> {
  const queries = args.only
    ? READ_QUERIES.filter((q) => args.only!.split(',').includes(q.name))
    : READ_QUERIES;
  if (queries.length === 0) throw new Error(`--only: none of ${READ_QUERIES.map((q) => q.name).join(', ')}`);
  ensurePeer();
  const logDir = scratchDir('guichet-bench-read-logs-');
  const db = await startBenchDatabase('read');
  const {
    rows: [{ id: tenantId }],
  } = await db.owner.query('select id from tenants where slug = $1', [TENANT]);
  const reservations = await seedReservations(db, tenantId);
  const guichet = await startGuichet(db.ownerUrl, path.join(logDir, 'guichet.log'));
  const peer = await startPeer(db.appUrl, tenantId, path.join(logDir, 'postgraphile.log'));
  const token = await signToken(
    { sub: 'bench:agent', tenant: TENANT, roles: [Role.AGENT] },
    loadConfig().jwtSecret,
  );
  const m = machine();
  console.error(
    `bench:read on ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, PostgreSQL ${db.version}; ` +
      `${reservations} reservations seeded; logs in ${logDir}`,
  );
  let failed = false;
  for (const query of queries) {
    try {
      const line = await compare(
        query,
        db,
        { server: guichet, body: JSON.stringify({ query: query.guichet }), token },
        { server: peer, body: JSON.stringify({ query: query.peer }) },
      );
      console.log(
        JSON.stringify({
          ...line,
          machine: `${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, PostgreSQL ${db.version}`,
        }),
      );
    } catch (error) {
      failed = true;
      console.error(error instanceof Error ? error.message : error);
      console.log(JSON.stringify({ query: query.name, error: String((error as Error).message ?? error) }));
    }
    await sleep(1000);
  }
  await guichet.stop();
  await peer.stop();
  await db.stop();
  if (!failed) fs.rmSync(logDir, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

main().catch(failAndExit);
