import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
  type Cipher,
  type Decipher,
} from 'node:crypto';

/**
 * Opaque global IDs (Relay). Rows have random UUIDs; a client sees `<Type>_<22 chars>`, the UUID's
 * 16 bytes encrypted (one AES block) under a key derived per type from ID_SECRET. So an ID cannot
 * be guessed or built from a UUID, only passed back as the API returned it; the type prefix lets
 * `node(id:)` dispatch and refuses a Child ID where a Family ID is expected. ID_SECRET must stay
 * stable: changing it changes every ID.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TYPE = /^[A-Z][A-Za-z]{1,40}$/;
import { DEV_ID_SECRET } from '../config';

const secret = process.env.ID_SECRET || DEV_ID_SECRET;
/**
 * One AES-256-ECB cipher and decipher per type, kept for the process: ECB without padding turns
 * each 16-byte block into 16 bytes at `update`, with no state carried between blocks, so one
 * object serves every ID (creating one per ID cost more than the rest of an ID's work).
 */
const ciphers = new Map<string, { encrypt: Cipher; decrypt: Decipher }>();

function cipherFor(type: string): { encrypt: Cipher; decrypt: Decipher } {
  let pair = ciphers.get(type);
  if (!pair) {
    const key = Buffer.from(hkdfSync('sha256', secret, 'guichet-global-id', type, 32));
    pair = {
      encrypt: createCipheriv('aes-256-ecb', key, null).setAutoPadding(false),
      decrypt: createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false),
    };
    ciphers.set(type, pair);
  }
  return pair;
}

/**
 * IDs already made or read, both ways: the same rows' IDs come back on every page of a front end
 * (a nested read makes hundreds), and an AES block with its buffers and encodings cost more than
 * the lookup. Bounded: each map is emptied when it holds MAX_REMEMBERED.
 */
const MAX_REMEMBERED = 50_000;
const made = new Map<string, string>();
const read = new Map<string, { type: string; id: string } | null>();

/** The global ID of the row `id` (a UUID) of `type`; throws on anything else (a bug, not input). */
export function toGlobalId(type: string, id: string): string {
  const key = `${type}:${id}`;
  let globalId = made.get(key);
  if (globalId === undefined) {
    if (!TYPE.test(type) || !UUID.test(id)) throw new Error(`Cannot make a global ID of ${type} ${id}`);
    const block = cipherFor(type).encrypt.update(Buffer.from(id.replace(/-/g, ''), 'hex'));
    globalId = `${type}_${block.toString('base64url')}`;
    if (made.size >= MAX_REMEMBERED) made.clear();
    made.set(key, globalId);
  }
  return globalId;
}

/** The type and UUID of a global ID as the API gave it out; null for anything else. */
export function fromGlobalId(globalId: string): { type: string; id: string } | null {
  if (typeof globalId !== 'string' || globalId.length > 80) return null;
  const known = read.get(globalId);
  if (known !== undefined) return known && { ...known };
  const found = decode(globalId);
  if (read.size >= MAX_REMEMBERED) read.clear();
  read.set(globalId, found);
  return found && { ...found };
}

function decode(globalId: string): { type: string; id: string } | null {
  const sep = globalId.indexOf('_');
  const type = globalId.slice(0, sep);
  const encoded = globalId.slice(sep + 1);
  if (sep <= 0 || !TYPE.test(type) || !/^[A-Za-z0-9_-]{22}$/.test(encoded)) return null;
  const hex = cipherFor(type).decrypt.update(Buffer.from(encoded, 'base64url')).toString('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  // A forged or mangled ID decrypts to noise, which is rarely (1 in 64) a version-4 UUID; those
  // fail to load (NOT_FOUND), since the UUID space is far too large to hit a row by chance.
  if (!UUID.test(id) || id[14] !== '4' || !'89ab'.includes(id[19])) return null;
  // One spelling per ID (base64url's spare bits must round-trip).
  if (toGlobalId(type, id) !== globalId) return null;
  return { type, id };
}

/**
 * Cursors seal MikroORM's keyset cursor (which holds row values) with AES-256-GCM under a key
 * derived from ID_SECRET: clients can neither read row ids from them nor forge one.
 */
const cursorKey = Buffer.from(hkdfSync('sha256', secret, 'guichet-cursor', 'cursor', 32));

export function sealCursor(raw: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', cursorKey, iv);
  const body = Buffer.concat([cipher.update(raw, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

export function openCursor(sealed: string): string | null {
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length < 29 || sealed.length > 2000) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', cursorKey, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
