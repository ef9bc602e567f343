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
import { DomainError, ForbiddenError, ServiceUnavailableError, UnauthenticatedError } from '../shared/errors';
import { fromGlobalId } from '../shared/ids';
import { textFlaw } from '../shared/text';
import type { Authenticated, Credentials, TenantRow } from './authenticate';
import { Role, type Viewer } from './viewer';
import { msg, oneOf, type Message } from '../shared/i18n';
import { rowLanguage } from './tenant-language';

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
    throw new UnauthenticatedError(msg('auth.tokenInvalid'));
  }
  if (!cleanText(issuer, 500)) throw new UnauthenticatedError(msg('idp.noIssuer'));
  const tenants = await tenantsByIssuer(issuer);
  if (tenants.length === 0) {
    throw new UnauthenticatedError(msg('idp.unknownIssuer', { issuer: quoted(issuer) }));
  }
  const slugs = tenants.map((t) => t.slug);
  let tenant: TenantRow | undefined;
  if (credentials.tenantSlug) {
    tenant = tenants.find((t) => t.slug === credentials.tenantSlug);
    if (!tenant) {
      throw new ForbiddenError(
        msg('idp.tenantNotServed', { tenant: credentials.tenantSlug.slice(0, 100), tenants: oneOf(slugs) }),
        { reason: 'TENANT_NOT_GRANTED', tenants: slugs },
      );
    }
  } else if (tenants.length === 1) {
    tenant = tenants[0];
  } else {
    throw new UnauthenticatedError(msg('idp.tenantRequired', { tenants: oneOf(slugs) }), {
      reason: 'TENANT_REQUIRED',
      tenants: slugs,
    });
  }
  const language = rowLanguage(tenant);

  let config: IdentityProviderConfig;
  try {
    config = parseIdentityProvider(tenant.config_identity_provider);
  } catch (error) {
    throw new UnauthenticatedError(
      msg('idp.misconfigured', { tenant: tenant.slug, detail: (error as Error).message }),
    ).inTenant(language);
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
    throw verificationError(error, config).inTenant(language);
  }

  const subject = claimAt(payload, config.subjectClaim);
  const sub = typeof subject === 'number' && Number.isSafeInteger(subject) ? String(subject) : subject;
  if (!cleanText(sub, 255)) {
    throw new UnauthenticatedError(msg('idp.badSubject', { claim: quoted(config.subjectClaim) })).inTenant(
      language,
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
      msg('idp.noRole', {
        claim: quoted(config.rolesClaim),
        roles: oneOf(ROLES),
        mapping: config.roleMapping ? 'yes' : 'no',
      }),
    ).inTenant(language);
  }

  let familyId: string | null = null;
  if (roles.includes(Role.PARENT)) {
    const claimed = claimAt(payload, config.familyClaim);
    const reference =
      typeof claimed === 'number' && Number.isSafeInteger(claimed) ? String(claimed) : claimed;
    if (!cleanText(reference, 255)) {
      throw new UnauthenticatedError(
        msg('idp.noFamilyClaim', { claim: quoted(config.familyClaim) }),
      ).inTenant(language);
    }
    familyId = await familyOf(em, tenant.id, config.familyClaimKind, reference);
    if (!familyId) {
      throw new UnauthenticatedError(
        msg('idp.unknownFamily', {
          claim: quoted(config.familyClaim),
          reference: quoted(reference),
          tenant: tenant.slug,
          kind: config.familyClaimKind,
        }),
      ).inTenant(language);
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
        // A family merged into another signs its parents in as the kept family.
        kind === 'GLOBAL_ID'
          ? 'select coalesce(merged_into_id, id) as id from families where id = ?'
          : 'select coalesce(merged_into_id, id) as id from families where external_ref = ?',
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
function verificationError(error: unknown, config: IdentityProviderConfig): DomainError {
  const refused = (text: Message) => new UnauthenticatedError(text);
  if (error instanceof KeySetUnavailable) {
    return Object.assign(new ServiceUnavailableError(msg('idp.jwksUnavailable')), { cause: error.cause });
  }
  if (error instanceof joseErrors.JWTExpired) return refused(msg('auth.tokenExpired'));
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') {
      return refused(msg('idp.audience', { audiences: oneOf([config.audience].flat().map(quoted)) }));
    }
    if (error.claim === 'nbf') return refused(msg('idp.notYetValid'));
    return refused(msg('idp.badClaim', { claim: quoted(error.claim), detail: error.reason }));
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return refused(msg('idp.noMatchingKey'));
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) return refused(msg('idp.severalKeys'));
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return refused(msg('idp.algorithm', { algorithms: oneOf(config.algorithms) }));
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return refused(msg('idp.signature'));
  return refused(msg('auth.tokenInvalid'));
}
