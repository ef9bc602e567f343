import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiKey } from './api-key.entity';
import { Scope } from './viewer';

/** Keys look like `gk_<prefix>_<secret>`; only the prefix and a hash of the secret are stored. */
const KEY_FORMAT = /^gk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith('gk_');
}

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** A new key: its public prefix, the hash stored, and the plaintext shown once to its owner. */
export function newKeyMaterial(): { prefix: string; secretHash: string; plaintext: string } {
  const prefix = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  return { prefix, secretHash: hashSecret(secret), plaintext: `gk_${prefix}_${secret}` };
}

/** Creates a key for one or several tenants (the operator's CLI, as the schema owner). */
export async function createApiKey(
  em: EntityManager,
  input: { name: string; tenantIds: string[]; scopes: Scope[] },
): Promise<{ apiKey: ApiKey; plaintext: string }> {
  if (input.tenantIds.length === 0) throw new Error('An API key must be granted at least one tenant.');
  const { prefix, secretHash, plaintext } = newKeyMaterial();
  const apiKey = em.create(ApiKey, {
    name: input.name,
    prefix,
    secretHash,
    scopes: input.scopes,
    tenantIds: input.tenantIds,
    createdAt: new Date(),
  });
  await em.persistAndFlush(apiKey);
  return { apiKey, plaintext };
}

/** The active key a presented token belongs to, or null. Compares hashes in constant time. */
export async function findApiKey(em: EntityManager, token: string): Promise<ApiKey | null> {
  const match = KEY_FORMAT.exec(token);
  if (!match) return null;
  const apiKey = await em.findOne(ApiKey, { prefix: match[1], revokedAt: null });
  if (!apiKey) return null;
  const presented = Buffer.from(hashSecret(match[2]), 'hex');
  const stored = Buffer.from(apiKey.secretHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored) ? apiKey : null;
}

export function isScope(value: string): value is Scope {
  return (Object.values(Scope) as string[]).includes(value);
}
