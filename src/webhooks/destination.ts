import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where webhooks may go: public addresses only, so an endpoint's URL cannot make Guichet reach
 * into the network it runs in (server-side request forgery: a cloud's metadata service at
 * 169.254.169.254, the database, an internal admin page). Checked when an endpoint is registered
 * (an address written in the URL) and again on every delivery, on the address the name resolves
 * to at connection time (so a name that later resolves to a private address — DNS rebinding — is
 * refused too). Outside production, loopback is allowed for development receivers and tests.
 * Ranges: IANA's special-purpose registries (RFC 6890 and its updates); an IPv4-mapped IPv6
 * address (::ffff:a.b.c.d) is judged by its IPv4 address (Node's BlockList maps them).
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127], // :: and ::1
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const familyOf = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** Whether an IP address is this machine's (127.0.0.0/8, ::1). */
export const isLoopback = (address: string): boolean =>
  isIP(address) !== 0 && LOOPBACK.check(address, familyOf(address));

/** Whether loopback receivers are allowed: outside production only. */
export const loopbackAllowed = () => process.env.NODE_ENV !== 'production';

/** Whether webhooks may be sent to this IP address. */
export function deliverableAddress(address: string, allowLoopback = loopbackAllowed()): boolean {
  if (!isIP(address)) return false;
  const family = familyOf(address);
  if (allowLoopback && isLoopback(address)) return true;
  return !NON_PUBLIC.check(address, family);
}

/** A URL's host when it is an IP address (IPv6 without its brackets), else null. */
export function addressInUrl(url: URL): string | null {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) ? host : null;
}

/** dns.lookup, refusing any address webhooks may not reach (EADDRNOTPUBLIC). */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as dns.LookupAddress[];
    const refused = list.find((a) => !deliverableAddress(a.address));
    if (refused || list.length === 0) {
      const denied = Object.assign(new Error(`${hostname} resolves to a non-public address`), {
        code: 'EADDRNOTPUBLIC',
      });
      return callback(denied, '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    callback(null, list[0].address, list[0].family);
  });
};

/**
 * POSTs `body` to `url` through the guarded lookup (an address literal in the URL is checked
 * too), without following redirects; resolves with the status, or rejects (a timeout after
 * `timeoutMs`, EADDRNOTPUBLIC, a network error). The answer's body is not read.
 */
export function postTo(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<number> {
  const target = new URL(url);
  const literal = addressInUrl(target);
  if (literal && !deliverableAddress(literal)) {
    return Promise.reject(Object.assign(new Error('non-public address'), { code: 'EADDRNOTPUBLIC' }));
  }
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup,
        // A connection of its own: each delivery's address is checked as it connects.
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
