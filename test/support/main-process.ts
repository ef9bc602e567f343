import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * The built server (`node dist/src/main.js`, what `npm start` runs) as a child process of a test,
 * with only the environment it is given. `npm test` builds first.
 */
export const ROOT = path.resolve(__dirname, '..', '..');
export const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');

export interface Server {
  child: ChildProcess;
  port: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export const children = new Set<ChildProcess>();

export function startServer(env: Record<string, string>): Promise<Server> {
  return freePort().then((port) => {
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      // Only what the server needs: nothing of jest's environment (DATABASE_URL, NODE_ENV…) leaks in.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? os.tmpdir(),
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: String(port),
        DEMO_DATA: 'off',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => {
        children.delete(child);
        resolve({ code, signal });
      }),
    );
    return { child, port, output: () => output, exited };
  });
}

/** Polls /readyz until 200 (bounded); fails at once, with the server's output, if it exits. */
export async function ready(server: Server, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`server exited before being ready:\n${server.output()}`);
    }
    const status = await fetch(`http://127.0.0.1:${server.port}/readyz`)
      .then((res) => res.status)
      .catch(() => 0);
    if (status === 200) return;
    await sleep(100);
  }
  throw new Error(`server not ready after ${timeoutMs} ms:\n${server.output()}`);
}

/** SIGTERM, then the exit code and how long the exit took (bounded). */
export async function terminate(
  server: Server,
  timeoutMs: number,
): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  server.child.kill('SIGTERM');
  const { code } = await within(server.exited, timeoutMs, () => `no exit after SIGTERM:\n${server.output()}`);
  return { code, ms: Date.now() - started };
}

export async function waitUntil(condition: () => boolean, ms: number, message: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${message()} after ${ms} ms`);
    await sleep(20);
  }
}

/** The promise's value, or a failure after `ms` (the timer does not outlive the promise). */
export async function within<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${message()} (${ms} ms)`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Server-side log lines at level error (50) or fatal (60). */
export function errorLines(output: string): string[] {
  return output.split('\n').filter((line) => /"level":(50|60)/.test(line) || /\bERROR\b/.test(line));
}

/** POST /graphql on a connection of its own; resolves with the HTTP status. */
export function post(port: number, query: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query });
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: 20000,
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
