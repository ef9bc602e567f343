import type { EntityManager } from '@mikro-orm/postgresql';
import {
  createRemoteJWKSet,
  decodeJwt,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { scopeToTenant } from '../db/tenant-scope';
import { ForbiddenError, ServiceUnavailableError, UnauthenticatedError } from '../shared/errors';
import { fromGlobalId } from '../shared/ids';
import { textFlaw } from '../shared/text';
import type { Authenticated, Credentials, TenantRow } from './authenticate';
import { Role, type Viewer } from './viewer';

/** Algorithms a town's identity provider may sign with: asymmetric only (its keys are public). */
export const IDENTITY_PROVIDER_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** How the family claim names the family. */
export type FamilyClaimKind = 'EXTERNAL_REF' | 'GLOBAL_ID';

/**
 * A tenant's identity provider (`tenants.config_identity_provider`, JSON), with its defaults
 * filled in. docs/auth.md shows a complete one and how a token's claims become a viewer.
 */
export interface IdentityProviderConfig {
  /** The exact `iss` of its tokens; a token is routed to the tenants that list its `iss`. */
  issuer: string;
  /** Where its public keys are published (https; http on loopback only). */
  jwksUri: string;
  /** The `aud` its tokens for Guichet carry (one of them). */
  audience: string | string[];
  /** Default RS256 and ES256. */
  algorithms: string[];
  /** The claim holding the person's stable identifier. Default `sub`. */
  subjectClaim: string;
  /** The claim holding the person's display name. Default `name`. */
  nameClaim: string;
  /** The claim holding the person's roles or groups (a string or a list). Default `roles`. */
  rolesClaim: string;
  /** Group → Guichet role; without it the claim's values must be Guichet roles themselves. */
  roleMapping: Record<string, Role> | null;
  /** The roles of a token whose roles claim maps to none (e.g. `["PARENT"]` on a citizens' portal). */
  defaultRoles: Role[];
  /** The claim naming a parent's family. Default `family`. */
  familyClaim: string;
  /** Whether it holds the family's `externalRef` (default) or its Guichet ID. */
  familyClaimKind: FamilyClaimKind;
}

const ROLES = Object.values(Role) as string[];
const isRole = (value: unknown): value is Role => typeof value === 'string' && ROLES.includes(value);
const cleanText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max && textFlaw(value) === null;

/** Whether a host is this machine (where http is acceptable for a JWKS: tests, a local IdP). */
const isLoopback = (hostname: string) =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

/** Reads a tenant's configuration, or says what is wrong with it. */
export function parseIdentityProvider(raw: unknown): IdentityProviderConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not an object');
  const c = raw as Record<string, unknown>;
  const claim = (name: string, fallback: string) => {
    const value = c[name] ?? fallback;
    if (!cleanText(value, 200)) throw new Error(`${name} must be a claim name`);
    return value;
  };
  if (!cleanText(c.issuer, 500)) throw new Error('issuer must be the exact iss of its tokens');
  let jwks: URL;
  try {
    jwks = new URL(String(c.jwksUri));
  } catch {
    throw new Error('jwksUri must be a URL');
  }
  if (!(jwks.protocol === 'https:' || (jwks.protocol === 'http:' && isLoopback(jwks.hostname)))) {
    throw new Error('jwksUri must be https (http only on loopback)');
  }
  const audience = c.audience;
  if (!(
    cleanText(audience, 500) ||
    (Array.isArray(audience) && audience.length > 0 && audience.every((a) => cleanText(a, 500)))
  )) {
    throw new Error('audience must be a string or a list of strings');
  }
  const algorithms = c.algorithms ?? ['RS256', 'ES256'];
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    !algorithms.every((a) => IDENTITY_PROVIDER_ALGORITHMS.includes(a as string))
  ) {
    throw new Error(`algorithms must be some of ${IDENTITY_PROVIDER_ALGORITHMS.join(', ')}`);
  }
  let roleMapping: Record<string, Role> | null = null;
  if (c.roleMapping !== undefined && c.roleMapping !== null) {
    if (typeof c.roleMapping !== 'object' || Array.isArray(c.roleMapping)) {
      throw new Error('roleMapping must map group names to roles');
    }
    const entries = Object.entries(c.roleMapping as Record<string, unknown>);
    if (!entries.every(([, role]) => isRole(role))) {
      throw new Error(`roleMapping's roles must be ${ROLES.join(', ')}`);
    }
    roleMapping = Object.fromEntries(entries) as Record<string, Role>;
  }
  const defaultRoles = c.defaultRoles ?? [];
  if (!Array.isArray(defaultRoles) || !defaultRoles.every(isRole)) {
    throw new Error(`defaultRoles must be a list of ${ROLES.join(', ')}`);
  }
  const familyClaimKind = c.familyClaimKind ?? 'EXTERNAL_REF';
  if (familyClaimKind !== 'EXTERNAL_REF' && familyClaimKind !== 'GLOBAL_ID') {
    throw new Error('familyClaimKind must be EXTERNAL_REF or GLOBAL_ID');
  }
  return {
    issuer: c.issuer,
    jwksUri: jwks.href,
    audience: audience as string | string[],
    algorithms: algorithms as string[],
    subjectClaim: claim('subjectClaim', 'sub'),
    nameClaim: claim('nameClaim', 'name'),
    rolesClaim: claim('rolesClaim', 'roles'),
    roleMapping,
    defaultRoles,
    familyClaim: claim('familyClaim', 'family'),
    familyClaimKind,
  };
}

