import 'reflect-metadata';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { seedScale } from '../seeds/DatabaseSeeder';
import { seedDemoIfEmpty } from '../seeds/seed-demo';
import { signToken } from '../src/auth/jwt';
import { Role } from '../src/auth/viewer';
import { loadConfig } from '../src/config';
import { appUrlFor, migrate } from '../src/db/database';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { initOrm } from '../src/db/orm';
import { createApp } from '../src/http/app';
import { createLogger } from '../src/shared/logger';
import { toGlobalId } from '../src/shared/ids';

/**
 * The rush with a waitlist: PARENTS families `reserve` with `waitlistIfFull` a CAPACITY-place
 * Saint-Nazaire summer day (OFFER policy) all at once, then CANCELS bookings are cancelled, ten at
 * a time: every cancellation must offer its place to exactly one entry, the first ones in rank
 * order. The API runs in a child process (its own event loop), this one generates the load.
 * Prints one JSON line. Usage: npm run bench:waitlist [-- PARENTS CAPACITY CANCELS]
 */
const ARGS = process.argv.slice(2).filter((a) => a !== '--serve');
const [PARENTS, CAPACITY, CANCELS] = [2000, 500, 100].map((d, i) => Number(ARGS[i] ?? d));
const TENANT = 'saint-nazaire';
const config = { ...loadConfig(), env: 'test' as const };
const logger = createLogger(process.env.LOG_LEVEL ?? 'error');

interface Served {
  url: string;
  ownerUrl: string;
  sessionUuid: string;
}

