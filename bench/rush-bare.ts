import { Client } from 'pg';

/**
 * The bare booking transaction, run by `bench:rush` in a process of its own against a scratch
 * database of the same PostgreSQL: CLIENTS connections, each looping for SECONDS over
 *
 *   BEGIN; INSERT a reservation (ON CONFLICT DO NOTHING); UPDATE the one hot session row
 *   (places_taken + 1 WHERE places_taken < capacity); COMMIT;
 *
 * as separate simple-protocol statements, like the pgbench script of the acceptance check
 * (../shared/acceptance/performance-rush). Prints one JSON line: committed transactions per second,
 * timed from when every client is connected (pgbench's "without initial connection time").
 *
 * Usage (by bench/rush.ts): node dist/bench/rush-bare.js URL CLIENTS SECONDS
 */
const [url, clientsArg, secondsArg] = process.argv.slice(2);
const CLIENTS = Number(clientsArg ?? 50);
const SECONDS = Number(secondsArg ?? 10);

async function main(): Promise<void> {
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  let committed = 0;
  let failed = 0;
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < until) {
        const child = 1 + Math.floor(Math.random() * 1e12);
        try {
          await client.query('BEGIN');
          await client.query(
            `INSERT INTO reservations(session_id, child) VALUES (1, ${child}) ON CONFLICT DO NOTHING`,
          );
          await client.query(
            'UPDATE sessions SET places_taken = places_taken + 1 WHERE id = 1 AND places_taken < capacity',
          );
          await client.query('COMMIT');
          committed++;
        } catch {
          failed++;
          await client.query('ROLLBACK').catch(() => undefined);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(clients.map((client) => client.end()));
  console.log(
    JSON.stringify({
      clients: CLIENTS,
      seconds: Math.round(seconds * 100) / 100,
      committed,
      failed,
      transactionsPerSecond: Math.round(committed / seconds),
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