/**
 * A claim by name: a top-level claim of that exact name (namespaced claims such as
 * `https://guichet.example/family` hold dots), else a dotted path (`realm_access.roles`).
 */
export function claimAt(payload: JWTPayload, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(payload, name)) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The JWKS of a tenant's identity provider could not be read (network, timeout, not a JWKS). */
class KeySetUnavailable extends Error {}

/**
 * The remote key sets of the tenants' identity providers, one per tenant (jose's
 * `createRemoteJWKSet`: fetched on first use, kept `cacheMaxAgeMs`, fetched again sooner when a
 * token names a key it does not hold — a rotation — at most once per `cooldownMs`). A tenant whose
 * JWKS URI changes gets a new set.
 */
export class IdentityProviders {
  private readonly sets = new Map<string, { jwksUri: string; getKey: JWTVerifyGetKey }>();

  constructor(private readonly options: { cacheMaxAgeMs: number; cooldownMs: number; timeoutMs: number }) {}

  keySet(tenantId: string, jwksUri: string): JWTVerifyGetKey {
    const known = this.sets.get(tenantId);
    if (known && known.jwksUri === jwksUri) return known.getKey;
    const remote = createRemoteJWKSet(new URL(jwksUri), {
      cacheMaxAge: this.options.cacheMaxAgeMs,
      cooldownDuration: this.options.cooldownMs,
      timeoutDuration: this.options.timeoutMs,
    });
    const getKey: JWTVerifyGetKey = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        if (
          error instanceof joseErrors.JWKSNoMatchingKey ||
          error instanceof joseErrors.JWKSMultipleMatchingKeys
        ) {
          throw error;
        }
        throw new KeySetUnavailable('JWKS unavailable', { cause: error });
      }
    };
    this.sets.set(tenantId, { jwksUri, getKey });
    return getKey;
  }
}

const quoted = (value: unknown) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text === undefined ? '' : text.length > 100 ? `${text.slice(0, 100)}…` : text);
};

/**
 * A token signed by a town's identity provider (RS256, ES256…): the tenant is the one whose
 * configured issuer is the token's `iss` (several tenants sharing one provider: X-Tenant picks
 * one); the signature is checked against the provider's JWKS, then `iss`, `aud` and `exp`; the
 * claims become a viewer through the tenant's claim mapping (docs/auth.md). Every refusal is
 * UNAUTHENTICATED (FORBIDDEN for an X-Tenant the provider does not serve) with what was wrong;
 * a JWKS that cannot be fetched is SERVICE_UNAVAILABLE.
 */
