import { randomUUID } from 'node:crypto';
import { signToken } from '../../src/auth/jwt';
import type { Role } from '../../src/auth/viewer';
import { loadConfig } from '../../src/config';
import { sleep } from '../../bench/support/processes';

export interface Answer {
  status: number;
  // Stories read answers field by field, as a client would.
  data?: any;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** How the API behaved towards the drill's clients: what they had to retry. */
export const retries = { unavailable: 0, refused: 0, internal: 0 };

/**
 * One GraphQL request as a well-behaved client sends it: a 503 (PostgreSQL restarting, the API
 * draining) is retried after its Retry-After, a refused or cut connection (the API killed and
 * starting again) after a short wait, up to `patienceMs`, with the same body — so the same
 * idempotency key: a write that did commit before its answer was lost is replayed, not repeated.
 */
export async function gql(
  url: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
  patienceMs = 120000,
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const body = JSON.stringify({ query, variables });
  const deadline = Date.now() + patienceMs;
  let internal = 0;
  for (;;) {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(60000) });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      retries.refused++;
      await sleep(300);
      continue;
    }
    const answer = (await res.json().catch(() => ({}))) as Omit<Answer, 'status'>;
    if (res.status === 503 && Date.now() < deadline) {
      retries.unavailable++;
      await sleep(Math.min(Number(res.headers.get('retry-after') ?? 1), 2) * 1000);
      continue;
    }
    // An unexpected error is a defect, not a "not now": said on stderr and counted in the JSON
    // line (retries.internal); retried like a real client would, with the same idempotency key.
    if (answer.errors?.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR') && internal < 3) {
      internal++;
      retries.internal++;
      process.stderr.write(
        `  INTERNAL_SERVER_ERROR (x-request-id ${res.headers.get('x-request-id')}, HTTP ${res.status}): retried\n`,
      );
      await sleep(500);
      continue;
    }
    return { status: res.status, ...answer };
  }
}

/** The mutation's payload (data[field]); throws on a GraphQL error, so a story step fails loudly. */
export async function mutate(
  url: string,
  token: string,
  field: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<any> {
  const answer = await gql(url, token, query, variables);
  if (answer.errors?.length || !answer.data?.[field]) {
    throw new Error(`${field}: HTTP ${answer.status} ${JSON.stringify(answer.errors ?? answer.data)}`);
  }
  return answer.data[field];
}

/** Query data, or throws with the errors. */
export async function read(
  url: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<any> {
  const answer = await gql(url, token, query, variables);
  if (answer.errors?.length) throw new Error(`HTTP ${answer.status} ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

export const key = () => randomUUID();

/** A token as `npm run token` signs it (src/cli/token.ts): same secret, claims and issuer. */
export function tokenFor(tenant: string, roles: Role[], family?: string, name?: string): Promise<string> {
  return signToken(
    {
      sub: `drill:${tenant}:${name ?? roles.join('+').toLowerCase()}${family ? `:${family}` : ''}`,
      name: name ?? `Drill ${roles.join('/')} (${tenant})`,
      tenant,
      roles,
      family,
    },
    loadConfig().jwtSecret,
    '12h',
  );
}
