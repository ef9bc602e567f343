import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics that code below the HTTP layer counts (events emitted, webhook
 * deliveries, job failures). One registry per process; the HTTP app merges it with its own
 * (src/http/metrics.ts) on the internal metrics port.
 */
export const processMetrics = new Registry();

export const eventsEmitted = new Counter({
  name: 'guichet_events_total',
  help: 'Domain events committed, by type (reservation.booked counts the places taken).',
  labelNames: ['type'],
  registers: [processMetrics],
});

export const webhookDeliveries = new Counter({
  name: 'guichet_webhook_deliveries_total',
  help: 'Webhook delivery attempts, by result: delivered, retrying, failed (given up).',
  labelNames: ['result'],
  registers: [processMetrics],
});

export const jobRuns = new Counter({
  name: 'guichet_jobs_total',
  help: 'Jobs run by the queue, by task and outcome (ok, failed).',
  labelNames: ['task', 'outcome'],
  registers: [processMetrics],
});

/** How the job queue's depth is read: set by the job worker of this process (none: no figures). */
let queueDepth: (() => Promise<{ task: string; state: string; n: number }[]>) | null = null;

/** The worker registers how to count its queue's jobs; `null` when it stops. */
export function setQueueDepthSource(source: typeof queueDepth): void {
  queueDepth = source;
}

export const jobsQueued = new Gauge({
  name: 'guichet_jobs_queued',
  help: 'Jobs in the queue by task and state (ready: due now; scheduled: later; locked: running), read at scrape time.',
  labelNames: ['task', 'state'],
  registers: [processMetrics],
  async collect() {
    this.reset();
    if (!queueDepth) return;
    try {
      for (const row of await queueDepth()) this.set({ task: row.task, state: row.state }, row.n);
    } catch {
      // The database is away: no figure rather than a failed scrape.
    }
  },
});

export const graphqlRequests = new Histogram({
  name: 'guichet_graphql_request_duration_seconds',
  help: 'GraphQL requests by operation name and outcome (ok, error, refused, unavailable), with their latency.',
  labelNames: ['operation', 'outcome'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [processMetrics],
});

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_OPERATION_NAMES = 300;
const seenOperations = new Set<string>();

/**
 * A label for a client-chosen operation name, with bounded cardinality: a valid name among the
 * first 300 seen, else "other"; "anonymous" without a name.
 */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (!OPERATION_NAME.test(name)) return 'other';
  if (seenOperations.has(name)) return name;
  if (seenOperations.size >= MAX_OPERATION_NAMES) return 'other';
  seenOperations.add(name);
  return name;
}