export async function authenticateIdentityProviderToken(
  em: EntityManager,
  token: string,
  credentials: Credentials,
  providers: IdentityProviders,
  tenantsByIssuer: (issuer: string) => Promise<TenantRow[]>,
): Promise<Authenticated> {
  let issuer: unknown;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    throw new UnauthenticatedError('The token is not valid.');
  }
  if (!cleanText(issuer, 500)) throw new UnauthenticatedError('The token names no issuer (iss).');
  const tenants = await tenantsByIssuer(issuer);
  if (tenants.length === 0) {
    throw new UnauthenticatedError(
      `No tenant accepts tokens from the issuer ${quoted(issuer)}: its identity provider is not configured in Guichet.`,
    );
  }
  let tenant: TenantRow | undefined;
  if (credentials.tenantSlug) {
    tenant = tenants.find((t) => t.slug === credentials.tenantSlug);
    if (!tenant) {
      throw new ForbiddenError(
        `Tokens of this identity provider may not act for tenant ${quoted(credentials.tenantSlug)} (they may act for: ${tenants.map((t) => t.slug).join(', ')}).`,
      );
    }
  } else if (tenants.length === 1) {
    tenant = tenants[0];
  } else {
    throw new UnauthenticatedError(
      `This identity provider serves several tenants: choose one with the X-Tenant header (${tenants.map((t) => t.slug).join(', ')}).`,
    );
  }

  let config: IdentityProviderConfig;
  try {
    config = parseIdentityProvider(tenant.config_identity_provider);
  } catch (error) {
    throw new UnauthenticatedError(
      `The identity provider of tenant ${quoted(tenant.slug)} is misconfigured (${(error as Error).message}): its administrators must correct it (docs/auth.md).`,
    );
  }

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, providers.keySet(tenant.id, config.jwksUri), {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: config.algorithms,
      requiredClaims: ['exp'],
      clockTolerance: 30,
    }));
  } catch (error) {
    throw verificationError(error, config);
  }

  const subject = claimAt(payload, config.subjectClaim);
  const sub = typeof subject === 'number' && Number.isSafeInteger(subject) ? String(subject) : subject;
  if (!cleanText(sub, 255)) {
    throw new UnauthenticatedError(
      `The token's subject claim ${quoted(config.subjectClaim)} is missing or malformed.`,
    );
  }
  const name = claimAt(payload, config.nameClaim);

  const granted = claimAt(payload, config.rolesClaim);
  const values = (Array.isArray(granted) ? granted : granted === undefined ? [] : [granted]).filter(
    (v): v is string => typeof v === 'string',
  );
  const mapped = values.map((v) => (config.roleMapping ? config.roleMapping[v] : isRole(v) ? v : undefined));
  let roles = [...new Set(mapped.filter((r): r is Role => r !== undefined))];
  if (roles.length === 0) roles = [...config.defaultRoles];
  if (roles.length === 0) {
    throw new UnauthenticatedError(
      `The token carries no Guichet role: its claim ${quoted(config.rolesClaim)} maps to none of ${ROLES.join(', ')}${config.roleMapping ? " through the tenant's roleMapping" : ''}.`,
    );
  }

  let familyId: string | null = null;
  if (roles.includes(Role.PARENT)) {
    const claimed = claimAt(payload, config.familyClaim);
    const reference =
      typeof claimed === 'number' && Number.isSafeInteger(claimed) ? String(claimed) : claimed;
    if (!cleanText(reference, 255)) {
      throw new UnauthenticatedError(
        `A parent's token must name their family in the claim ${quoted(config.familyClaim)}.`,
      );
    }
    familyId = await familyOf(em, tenant.id, config.familyClaimKind, reference);
    if (!familyId) {
      throw new UnauthenticatedError(
        `The token's family claim ${quoted(config.familyClaim)} (${quoted(reference)}) names no family of tenant ${quoted(tenant.slug)}${config.familyClaimKind === 'EXTERNAL_REF' ? ' (by its externalRef)' : ' (by its Guichet ID)'}.`,
      );
    }
  }

  const viewer: Viewer = {
    kind: 'PERSON',
    subject: sub,
    displayName: cleanText(name, 255) ? name : null,
    roles,
    scopes: [],
    tenantId: tenant.id,
    familyId,
  };
  return { viewer, tenantRow: tenant };
}

/** The family a parent's token names, read inside the tenant (families are tenant-owned). */
async function familyOf(
  em: EntityManager,
  tenantId: string,
  kind: FamilyClaimKind,
  reference: string,
): Promise<string | null> {
  let id: string | null = null;
  if (kind === 'GLOBAL_ID') {
    const decoded = fromGlobalId(reference);
    if (!decoded || decoded.type !== 'Family') return null;
    id = decoded.id;
  }
  return em.transactional(
    async (tx) => {
      await scopeToTenant(tx, tenantId, { statementTimeoutMs: 5000, lockTimeoutMs: 5000 });
      const [row] = await tx.execute<{ id: string }[]>(
        kind === 'GLOBAL_ID'
          ? 'select id from families where id = ?'
          : 'select id from families where external_ref = ?',
        [id ?? reference],
        'all',
        tx.getLoggerContext(),
      );
      return row?.id ?? null;
    },
    { readOnly: true },
  );
}

/** Why jose refused the token, for the person (or the integrator) who sent it. */
function verificationError(error: unknown, config: IdentityProviderConfig): Error {
  if (error instanceof KeySetUnavailable) {
    return Object.assign(
      new ServiceUnavailableError(
        "The identity provider's keys (its JWKS) cannot be fetched right now: retry in a moment.",
      ),
      { cause: error.cause },
    );
  }
  if (error instanceof joseErrors.JWTExpired) return new UnauthenticatedError('The token has expired.');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') {
      return new UnauthenticatedError(
        `The token is not meant for Guichet: its audience (aud) is not ${[config.audience].flat().map(quoted).join(' or ')}.`,
      );
    }
    if (error.claim === 'nbf') return new UnauthenticatedError('The token is not valid yet (nbf).');
    return new UnauthenticatedError(
      `The token's claim ${quoted(error.claim)} is not valid (${error.reason}).`,
    );
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    return new UnauthenticatedError(
      "No key of the identity provider's key set (JWKS) matches the token's key id (kid).",
    );
  }
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return new UnauthenticatedError(
      "Several keys of the identity provider's key set match the token: it must name its key id (kid).",
    );
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return new UnauthenticatedError(
      `The token is signed with an algorithm the tenant does not accept (accepted: ${config.algorithms.join(', ')}).`,
    );
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new UnauthenticatedError("The token's signature does not match the identity provider's key.");
  }
  return new UnauthenticatedError('The token is not valid.');
}