/** The child: PostgreSQL, the demo data, the target session, the API; then waits for 'stop'. */
async function serve(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-wl-bench-'));
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'pg'),
    port: 55000 + (process.pid % 1000),
    logger,
    persistent: false,
  });
  await migrate(pg.ownerUrl, config, logger);
  const ownerOrm = await initOrm({ clientUrl: pg.ownerUrl, logger, poolMax: 2 });
  await seedDemoIfEmpty(ownerOrm, logger);
  await seedScale(ownerOrm.em.fork(), TENANT, PARENTS, 4243);
  await ownerOrm.close(true);
  const owner = new Client({ connectionString: pg.ownerUrl });
  await owner.connect();
  const { rows } = await owner.query(
    `with target as (
       select s.id, s.service_id from sessions s join tenants t on t.id = s.tenant_id
       join services sv on sv.id = s.service_id
       where t.slug = $1 and sv.kind = 'LEISURE_CENTRE' and sv.waitlist_promotion = 'OFFER' order by s.date limit 1)
     update sessions set capacity = greatest($2, places_taken) from target where sessions.id = target.id
     returning sessions.id, sessions.service_id`,
    [TENANT, CAPACITY],
  );
  await owner.query(`update services set booking_opens_at = now() - interval '1 minute' where id = $1`, [
    rows[0].service_id,
  ]);
  await owner.end();
  const orm = await initOrm({ clientUrl: appUrlFor(config, pg.ownerUrl), logger, poolMax: 10 });
  const app = await createApp({ orm, config, logger });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const served: Served = {
    url: `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}/graphql`,
    ownerUrl: pg.ownerUrl,
    sessionUuid: rows[0].id,
  };
  process.send!(served);
  process.on('message', async () => {
    await app.close();
    await orm.close(true);
    await pg.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
}

/** The load generator: the rush, then the cancellations, then the count of every place. */
async function load(): Promise<void> {
  const child = fork(__filename, ['--serve', ...process.argv.slice(2)], { stdio: 'inherit' });
  const served = await new Promise<Served>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Served));
    child.once('exit', (code) => reject(new Error(`the API process exited (${code})`)));
  });
  const post = async (query: string, variables: object, token: string): Promise<any> => {
    for (;;) {
      const res = await fetch(served.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      if (res.status !== 503) return res.json();
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
    }
  };
  const owner = new Client({ connectionString: served.ownerUrl });
  await owner.connect();
  const sign = (claims: object) => signToken({ tenant: TENANT, ...claims } as never, config.jwtSecret);
  const agent = await sign({ sub: 'bench:agent', roles: [Role.AGENT] });
  const { rows: kids } = await owner.query(
    `select id, family_id from (
       select c.id, c.family_id, row_number() over (partition by c.family_id order by c.id) as n
       from children c join tenants t on t.id = c.tenant_id
       where t.slug = $1 and c.birth_date between now() - interval '12 years' and now() - interval '4 years') k
     where n = 1 order by id limit $2`,
    [TENANT, PARENTS],
  );
  const sessionId = toGlobalId('Session', served.sessionUuid);
  const RESERVE = `mutation($i: ReserveInput!) { reserve(input: $i) { reservations { id } waitlistEntries { rank } userErrors { code } } }`;
  const started = Date.now();
  const outcomes = await Promise.all(
    kids.map(async (kid, i) => {
      const token = await sign({
        sub: `bench:parent:${i}`,
        roles: [Role.PARENT],
        family: toGlobalId('Family', kid.family_id),
      });
      const res = await post(
        RESERVE,
        {
          i: {
            childId: toGlobalId('Child', kid.id),
            sessionIds: [sessionId],
            idempotencyKey: `wl-${i}`,
            waitlistIfFull: true,
          },
        },
        token,
      );
      return res.data?.reserve?.reservations?.length
        ? 'booked'
        : res.data?.reserve?.waitlistEntries?.length
          ? 'waiting'
          : 'refused';
    }),
  );
  const rushSeconds = (Date.now() - started) / 1000;
  const queue = (
    await owner.query(
      `select e.id from waitlist_queue q join waitlist_entries e on e.id = q.id where q.session_id = $1 order by q.rank`,
      [served.sessionUuid],
    )
  ).rows.map((r) => r.id);
  const booked = (
    await owner.query(`select id from reservations where session_id = $1 and status = 'BOOKED' limit $2`, [
      served.sessionUuid,
      CANCELS,
    ])
  ).rows;
  const cancelStarted = Date.now();
  for (let i = 0; i < booked.length; i += 10) {
    await Promise.all(
      booked
        .slice(i, i + 10)
        .map((r) =>
          post(
            `mutation($i: CancelReservationInput!) { cancelReservation(input: $i) { userErrors { code } } }`,
            { i: { reservationId: toGlobalId('Reservation', r.id), idempotencyKey: `cancel-${r.id}` } },
            agent,
          ),
        ),
    );
  }
  const cancelSeconds = (Date.now() - cancelStarted) / 1000;
  const { rows: figures } = await owner.query(
    `select s.capacity, s.places_taken,
       (select count(*)::int from reservations r where r.session_id = s.id and r.status = 'BOOKED') as booked,
       (select count(*)::int from waitlist_entries e where e.session_id = s.id and e.status = 'OFFERED') as offered,
       (select array_agg(e.id::text) from waitlist_entries e where e.session_id = s.id and e.status = 'OFFERED') as offered_ids
     from sessions s where s.id = $1`,
    [served.sessionUuid],
  );
  const f = figures[0];
  const inOrder = new Set<string>(f.offered_ids ?? []);
  console.log(
    JSON.stringify({
      parents: kids.length,
      capacity: f.capacity,
      booked: outcomes.filter((o) => o === 'booked').length,
      waiting: outcomes.filter((o) => o === 'waiting').length,
      refused: outcomes.filter((o) => o === 'refused').length,
      rushSeconds,
      cancellations: booked.length,
      offersMade: f.offered,
      offersToTheFirstInRank: queue.slice(0, booked.length).every((id) => inOrder.has(id)),
      placesTaken: f.places_taken,
      placesCounted: f.booked + f.offered,
      withinCapacity: f.places_taken <= f.capacity,
      cancellationsPerSecond: Math.round(booked.length / cancelSeconds),
      machine: `${os.cpus().length} cores, Node ${process.version}`,
    }),
  );
  await owner.end();
  child.send('stop');
}

(process.argv.includes('--serve') ? serve() : load()).catch((error) => {
  console.error(error);
  process.exit(1);
});
