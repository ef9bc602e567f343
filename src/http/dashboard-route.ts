import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DASHBOARD_HTML, DASHBOARD_JS } from '../dashboard/page';

/**
 * `/dashboard`: the page, its script and Chart.js (pinned in package.json, read once from
 * node_modules: no CDN). Public files; the figures need a token, which the page asks for.
 */
export function registerDashboardRoutes(http: FastifyInstance): void {
  const chart = readFileSync(path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.js'));
  const security =
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:";
  http.get('/dashboard', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', security).send(DASHBOARD_HTML),
  );
  http.get('/dashboard/app.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(DASHBOARD_JS),
  );
  http.get('/dashboard/chart.umd.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(chart),
  );
}
