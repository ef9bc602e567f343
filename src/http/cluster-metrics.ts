import cluster, { type Worker } from 'node:cluster';
import {
  AggregatorRegistry,
  type MetricObjectWithValues,
  type MetricValue,
  type Registry,
} from 'prom-client';

/**
 * `/metrics` when the API runs as several processes (API_PROCESSES > 1, src/serve/primary.ts):
 * each process counts its own requests, so a scrape that one of them answers alone would show a
 * fraction. The process that received the scrape asks the primary, which collects every
 * process's figures as JSON over the cluster's IPC channel, adds its own (the job queue runs
 * there) and sums them with prom-client's AggregatorRegistry (counters and histograms summed,
 * gauges by each metric's aggregator).
 */

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];
type Message =
  | { guichet: 'metrics?'; id: number }
  | { guichet: 'metrics'; id: number; json: MetricsJson }
  | { guichet: 'scrape?'; id: number }
  | { guichet: 'scrape'; id: number; text: string; error?: string };

const SCRAPE_TIMEOUT_MS = 5000;
let lastId = 0;
const waiting = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && 'guichet' in value && 'id' in value;
}

/** Waits for the reply `id` (resolved by the message handlers below), bounded. */
function reply<T>(id: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error('a process did not answer the metrics scrape in time'));
    }, SCRAPE_TIMEOUT_MS);
    waiting.set(id, {
      resolve: (value: never) => {
        clearTimeout(timer);
        resolve(value);
      },
      reject,
    });
  });
}

async function jsonOf(registries: Registry[]): Promise<MetricsJson> {
  return (await Promise.all(registries.map((r) => r.getMetricsAsJSON()))).flat() as MetricsJson;
}

/**
 * In a worker process: answers the primary's requests for this process's figures, and returns
 * the whole cluster's scrape (asked of the primary).
 */
export function workerMetrics(registries: Registry[]): { scrape: () => Promise<string> } {
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.guichet === 'metrics?') {
      void jsonOf(registries).then((json) => process.send?.({ guichet: 'metrics', id: message.id, json }));
    } else if (message.guichet === 'scrape') {
      const pending = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error) pending?.reject(new Error(message.error));
      else pending?.resolve(message.text as never);
    }
  });
  return {
    scrape: () => {
      const id = ++lastId;
      process.send?.({ guichet: 'scrape?', id });
      return reply<string>(id);
    },
  };
}

/**
 * In the primary: serves the workers' scrapes with every process's figures summed (its own
 * `registries` included), and returns the same scrape for a metrics port of the primary's.
 */
export function primaryMetrics(registries: Registry[]): {
  scrape: () => Promise<string>;
  watch(worker: Worker): void;
} {
  const aggregate = async () => {
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && w.isConnected());
    // A process that does not answer in time (dying, stuck) is left out of this scrape.
    const answers = await Promise.allSettled(
      workers.map((worker) => {
        const id = ++lastId;
        worker.send({ guichet: 'metrics?', id });
        return reply<MetricsJson>(id);
      }),
    );
    const theirs = answers.flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value] : []));
    return AggregatorRegistry.aggregate([await jsonOf(registries), ...theirs]).metrics();
  };
  return {
    scrape: aggregate,
    watch(worker: Worker) {
      worker.on('message', (message: unknown) => {
        if (!isMessage(message)) return;
        if (message.guichet === 'metrics') {
          const pending = waiting.get(message.id);
          waiting.delete(message.id);
          pending?.resolve(message.json as never);
        } else if (message.guichet === 'scrape?') {
          aggregate().then(
            (text) => worker.isConnected() && worker.send({ guichet: 'scrape', id: message.id, text }),
            (error: Error) =>
              worker.isConnected() &&
              worker.send({ guichet: 'scrape', id: message.id, text: '', error: error.message }),
          );
        }
      });
    },
  };
}
