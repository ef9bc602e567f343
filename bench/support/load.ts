import { AUTOCANNON, NODE22 } from './servers';
import { spawnGroup } from './processes';

export interface LoadResult {
  /** autocannon's `requests.average`: mean of the per-second counts of responses. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses received during the run. */
  responses: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * Drives `url` with autocannon in a process (and process group) of its own, on Node 22: POSTs
 * `body` on `connections` keep-alive connections for `seconds`, each sending its next request
 * when the previous one is answered. Requests time out after 60 s (counted in `timeouts`).
 */
export async function autocannon(
  url: string,
  body: string,
  options: { connections: number; seconds: number; token?: string },
): Promise<LoadResult> {
  const headers = ['-H', 'content-type=application/json'];
  if (options.token) headers.push('-H', `authorization=Bearer ${options.token}`);
  const args = [
    AUTOCANNON,
    '-c',
    String(options.connections),
    '-d',
    String(options.seconds),
    '-t',
    '60',
    '-m',
    'POST',
    ...headers,
    '-b',
    body,
    '-j',
    url,
  ];
  const child = spawnGroup('autocannon', NODE22, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`autocannon exited with ${code}: ${err.slice(-500)}`);
  const r = JSON.parse(out);
  return {
    rps: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    responses: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}
