import { ForbiddenError } from '../shared/errors';
import { msg, oneOf, type MessageKey, type RuleShape } from '../shared/i18n';
import { isStaff, Role, type Scope, type Viewer } from './viewer';

/**
 * What a caller needs: one of the roles, one of the API-key scopes (staff hold every scope), one
 * of the key-only scopes (API keys only: staff do not hold them, e.g. webhooks:manage), or to be a
 * parent. Checked for fields by the operation guard (`@Access`, src/graphql/access.ts)
 * and by services for data-dependent rules; refusals name it (message and `extensions`).
 */
export interface Requirement {
  roles?: Role[];
  scopes?: Scope[];
  parents?: boolean;
  /** API-key scopes that staff do not hold by default (e.g. webhooks:manage beside TENANT_ADMIN). */
  keyScopes?: Scope[];
}

const STAFF = [Role.AGENT, Role.TENANT_ADMIN];

/** Whether the viewer meets the requirement (one that names nothing is met by anyone). */
export function meets(viewer: Viewer, rule: Requirement): boolean {
  const roles = rule.roles ?? [];
  const scopes = rule.scopes ?? [];
  const keyScopes = rule.keyScopes ?? [];
  if (roles.length === 0 && scopes.length === 0 && keyScopes.length === 0 && !rule.parents) return true;
  if (viewer.kind === 'API_KEY' && viewer.scopes.some((s) => keyScopes.includes(s))) return true;
  if (viewer.roles.some((r) => roles.includes(r))) return true;
  if (scopes.length > 0 && (isStaff(viewer) || viewer.scopes.some((s) => scopes.includes(s)))) return true;
  return Boolean(rule.parents && viewer.roles.includes(Role.PARENT));
}

/** The roles that qualify: the named ones, and staff wherever a scope does. */
function rolesOf(rule: Requirement): Role[] {
  const roles = new Set(rule.roles ?? []);
  if (rule.scopes?.length) STAFF.forEach((r) => roles.add(r));
  return [...roles];
}

/** The API-key scopes that qualify: those staff also hold, then the key-only ones. */
function scopesOf(rule: Requirement): Scope[] {
  return [...(rule.scopes ?? []), ...(rule.keyScopes ?? [])];
}

/** The parameters of a message naming what is required ("the role AGENT or TENANT_ADMIN, or…"). */
export function requirementParams(rule: Requirement) {
  const roles = rolesOf(rule);
  const scopes = scopesOf(rule);
  const shape: RuleShape = !roles.length
    ? 'P'
    : (`R${scopes.length ? 'S' : ''}${rule.parents ? 'P' : ''}` as RuleShape);
  return { shape, roles: oneOf(roles), scopes: oneOf(scopes) };
}

/** What a FORBIDDEN answer's `extensions` say is required. */
export function requirementDetails(rule: Requirement) {
  return {
    requiredRoles: rolesOf(rule),
    requiredScopes: scopesOf(rule),
    ...(rule.parents ? { parentsAllowed: true } : {}),
  };
}

type RequirementKey = Extract<
  MessageKey,
  'access.treasury' | 'access.paymentPlan' | 'access.payment' | 'access.deposit' | 'access.absenceAtCounter'
>;

/** A refusal naming, in its message and its extensions, the role or scope required. */
export function forbidden(key: RequirementKey, rule: Requirement): ForbiddenError {
  return new ForbiddenError(msg(key, requirementParams(rule)), requirementDetails(rule));
}
