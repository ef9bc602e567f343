import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'guichet-signature';

/** A new endpoint secret, `whsec_` and 32 random bytes (base64url). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * Signs a body as Stripe does: HMAC-SHA256, keyed with the endpoint's secret (the whole
 * `whsec_…` string), over `<timestamp>.<body>`. The timestamp lets a receiver refuse replays.
 */
export function signatureHeader(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * Verifies a signature header as a receiver should: the MAC compared in constant time, the
 * timestamp within `toleranceSeconds` of `now` (default 5 minutes). Used by the tests, and the
 * reference for the README's examples.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  now = Date.now(),
  toleranceSeconds = 300,
): boolean {
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(timestamp) || !given) return false;
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  const received = Buffer.from(given, 'hex');
  return received.length === expected.length && timingSafeEqual(received, expected);
}
