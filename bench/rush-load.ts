import fs from 'node:fs';
import http from 'node:http';

/**
 * The parents of `bench:rush`, in a process of their own (never the server's event loop). Each
 * parent has its own keep-alive connection, opened before the opening instant (a page left open);
 * at the opening instant every parent sends its `reserve`, and retries it with the same
 * idempotency key on a network error (timeouts included) or a 503/429 (after Retry-After, else
 * 1 s). Latencies run from the opening instant to the parent's final answer (retries included);
 * per-request latencies from each send. Afterwards, a sample of parents send their request again,
 * unchanged: each must get the same reservation, or the same refusal, back.
 *
 * Input: a JSON file (bench/rush.ts writes it). Output: one JSON line on stdout.
 */
interface Plan {
  url: string;
  healthUrl: string;
  /** The opening instant, ms since the epoch (this machine's clock, as the server's). */
  opensAt: number;
  parents: { token: string; body: string }[];
  maxAttempts: number;
  timeoutMs: number;
  replaySample: number;
}

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as Plan;
const target = new URL(plan.url);

function send(agent: http.Agent, method: string, url: URL, token?: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        method,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        headers: body
          ? {
              'content-type': 'application/json',
              authorization: `Bearer ${token}`,
              'content-length': Buffer.byteLength(body),
            }
          : {},
        timeout: plan.timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            body: text,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

type Outcome = { booked: true; reservationId: string } | { booked: false; code: string };

/** What a 200 answer says: the reservation made (or replayed), or the first refusal's code. */
function outcomeOf(answer: Answer): Outcome {
  try {
    const parsed = JSON.parse(answer.body);
    const payload = parsed.data?.reserve;
    if (payload?.reservations?.length === 1)
      return { booked: true, reservationId: payload.reservations[0].id };
    if (payload?.userErrors?.length) return { booked: false, code: payload.userErrors[0].code };
    return { booked: false, code: `GRAPHQL_ERROR:${parsed.errors?.[0]?.extensions?.code ?? 'unknown'}` };
  } catch {
    return { booked: false, code: 'UNPARSABLE' };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function retryDelayMs(retryAfter: string | undefined): number {
  if (retryAfter === undefined) return 1000;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(retryAfter);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : 1000;
}

const statusCounts: Record<string, number> = {};
const attemptLatencies: number[] = [];
let networkErrors = 0;
let requests = 0;

async function reserve(
  agent: http.Agent,
  token: string,
  body: string,
): Promise<Outcome & { attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    const sentAt = performance.now();
    requests++;
    let answer: Answer;
    try {
      answer = await send(agent, 'POST', target, token, body);
    } catch {
      networkErrors++;
      if (attempt >= plan.maxAttempts) return { booked: false, code: 'NETWORK_ERROR', attempts: attempt };
      await sleep(100 * attempt + Math.random() * 100);
      continue;
    }
    attemptLatencies.push(performance.now() - sentAt);
    statusCounts[answer.status] = (statusCounts[answer.status] ?? 0) + 1;
    if (answer.status === 503 || answer.status === 429) {
      if (attempt >= plan.maxAttempts)
        return { booked: false, code: `HTTP_${answer.status}`, attempts: attempt };
      await sleep(retryDelayMs(answer.retryAfter));
      continue;
    }
    if (answer.status !== 200) return { booked: false, code: `HTTP_${answer.status}`, attempts: attempt };
    return { ...outcomeOf(answer), attempts: attempt };
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]);
}

async function inBatches<T>(items: T[], size: number, work: (item: T, index: number) => Promise<void>) {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map((item, i) => work(item, start + i)));
  }
}

async function main(): Promise<void> {
  const agents = plan.parents.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const health = new URL(plan.healthUrl);
  let preconnected = 0;
  await inBatches(agents, 100, async (agent) => {
    const answer = await send(agent, 'GET', health).catch(() => null);
    if (answer?.status === 200) preconnected++;
  });
  if (Date.now() > plan.opensAt - 50)
    throw new Error('the parents were not ready before the opening instant');

  // Until the opening instant: a timer, then a short spin for the last milliseconds.
  await sleep(plan.opensAt - Date.now() - 20);
  while (Date.now() < plan.opensAt);
  const opening = performance.now() - (Date.now() - plan.opensAt);
  const finished: number[] = [];
  const pending = plan.parents.map(async (parent, i) => {
    const outcome = await reserve(agents[i], parent.token, parent.body);
    finished[i] = performance.now() - opening;
    return outcome;
  });
  const dispatchMs = Math.round(performance.now() - opening);
  const outcomes = await Promise.all(pending);
  // The rush's own figures, before the replays add requests.
  const rush = {
    requests,
    networkErrors,
    statusCounts: { ...statusCounts },
    latencies: [...attemptLatencies],
  };

  // Replays: the same request again, after the rush, must answer the same.
  const booked = outcomes.flatMap((o, i) => (o.booked ? [i] : []));
  const refused = outcomes.flatMap((o, i) => (o.booked ? [] : [i]));
  const sample = [...booked.slice(0, plan.replaySample), ...refused.slice(0, plan.replaySample)];
  const mismatches: string[] = [];
  await inBatches(sample, 10, async (i) => {
    const again = await reserve(agents[i], plan.parents[i].token, plan.parents[i].body);
    const first = outcomes[i];
    const same = first.booked
      ? again.booked && again.reservationId === first.reservationId
      : !again.booked && again.code === first.code;
    if (!same) mismatches.push(`parent ${i}: ${JSON.stringify(first)} then ${JSON.stringify(again)}`);
  });
  agents.forEach((agent) => agent.destroy());

  const refusals: Record<string, number> = {};
  for (const o of outcomes) if (!o.booked) refusals[o.code] = (refusals[o.code] ?? 0) + 1;
  const sortedFinished = [...finished].sort((a, b) => a - b);
  const sortedAttempts = rush.latencies.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      parents: plan.parents.length,
      preconnected,
      booked: booked.length,
      reservationIds: booked.map((i) => (outcomes[i] as { reservationId: string }).reservationId),
      refusals,
      requests: rush.requests,
      retries: outcomes.reduce((total, o) => total + o.attempts - 1, 0),
      networkErrors: rush.networkErrors,
      statusCounts: rush.statusCounts,
      dispatchMs,
      p50Ms: percentile(sortedFinished, 0.5),
      p99Ms: percentile(sortedFinished, 0.99),
      maxMs: Math.round(sortedFinished[sortedFinished.length - 1] ?? 0),
      requestP50Ms: percentile(sortedAttempts, 0.5),
      requestP99Ms: percentile(sortedAttempts, 0.99),
      replays: { checked: sample.length, mismatches },
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
