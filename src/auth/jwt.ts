import { textFlaw } from '../shared/text';
import { SignJWT, decodeJwt, jwtVerify, errors as joseErrors } from 'jose';
import { Role } from './viewer';
import { inEnglish, msg, type Message } from '../shared/i18n';

const ISSUER = 'guichet';
const AUDIENCE = 'guichet-api';

/** Claims of a person's token. `tenant` is the tenant slug; `family` the family's global ID. */
export interface TokenClaims {
  sub: string;
  name?: string;
  tenant: string;
  roles: Role[];
  family?: string;
}

/** Why a token is refused, as a message for people (the request's answer renders it). */
export class InvalidTokenError extends Error {
  constructor(readonly text: Message) {
    super(inEnglish(text));
  }
}

const key = (secret: string) => new TextEncoder().encode(secret);

export async function signToken(claims: TokenClaims, secret: string, expiresIn = '12h'): Promise<string> {
  const { sub, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key(secret));
}

/** A tenant's slug, as tokens and the X-Tenant header name it. */
const TENANT_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** How long a token may be used: jose's `maxTokenAge` below, in ms. */
const MAX_TOKEN_AGE_MS = 31 * 24 * 3600 * 1000;
/** Tokens verified, per secret: a client sends the same one with every request. Bounded. */
const verified = new Map<string, Map<string, { claims: TokenClaims; untilMs: number }>>();
const MAX_VERIFIED = 20_000;

/**
 * A person's token (HS256, our issuer and audience, `exp` and `iat` required, at most 31 days
 * old) checked and its claims read; throws InvalidTokenError (expired, invalid, claims missing or
 * malformed). A token that passed is remembered until it expires (or turns 31 days old): the
 * signature and claims of the same text under the same secret cannot change, and verifying
 * them was ≈ 3 % of a small query's CPU. Refused tokens are checked again every time.
 */
export async function verifyToken(token: string, secret: string): Promise<TokenClaims> {
  const known = verified.get(secret)?.get(token);
  if (known && Date.now() < known.untilMs) return known.claims;
  const claims = await checkToken(token, secret);
  let bySecret = verified.get(secret);
  if (!bySecret) verified.set(secret, (bySecret = new Map()));
  if (bySecret.size >= MAX_VERIFIED) bySecret.clear();
  const payload = decodePayload(token);
  bySecret.set(token, {
    claims,
    untilMs: Math.min(payload.exp * 1000, payload.iat * 1000 + MAX_TOKEN_AGE_MS),
  });
  return claims;
}

/** `exp` and `iat` of a token that jose accepted (it requires both, as numbers). */
const decodePayload = (token: string) => decodeJwt(token) as { exp: number; iat: number };

async function checkToken(token: string, secret: string): Promise<TokenClaims> {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'iat'],
      maxTokenAge: '31d',
    });
    const roles = Array.isArray(payload.roles) ? payload.roles : [];
    if (
      typeof payload.sub !== 'string' ||
      typeof payload.tenant !== 'string' ||
      roles.length === 0 ||
      !roles.every((r): r is Role => Object.values(Role).includes(r as Role)) ||
      (payload.family !== undefined && typeof payload.family !== 'string')
    ) {
      throw new InvalidTokenError(msg('auth.tokenLacksClaims'));
    }
    const text = (value: unknown, max: number) =>
      typeof value === 'string' && value.length > 0 && value.length <= max && textFlaw(value) === null;
    if (
      !text(payload.sub, 255) ||
      !TENANT_SLUG.test(payload.tenant) ||
      (payload.family !== undefined && !text(payload.family, 100)) ||
      (payload.name !== undefined && !text(payload.name, 255))
    ) {
      throw new InvalidTokenError(msg('auth.tokenMalformedClaim'));
    }
    if (roles.includes(Role.PARENT) && typeof payload.family !== 'string') {
      throw new InvalidTokenError(msg('auth.parentTokenNoFamily'));
    }
    return {
      sub: payload.sub,
      name: typeof payload.name === 'string' ? payload.name : undefined,
      tenant: payload.tenant,
      roles,
      family: payload.family as string | undefined,
    };
  } catch (error) {
    if (error instanceof InvalidTokenError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw new InvalidTokenError(msg('auth.tokenExpired'));
    throw new InvalidTokenError(msg('auth.tokenInvalid'));
  }
}
