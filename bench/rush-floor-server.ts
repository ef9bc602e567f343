import cluster from 'node:cluster';
import http from 'node:http';
import { Pool } from 'pg';
import { verifyToken } from '../src/auth/jwt';
import { Admission } from '../src/http/admission';

/**
 * The floor of the rush (bench/support/rush-floor.ts): the least an HTTP API can do per booking,
 * with the same round trips as Guichet's and nothing else. WORKERS processes (node:cluster), each
 * with a pool of POOL connections; per request: the body read and parsed, a turn in Guichet's own
 * line (`Admission`, twice the pool, as Guichet's default), the bearer token checked (the same
 * `verifyToken` as Guichet, jose's HS256), then one transaction in three round trips —
 *
 *   1. BEGIN with `set_config('app.tenant_id', …)`;
 *   2. the session's places (what a booking's facts read is for);
 *   3. the place taken, the reservation and its idempotency key inserted, and COMMIT, in one
 *      simple-protocol query;
 *
 * and a GraphQL-shaped answer (`data.reserve.reservations[0].id`, or `userErrors[0].code` FULL).
 * No GraphQL, no ORM, no authorisation, no eligibility, no audit, no replay: not a product, a
 * measure of what is left to an API once HTTP, JSON, tokens and the database have had their share
 * of this machine.
 *
 * Usage (by bench/support/rush-floor.ts): node dist/bench/rush-floor-server.js DATABASE_URL PORT SECRET
 * [WORKERS] [POOL]
 */
const [url, portArg, secret, workersArg, poolArg] = process.argv.slice(2);
const WORKERS = Number(workersArg ?? 2);
const POOL = Number(poolArg ?? 10);

function answer(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A whole number from a client's text (the child's and the key's identity in the scratch tables). */
function bigintOf(text: string): string {
  let hash = 0n;
  for (const char of text) hash = (hash * 131n + BigInt(char.codePointAt(0)!)) % 9_000_000_000_000_000n;
  return hash.toString();
}

function serve(): void {
  const pool = new Pool({ connectionString: url, max: POOL });
  // Guichet's own line in front of the work (src/http/admission.ts), as large as Guichet's default:
  // without it, all 2,000 tokens are checked before the first booking gets a round trip.
  const turns = new Admission({ permits: 2 * POOL, stallMs: 120_000, maxWaitMs: 120_000 });
  const book = async (tenant: string, principal: string, childId: string, key: string) => {
    const client = await pool.connect();
    try {
      await client.query(`BEGIN; SELECT set_config('app.tenant_id', ${client.escapeLiteral(tenant)}, true)`);
      const { rows } = await client.query(
        'select places_taken < capacity as open from sessions where id = 1',
      );
      if (!rows[0]?.open) {
        await client.query('ROLLBACK');
        return null;
      }
      const results = (await client.query(
        `with taken as (update sessions set places_taken = places_taken + 1
                          where id = 1 and places_taken < capacity returning id),
              booked as (insert into reservations(session_id, child) select id, ${bigintOf(childId)} from taken
                         returning id),
              keyed as (insert into keys(principal, key, reservation_id)
                        select ${client.escapeLiteral(principal)}, ${bigintOf(key)}, id from booked)
         select id::text from booked; COMMIT`,
      )) as unknown as { rows: { id: string }[] }[];
      return results[0].rows[0]?.id ?? null;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  const server = http.createServer((req, res) => {
    if (req.method === 'GET') return answer(res, 200, { ok: true });
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', async () => {
      const leave = await turns.acquire();
      try {
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        const claims = await verifyToken(token, secret).catch(() => null);
        if (!claims) return answer(res, 401, { errors: [{ message: 'invalid token' }] });
        const { input } = JSON.parse(text).variables;
        const id = await book(claims.tenant, claims.sub, input.childId, input.idempotencyKey);
        answer(res, 200, {
          data: {
            reserve: id
              ? { reservations: [{ id }], userErrors: [] }
              : { reservations: [], userErrors: [{ code: 'FULL' }] },
          },
        });
      } catch (error) {
        answer(res, 500, { errors: [{ message: String(error) }] });
      } finally {
        leave();
      }
    });
  });
  server.keepAliveTimeout = 120_000;
  server.listen(Number(portArg), '127.0.0.1');
}

if (WORKERS > 1 && cluster.isPrimary) {
  for (let i = 0; i < WORKERS; i++) cluster.fork();
} else serve();
