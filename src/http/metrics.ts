import cluster from 'node:cluster';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Fastify from 'fastify';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type pino from 'pino';
import { processMetrics } from '../shared/metrics';
import type { Admission } from './admission';
import { workerMetrics } from './cluster-metrics';

let defaultsCollected = false;

/**
 * The app's own gauges (its pool's line), read at each scrape, beside the process's counters
 * (src/shared/metrics.ts) and Node's defaults (memory, event-loop lag, GC).
 */
export function appMetrics(admission: Admission): Registry {
  const registry = new Registry();
  new Gauge({
    name: 'guichet_db_units_in_use',
    help: 'Units of work holding one of the pool connections now.',
    registers: [registry],
    collect() {
      this.set(admission.inUse);
    },
  });
  new Gauge({
    name: 'guichet_db_units_waiting',
    help: 'Units of work waiting in line for a pool connection now.',
    registers: [registry],
    collect() {
      this.set(admission.waiting);
    },
  });
  if (!defaultsCollected) {
    collectDefaultMetrics({ register: processMetrics, prefix: 'guichet_' });
    defaultsCollected = true;
  }
  return registry;
}

/**
 * The scrape: the process's counters, Node's defaults and the app's gauges, in Prometheus text; in
 * a worker of several API processes, every process's figures summed (src/http/cluster-metrics.ts).
 */
function scrape(registry: Registry) {
  const merged = Registry.merge([processMetrics, registry]);
  const fromCluster = cluster.isWorker ? workerMetrics([processMetrics, registry]) : undefined;
  return async (_request: FastifyRequest, reply: FastifyReply) => {
    reply.header('content-type', merged.contentType);
    return fromCluster ? fromCluster.scrape() : merged.metrics();
  };
}

/** 127.0.0.0/8 and ::1, as IPv4, IPv6 or IPv4-mapped IPv6. */
function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || v4.startsWith('127.');
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `/metrics` on the API's own port, for Prometheus. With METRICS_TOKEN set, a scrape must carry
 * `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise). Without it, only a client on this
 * machine's loopback that no proxy forwarded (no `Forwarded`/`X-Forwarded-For`) is answered; any
 * other gets 403 and the way to open it. The API port being public, metrics never are by default.
 */
export function registerMetricsRoute(http: FastifyInstance, registry: Registry, token: string | undefined) {
  const answer = scrape(registry);
  http.get('/metrics', async (request, reply) => {
    if (token) {
      const given = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
      if (!sameSecret(given, token)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({ error: 'metrics need Authorization: Bearer <METRICS_TOKEN>' });
      }
      return answer(request, reply);
    }
    const forwarded =
      request.headers.forwarded !== undefined || request.headers['x-forwarded-for'] !== undefined;
    if (forwarded || !isLoopback(request.socket.remoteAddress)) {
      return reply.code(403).send({
        error:
          'metrics answer loopback clients only: set METRICS_TOKEN to scrape through the network, or METRICS_PORT for an internal port',
      });
    }
    return answer(request, reply);
  });
}

/**
 * `/metrics` on a port of its own (METRICS_PORT; default none), bound like the API (loopback
 * outside production), unauthenticated: for Prometheus inside the deployment, never for the
 * public. The API's port serves `/metrics` too (registerMetricsRoute).
 */
export async function startMetricsServer(
  registry: Registry,
  options: { port: number; host: string; logger: pino.Logger },
): Promise<FastifyInstance> {
  const server = Fastify({ logger: false });
  server.get('/metrics', scrape(registry));
  await server.listen({ port: options.port, host: options.host });
  options.logger.info({ port: options.port }, 'metrics on /metrics');
  return server;
}
