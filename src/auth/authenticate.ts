import { TenantLookup } from './tenant-lookup';
import type { EntityManager } from '@mikro-orm/postgresql';
import { decodeProtectedHeader } from 'jose';
import { UnauthenticatedError, ForbiddenError } from '../shared/errors';
import { fromGlobalId } from '../shared/ids';
import { findApiKey, looksLikeApiKey } from './api-keys.service';
import {
  authenticateIdentityProviderToken,
  IDENTITY_PROVIDER_ALGORITHMS,
  type IdentityProviders,
} from './identity-providers';
import { InvalidTokenError, verifyToken } from './jwt';
import { ANONYMOUS, Role, type Viewer } from './viewer';
import { msg, oneOf } from '../shared/i18n';
import { rowLanguage } from './tenant-language';

export interface Credentials {
  authorization?: string;
  /** Tenant slug, for an API key granted several tenants. */
  tenantSlug?: string;
}

/** A `tenants` row as PostgreSQL returns it: each unit of work maps its own entity from it. */
export type TenantRow = Record<string, unknown> & { id: string; slug: string };

export interface Authenticated {
  viewer: Viewer;
  tenantRow: TenantRow | null;
}

/** How tokens are checked: Guichet's own (HS256, JWT_SECRET) and the towns' identity providers. */
export interface TokenVerification {
  jwtSecret: string;
  /** Absent: tokens of identity providers are refused. */
  identityProviders?: IdentityProviders;
  /** Absent: every request reads the tenants its credentials name. */
  tenants?: TenantLookup;
}

const tenantsByIssuer = (em: EntityManager) => (issuer: string) =>
  em.execute<TenantRow[]>(
    `select * from tenants where config_identity_provider->>'issuer' = ? order by slug`,
    [issuer],
    'all',
    em.getLoggerContext(),
  );

/** The `alg` of a token's header, if it has a readable one. */
function algorithmOf(token: string): string | undefined {
  try {
    const { alg } = decodeProtectedHeader(token);
    return typeof alg === 'string' ? alg : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Turns the request's credentials into a viewer and the tenant it acts inside. Runs before the
 * request's tenant is set, so it reads only the public tables (tenants, api_keys).
 * No credentials: the anonymous viewer, who can read the public directory only.
 * A token is Guichet's own when signed HS256 (its `tenant` claim names the tenant), a town's
 * identity provider's when signed with a public-key algorithm (its `iss` finds the tenant).
 */
export async function authenticate(
  em: EntityManager,
  credentials: Credentials,
  verification: TokenVerification,
): Promise<Authenticated> {
  const header = credentials.authorization?.trim();
  if (!header) return { viewer: ANONYMOUS, tenantRow: null };
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new UnauthenticatedError(msg('auth.bearerFormat'));
  const token = match[1];

  if (looksLikeApiKey(token)) {
    const apiKey = await findApiKey(em, token);
    if (!apiKey) throw new UnauthenticatedError(msg('auth.unknownApiKey'));
    const tenants = await (verification.tenants ?? new TenantLookup()).find(em, 'id', apiKey.tenantIds);
    const slugs = tenants.map((t) => t.slug);
    let tenant: TenantRow | undefined;
    if (credentials.tenantSlug) {
      tenant = tenants.find((t) => t.slug === credentials.tenantSlug);
      if (!tenant) {
        throw new ForbiddenError(
          msg('auth.keyTenantNotGranted', { tenant: credentials.tenantSlug, tenants: oneOf(slugs) }),
          { reason: 'TENANT_NOT_GRANTED', tenants: slugs },
        );
      }
    } else if (tenants.length === 1) {
      tenant = tenants[0];
    } else {
      throw new UnauthenticatedError(msg('auth.keyTenantRequired', { tenants: oneOf(slugs) }), {
        reason: 'TENANT_REQUIRED',
        tenants: slugs,
      });
    }
    return {
      viewer: {
        kind: 'API_KEY',
        subject: `api-key:${apiKey.prefix}`,
        displayName: apiKey.name,
        roles: [],
        scopes: [...apiKey.scopes] as Viewer['scopes'],
        tenantId: tenant.id,
        familyId: null,
      },
      tenantRow: tenant,
    };
  }

  const alg = algorithmOf(token);
  if (alg !== undefined && IDENTITY_PROVIDER_ALGORITHMS.includes(alg)) {
    if (!verification.identityProviders) {
      throw new UnauthenticatedError(msg('idp.notAccepted'));
    }
    return authenticateIdentityProviderToken(
      em,
      token,
      credentials,
      verification.identityProviders,
      tenantsByIssuer(em),
    );
  }

  let claims;
  try {
    claims = await verifyToken(token, verification.jwtSecret);
  } catch (error) {
    throw new UnauthenticatedError(
      error instanceof InvalidTokenError ? error.text : msg('auth.tokenInvalid'),
    );
  }
  const [tenant] = await (verification.tenants ?? new TenantLookup()).find(em, 'slug', [claims.tenant]);
  if (!tenant) throw new UnauthenticatedError(msg('auth.unknownTenant'));
  if (credentials.tenantSlug && credentials.tenantSlug !== tenant.slug) {
    throw new ForbiddenError(msg('auth.personOtherTenant')).inTenant(rowLanguage(tenant));
  }
  let familyId: string | null = null;
  if (claims.roles.includes(Role.PARENT)) {
    const family = claims.family ? fromGlobalId(claims.family) : null;
    if (!family || family.type !== 'Family')
      throw new UnauthenticatedError(msg('auth.noValidFamily')).inTenant(rowLanguage(tenant));
    familyId = family.id;
  }
  return {
    viewer: {
      kind: 'PERSON',
      subject: claims.sub,
      displayName: claims.name ?? null,
      roles: claims.roles,
      scopes: [],
      tenantId: tenant.id,
      familyId,
    },
    tenantRow: tenant,
  };
}
