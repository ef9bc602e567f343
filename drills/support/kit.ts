import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { sleep } from '../../bench/support/processes';
import { read } from './client';
import type { World } from './world';

/** The instant of a local date and time in the tenant's zone (e.g. 12:15 in Paris on a school day). */
export function localInstant(date: string, time: string, zone: string): Date {
  return DateTime.fromISO(`${date}T${time}`, { zone }).toJSDate();
}

/** The date `days` after `date` (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate()!;
}

/** The local date of the world's clock in `zone`. */
export function today(world: World, zone: string): string {
  return DateTime.fromJSDate(world.clock(), { zone }).toISODate()!;
}

/**
 * Runs one of the server's scheduled jobs now, as its crontab would at the clock's instant: the
 * drill plays the scheduler (graphile-worker's add_job, as the owner) rather than wait ten minutes.
 */
export async function runJob(world: World, task: string): Promise<void> {
  // A job key: asking again while one is pending replaces it rather than queue a second.
  await world.owner.query(`select graphile_worker.add_job($1, '{}'::json, job_key := $2)`, [
    task,
    `drill:${task}`,
  ]);
}

/** Polls `check` (a database read, or the API) until it is true, up to `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

/** Every node of a connection, page by page (100 at a time). */
export async function allNodes(
  world: World,
  token: string,
  field: string,
  selection: string,
  args = '',
): Promise<any[]> {
  const nodes: any[] = [];
  let after: string | null = null;
  for (;;) {
    const data = await read(
      world.url,
      token,
      `query($after: String) { ${field}(first: 100, after: $after${args ? `, ${args}` : ''}) {
        pageInfo { hasNextPage endCursor } nodes { ${selection} } } }`,
      { after },
    );
    nodes.push(...data[field].nodes);
    if (!data[field].pageInfo.hasNextPage) return nodes;
    after = data[field].pageInfo.endCursor;
  }
}

export interface Receiver {
  url: string;
  /** Event ids received with a 2xx answer, and every POST. */
  delivered: Map<string, { type: string; data: any }>;
  posts: number;
  /** Answer 500 to the next `n` POSTs (a vendor's integration down for a while). */
  failNext(n: number): void;
  failed: number;
  close(): Promise<void>;
}

/** A vendor's webhook receiver on loopback (allowed outside production), as a caterer runs one. */
export async function startReceiver(): Promise<Receiver> {
  let failing = 0;
  const receiver: Receiver = {
    url: '',
    delivered: new Map(),
    posts: 0,
    failed: 0,
    failNext: (n) => (failing = n),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      receiver.posts++;
      if (failing > 0) {
        failing--;
        receiver.failed++;
        res.writeHead(500).end('integration down');
        return;
      }
      try {
        const event = JSON.parse(body) as { id: string; type: string; data: unknown };
        receiver.delivered.set(event.id, { type: event.type, data: event.data });
      } catch {
        // not an event: counted as a post only
      }
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/guichet`;
  return receiver;
}

/**
 * `--chaos`: PostgreSQL stopped under the API while `work` runs (the rush, a day's roll calls) and
 * started again `downMs` later; `work`'s clients meet 503s and retry with the same keys.
 */
export async function withPostgresRestart<T>(
  world: World,
  downMs: number,
  work: () => Promise<T>,
): Promise<T> {
  const restart = (async () => {
    await sleep(100);
    await world.restartPostgres(downMs);
  })();
  try {
    return await work();
  } finally {
    await restart;
  }
}

/**
 * `--chaos`: the API killed with SIGKILL `afterMs` into `work` (a billing run in flight), then
 * started again; `work`'s client retries its request with the same idempotency key.
 */
export async function withApiKilled<T>(world: World, afterMs: number, work: () => Promise<T>): Promise<T> {
  const kill = (async () => {
    await sleep(afterMs);
    await world.killApi();
    await world.startApi();
  })();
  try {
    return await work();
  } finally {
    await kill;
  }
}
