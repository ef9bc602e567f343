import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type pino from 'pino';
import { processMetrics } from '../shared/metrics';
import type { Admission } from './admission';

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
 * `/metrics` on its own port (METRICS_PORT, default the API's port + 1; 0: off), bound like the
 * API (loopback outside production): for Prometheus inside the deployment, never for the public —
 * publish the API's port only.
 */
export async function startMetricsServer(
  registry: Registry,
  options: { port: number; host: string; logger: pino.Logger },
): Promise<FastifyInstance> {
  const server = Fastify({ logger: false });
  const merged = Registry.merge([processMetrics, registry]);
  server.get('/metrics', async (_request, reply) => {
    reply.header('content-type', merged.contentType);
    return merged.metrics();
  });
  await server.listen({ port: options.port, host: options.host });
  options.logger.info({ port: options.port }, 'metrics on /metrics');
  return server;
}
