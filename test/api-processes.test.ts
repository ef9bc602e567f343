import fs from 'node:fs';
import { errorLines, MAIN, ready, sleep, startServer, terminate, waitUntil } from './support/main-process';

/**
 * `npm start` as several API processes (API_PROCESSES, src/serve/primary.ts): they share the port,
 * `/metrics` sums every process's figures whichever answers, one that dies is replaced, and
 * SIGTERM stops them all.
 */
const workersOf = (pid: number): number[] =>
  fs
    .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);

async function graphql(port: number, query: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify({ query }),
  });
  await response.text();
  return response.status;
}

const probes = (text: string) =>
  Number(
    /^guichet_graphql_request_duration_seconds_count\{operation="Probe",outcome="ok"\} (\d+)$/m.exec(
      text,
    )?.[1] ?? 0,
  );

describe('API_PROCESSES', () => {
  beforeAll(() => {
    if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` (npm test does).`);
  });

  it('serves from two processes on one port, metrics summed, a dead one replaced, SIGTERM stops all', async () => {
    const server = await startServer({
      DATABASE_URL: process.env.GUICHET_TEST_OWNER_URL!,
      JOBS: 'on',
      API_PROCESSES: '2',
    });
    await ready(server);
    await waitUntil(
      () => server.output().includes('Guichet is serving GraphQL'),
      15000,
      () => server.output(),
    );
    const primary = server.child.pid!;
    const workers = workersOf(primary);
    expect(workers).toHaveLength(2);

    // A new connection each: the primary hands them to the processes in turn.
    for (let i = 0; i < 12; i++)
      expect(await graphql(server.port, 'query Probe { tenants { slug } }')).toBe(200);
    for (let scrape = 0; scrape < 4; scrape++) {
      const metrics = await fetch(`http://127.0.0.1:${server.port}/metrics`, {
        headers: { connection: 'close' },
      });
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(probes(text)).toBe(12);
      // The job queue runs in the primary: its gauge is in the sum, once.
      expect(text.match(/^# TYPE guichet_jobs_queued gauge$/gm)).toHaveLength(1);
    }

    process.kill(workers[0], 'SIGKILL');
    await waitUntil(
      () => workersOf(primary).length === 2 && !workersOf(primary).includes(workers[0]),
      15000,
      () => `not replaced: ${workersOf(primary).join(', ')}\n${server.output()}`,
    );
    expect(server.output()).toContain('an API process died: starting another');
    await sleep(500);
    for (let i = 0; i < 4; i++)
      expect(await graphql(server.port, 'query Probe { tenants { slug } }')).toBe(200);

    const survivors = workersOf(primary);
    const { code, ms } = await terminate(server, 15000);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
    // The one killed on purpose is the only error line.
    expect(errorLines(server.output()).filter((line) => !line.includes('an API process died'))).toEqual([]);
    for (const pid of survivors) expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
  });

  it('refuses an API_PROCESSES that is not a whole number from 1 to 64', async () => {
    const server = await startServer({
      DATABASE_URL: process.env.GUICHET_TEST_OWNER_URL!,
      API_PROCESSES: '0',
    });
    const { code } = await server.exited;
    expect(code).toBe(1);
    expect(server.output()).toContain('API_PROCESSES is a whole number from 1 to 64, or "auto"; got "0".');
  });
});
