import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { ForbiddenError } from '../shared/errors';
import { msg } from '../shared/i18n';
import { principalOf, Scope, type Viewer } from './viewer';

/** How long a signed document link works. */
export const DOCUMENT_LINK_TTL_SECONDS = 600;

/** The query parameters of a signed link, besides the document's own (e.g. `format`). */
export interface SignedParams {
  expires: string;
  tenant: string;
  reader: string;
  sig: string;
}

/** Why a link is refused: both answer 403, and neither says whether the document exists. */
export class DocumentLinkError extends ForbiddenError {
  constructor(readonly reason: 'INVALID' | 'EXPIRED') {
    super(msg(reason === 'EXPIRED' ? 'link.expired' : 'link.invalid'), { reason: `LINK_${reason}` });
  }
}

const EXPIRES = /^[0-9]{1,12}$/;
const TENANT = /^[a-z0-9][a-z0-9-]{0,62}$/;
const READER = /^[A-Za-z0-9_-]{22}$/;
const SIG = /^[A-Za-z0-9_-]{43}$/;

/**
 * Short-lived links to documents (an invoice's PDF, the treasury's CSV) that work without an
 * Authorization header, e.g. in an `<a href>`:
 *
 *   /documents/invoices/F2026-000042.pdf?expires=<unix s>&tenant=<slug>&reader=<hash>&sig=<HMAC>
 *
 * The signature (HMAC-SHA256 under a key derived from JWT_SECRET) covers the document — its path
 * and every parameter that changes it, such as the CSV's `format` —, the tenant, the reader and the
 * expiry. A link is issued only to a reader who may read that document (the resolver runs for a
 * viewer who sees it), and opens that one document in that tenant until it expires: never more
 * than its reader could read. `reader` is a keyed hash of the principal who asked for it (the
 * token's subject and family, or the API key), so that the logs say whose link was used without
 * putting who they are in a URL.
 */
export class DocumentLinks {
  private readonly key: Buffer;

  constructor(
    jwtSecret: string,
    /** Prefix of the links (PUBLIC_URL); empty: links are paths. */
    private readonly baseUrl = '',
  ) {
    this.key = Buffer.from(hkdfSync('sha256', jwtSecret, 'guichet-document-links', 'v1', 32));
  }

  /** The reader's hash: the same principal always gets the same one. */
  readerOf(viewer: Viewer): string {
    return this.mac(`reader\n${principalOf(viewer)}`)
      .subarray(0, 16)
      .toString('base64url');
  }

  /**
   * A link to `path` (e.g. `/documents/invoices/F2026-000042.pdf`) with the document's own
   * parameters, for this viewer in this tenant, valid `DOCUMENT_LINK_TTL_SECONDS` from `now`.
   */
  sign(options: {
    path: string;
    params?: Record<string, string>;
    tenant: string;
    viewer: Viewer;
    now: Date;
  }): string {
    const params = options.params ?? {};
    const expires = String(Math.floor(options.now.getTime() / 1000) + DOCUMENT_LINK_TTL_SECONDS);
    const reader = this.readerOf(options.viewer);
    const sig = this.signature(options.path, params, { expires, tenant: options.tenant, reader });
    const query = new URLSearchParams({ ...params, expires, tenant: options.tenant, reader, sig });
    return `${this.baseUrl}${options.path}?${query.toString()}`;
  }

  /**
   * Checks a link's signature, then its expiry (so that a changed `expires` is INVALID, not
   * EXPIRED). `params` are the document's own parameters as the request carries them.
   * Throws DocumentLinkError; returns the tenant's slug and the reader.
   */
  verify(
    path: string,
    params: Record<string, string>,
    signed: Partial<Record<keyof SignedParams, unknown>>,
    now: Date,
  ): { tenant: string; reader: string; expiresAt: Date } {
    const { expires, tenant, reader, sig } = signed;
    if (
      typeof expires !== 'string' ||
      typeof tenant !== 'string' ||
      typeof reader !== 'string' ||
      typeof sig !== 'string' ||
      !EXPIRES.test(expires) ||
      !TENANT.test(tenant) ||
      !READER.test(reader) ||
      !SIG.test(sig)
    ) {
      throw new DocumentLinkError('INVALID');
    }
    const expected = Buffer.from(this.signature(path, params, { expires, tenant, reader }), 'base64url');
    const given = Buffer.from(sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new DocumentLinkError('INVALID');
    }
    const expiresAt = new Date(Number(expires) * 1000);
    if (now.getTime() >= expiresAt.getTime()) throw new DocumentLinkError('EXPIRED');
    return { tenant, reader, expiresAt };
  }

  /** What a valid link lets its bearer do: read the one document it names, as a billing reader. */
  static viewerFor(link: { reader: string }, tenantId: string): Viewer {
    return {
      kind: 'API_KEY',
      subject: `document-link:${link.reader}`,
      displayName: null,
      roles: [],
      scopes: [Scope.BILLING_READ],
      tenantId,
      familyId: null,
    };
  }

  private signature(path: string, params: Record<string, string>, signed: Omit<SignedParams, 'sig'>): string {
    // One field per line; none can hold a newline (the path is built by the API, the params
    // are checked by their routes and the signed fields by the patterns above).
    const documentParams = Object.keys(params)
      .sort()
      .map((name) => `${encodeURIComponent(name)}=${encodeURIComponent(params[name])}`)
      .join('&');
    return this.mac(
      ['v1', path, documentParams, signed.tenant, signed.reader, signed.expires].join('\n'),
    ).toString('base64url');
  }

  private mac(text: string): Buffer {
    return createHmac('sha256', this.key).update(text, 'utf8').digest();
  }
}
