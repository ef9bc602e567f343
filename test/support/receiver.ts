import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  /** The path posted to (endpoints of one test told apart by theirs). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: { id: string; type: string; occurredAt: string; tenant: string; data: Record<string, unknown> };
  status: number;
}

/**
 * A real HTTP receiver on loopback, as a vendor runs one: records every POST and answers each
 * with the next status of `answers` (200 once they run out).
 */
export async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  answers: number[];
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const status = answers.shift() ?? 200;
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body,
        json: JSON.parse(body) as Received['json'],
        status,
      });
      res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return {
    url,
    received,
    answers,
    async waitFor(count, timeoutMs = 20000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} deliveries, got ${received.length} within ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
