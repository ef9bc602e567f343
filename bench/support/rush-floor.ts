import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { signToken } from '../../src/auth/jwt';
import { Role } from '../../src/auth/viewer';
import { scratchDatabase } from './bare-rate';
import type { BenchDatabase } from './database';
import {
  freePort,
  lastLineOf,
  postgresCpuMs,
  spawnGroup,
  stopGroup,
  treeCpuMs,
  waitForHttp,
} from './processes';
import { ROOT } from './servers';

const SECRET = 'rush-floor-secret-rush-floor-secret';
const LEAD_MS = 8000;

/**
 * The same rush against the floor server (bench/rush-floor-server.ts: HTTP, a token, three round
 * trips, nothing else; two processes, as Guichet), in a scratch database of the same PostgreSQL
 * with the acceptance check's tables plus the idempotency keys: PARENTS parents from their own
 * process (bench/rush-load.ts) at an opening instant, CAPACITY places. `bookingsPerSecond` as
 * bench:rush defines it (CAPACITY ÷ the last reservation's commit time after the opening).
 */
export async function floorRush(db: BenchDatabase, workDir: string, parents: number, capacity: number) {
  const url = await scratchDatabase(
    db,
    'floorbench',
    capacity,
    `create table keys(principal text not null, key bigint not null, reservation_id bigint not null,
       primary key (principal, key));`,
  );
  const scratch = new Client({ connectionString: url.toString() });
  await scratch.connect();

  const port = await freePort();
  const server = spawnGroup(
    'rush-floor',
    process.execPath,
    [path.join(ROOT, 'dist/bench/rush-floor-server.js'), url.toString(), String(port), SECRET, '2', '10'],
    { logFile: path.join(workDir, 'floor.log') },
  );
  try {
    const serverUrl = `http://127.0.0.1:${port}/graphql`;
    await waitForHttp(serverUrl, server, 30000);
    const tokens = await Promise.all(
      Array.from({ length: parents }, (_, i) =>
        signToken(
          { sub: `bench:parent:${i}`, tenant: 'floor', roles: [Role.PARENT], family: `family-${i}` },
          SECRET,
        ),
      ),
    );
    const opensAt = Date.now() + LEAD_MS;
    const planFile = path.join(workDir, 'floor-plan.json');
    fs.writeFileSync(
      planFile,
      JSON.stringify({
        url: serverUrl,
        healthUrl: serverUrl,
        opensAt,
        parents: tokens.map((token, i) => ({
          token,
          body: JSON.stringify({
            variables: { input: { childId: `child-${i}`, idempotencyKey: `rush-${i}` } },
          }),
        })),
        maxAttempts: 10,
        timeoutMs: 120000,
        replaySample: 0, // the floor keeps keys but does not replay
      }),
    );
    const cpu0 = { server: treeCpuMs(server.pid!), postgres: postgresCpuMs(db.pid) };
    const load = JSON.parse(
      await lastLineOf('rush-load', process.execPath, [path.join(ROOT, 'dist/bench/rush-load.js'), planFile]),
    );
    const perRequest = (ms: number) => Math.round((ms / load.requests) * 100) / 100;
    const serverCpuMsPerRequest = perRequest(treeCpuMs(server.pid!) - cpu0.server);
    const postgresCpuMsPerRequest = perRequest(postgresCpuMs(db.pid) - cpu0.postgres);
    const {
      rows: [row],
    } = await scratch.query(
      `select count(*)::int as booked, (select places_taken from sessions where id = 1) as places_taken,
              extract(epoch from max(pg_xact_commit_timestamp(xmin))) * 1000 as last_ms,
              extract(epoch from min(pg_xact_commit_timestamp(xmin))) * 1000 as first_ms
       from reservations`,
    );
    const lastPlaceMs = Number(row.last_ms) - opensAt;
    return {
      booked: row.booked,
      placesTaken: row.places_taken,
      bookingsPerSecond: Math.round((row.booked / (lastPlaceMs / 1000)) * 10) / 10,
      p50Ms: load.p50Ms,
      p99Ms: load.p99Ms,
      firstPlaceMs: Math.round(Number(row.first_ms) - opensAt),
      lastPlaceMs: Math.round(lastPlaceMs),
      serverCpuMsPerRequest,
      postgresCpuMsPerRequest,
      statusCounts: load.statusCounts,
      refusals: load.refusals,
      dispatchMs: load.dispatchMs,
    };
  } finally {
    await stopGroup(server);
    await scratch.end();
    await db.owner.query('drop database floorbench with (force)');
  }
}
