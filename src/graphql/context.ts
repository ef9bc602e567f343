import type { DirectoryCache } from '../directory/directory-cache';
import type { FastifyBaseLogger } from 'fastify';
import type { TenantContext } from '../auth/context';
import type { DocumentLinks } from '../auth/document-links';
import type { Tenant } from '../tenants/tenant.entity';
import type { Language } from '../shared/i18n';
import type { InputFlaw } from './guard';

/**
 * The per-unit DataLoaders. Empty here: each domain adds its own loaders to this interface
 * (declaration merging in its `*.loaders.ts`), and the assembly builds them for each unit of
 * work, so nothing is cached across units or viewers.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Loaders {}

/**
 * The GraphQL context of one unit of work (a query, or one mutation field): the service context
 * plus per-request plumbing. `tenant` throws UNAUTHENTICATED when read for an anonymous caller;
 * the operation guard lets anonymous callers reach public fields only, which read `tenantOrNull`.
 */
export interface GraphQLContext extends TenantContext {
  readonly tenantOrNull: Tenant | null;
  /** The language messages for people are rendered in: the tenant's, else the caller's. */
  readonly language: Language;
  requestId: string;
  loaders: Loaders;
  /** The request's child logger (carries the request id). */
  log: FastifyBaseLogger;
  /** Signs the short-lived document links fields hand out (`Invoice.pdfUrl`). */
  links: DocumentLinks;
  /** The public directory's cache (absent outside the HTTP server: read each time). */
  directory?: DirectoryCache;
  /**
   * The two phases of a mutation field (src/http/executor.ts): the write records the root
   * resolver's payload here; the payload phase, after the commit, reads it instead of writing again.
   */
  mutation?: {
    outcomes: Map<string, unknown>;
    replay: boolean;
    /** The tenant as the write's transaction read it (the payload's first try reuses it). */
    tenant?: Tenant | null;
    /** Input values over their limits (src/graphql/guard.ts): the field answers them, runs nothing. */
    inputRefusals?: InputFlaw[];
  };
}
