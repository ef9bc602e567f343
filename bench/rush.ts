import 'reflect-metadata';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { seedScale } from '../seeds/DatabaseSeeder';
import { signToken } from '../src/auth/jwt';
import { Role } from '../src/auth/viewer';
import { loadConfig } from '../src/config';
import { appUrlFor, migrate } from '../src/db/database';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { initOrm } from '../src/db/orm';
import { seedDemoIfEmpty } from '../seeds/seed-demo';
import { createApp } from '../src/http/app';
import { createLogger } from '../src/shared/logger';

/**
 * The registration rush: PARENTS distinct families fire `reserve` over HTTP at the instant a
 * CAPACITY-place session opens, retrying on network errors with the same idempotency key.
 * Prints one JSON line. Usage: npm run bench:rush [-- PARENTS CAPACITY]
 */
const PARENTS = Number(process.argv[2] ?? 2000);
const CAPACITY = Number(process.argv[3] ?? 500);
const TENANT = 'saint-nazaire';

async function main(): Promise<void> {
  const config = { ...loadConfig(), env: 'test' as const };
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-rush-'));
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'pg'),
    port: 54000 + (process.pid % 1000),
    logger,
    persistent: false,
  });
  try {
    await migrate(pg.ownerUrl, config, logger);
    const ownerOrm = await initOrm({ clientUrl: pg.ownerUrl, logger, poolMax: 2 });
    await seedDemoIfEmpty(ownerOrm, logger);
    await seedScale(ownerOrm.em.fork(), TENANT, PARENTS, 4242);
    await ownerOrm.close(true);

    const owner = new Client({ connectionString: pg.ownerUrl });
    owner.on('error', () => undefined); // the server stops under it at the end
    await owner.connect();
    const opensAt = new Date(Date.now() + 60_000);
    const { rows } = await owner.query(
      `with target as (
         select s.id, s.service_id from sessions s join tenants t on t.id = s.tenant_id
         join services sv on sv.id = s.service_id
         where t.slug = $1 and sv.kind = 'LEISURE_CENTRE' order by s.date limit 1)
       update sessions set capacity = $2 from target where sessions.id = target.id returning sessions.id, sessions.service_id, to_char(sessions.date, 'YYYY-MM-DD') as date`,
      [TENANT, CAPACITY],
    );
    const { id: sessionUuid, service_id: serviceUuid, date: sessionDate } = rows[0];
    await owner.query('update services set booking_opens_at = $1 where id = $2', [opensAt, serviceUuid]);

    const orm = await initOrm({ clientUrl: appUrlFor(config, pg.ownerUrl), logger, poolMax: 10 });
    const app = await createApp({ orm, config, logger });
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}/graphql`;
    const post = async (query: string, variables: object, token: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as any };
    };

    // Families and children as the API gives them (IDs are opaque).
    const agent = await signToken(
      { sub: 'bench:agent', tenant: TENANT, roles: [Role.AGENT] },
      config.jwtSecret,
    );
    const families: { id: string; children: { id: string }[] }[] = [];
    for (let after: string | null = null; families.length < PARENTS;) {
      const page: any = await post(
        'query($after: String) { families(first: 100, after: $after) { pageInfo { endCursor hasNextPage } nodes { id children { id } } } }',
        { after },
        agent,
      );
      families.push(...page.body.data.families.nodes.filter((f: any) => f.children.length > 0));
      if (!page.body.data.families.pageInfo.hasNextPage) break;
      after = page.body.data.families.pageInfo.endCursor;
    }
    const target = (await post(
      'query($f: SessionFilter) { sessions(first: 100, filter: $f) { nodes { id capacity } } }',
      { f: { from: sessionDate, to: sessionDate } },
      agent,
    )) as any;
    const sessionId: string = target.body.data.sessions.nodes.find((n: any) => n.capacity === CAPACITY)?.id;
    if (!sessionId) throw new Error('target session not found');
    const parents = await Promise.all(
      families.slice(0, PARENTS).map(async (family, i) => ({
        token: await signToken(
          { sub: `bench:parent:${i}`, tenant: TENANT, roles: [Role.PARENT], family: family.id },
          config.jwtSecret,
        ),
        childId: family.children[0].id,
        key: `rush-${i}`,
      })),
    );

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, opensAt.getTime() - Date.now())));
    const RESERVE = `mutation($input: ReserveInput!) { reserve(input: $input) { reservations { id } userErrors { code } } }`;
    let http5xx = 0;
    const latencies: number[] = [];
    const started = Date.now();
    const outcomes = await Promise.all(
      parents.map(async (parent) => {
        const t0 = performance.now();
        for (let attempt = 0; attempt < 5; attempt++) {
          try {
            const res = await post(
              RESERVE,
              { input: { childId: parent.childId, sessionIds: [sessionId], idempotencyKey: parent.key } },
              parent.token,
            );
            if (res.status >= 500) http5xx++;
            latencies.push(performance.now() - t0);
            return res.body.data?.reserve?.reservations?.length === 1;
          } catch {
            // Network error: retry with the same idempotency key.
          }
        }
        return false;
      }),
    );
    const seconds = (Date.now() - started) / 1000;

    const counts = await owner.query(
      `select count(*)::int as live,
              (select places_taken from sessions where id = $1) as places_taken,
              (select count(*)::int from (select child_id from reservations where session_id = $1 and status <> 'CANCELLED'
                 group by child_id having count(*) > 1) d) as duplicates
       from reservations where session_id = $1 and status <> 'CANCELLED'`,
      [sessionUuid],
    );
    await owner.end();
    await app.close();
    await orm.close(true);
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]);
    const booked = outcomes.filter(Boolean).length;
    console.log(
      JSON.stringify({
        attempts: parents.length,
        capacity: CAPACITY,
        booked,
        bookedInDatabase: counts.rows[0].live,
        overbooked: Math.max(0, counts.rows[0].live - CAPACITY),
        duplicateBookings: counts.rows[0].duplicates,
        http5xx,
        p50Ms: pct(0.5),
        p99Ms: pct(0.99),
        bookingsPerSecond: Math.round(booked / seconds),
        attemptsPerSecond: Math.round(parents.length / seconds),
        machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      }),
    );
  } finally {
    await pg.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
