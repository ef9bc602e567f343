import { Extensions } from 'type-graphql';
import { isStaff, Role, type Scope, type Viewer } from '../auth/viewer';

/**
 * Who may select a field: declared once, on the type or the field, and checked for the whole
 * operation before anything runs (src/graphql/guard.ts). Data-dependent visibility (a parent
 * sees their own family only) stays in the services.
 *
 * - `public`: anyone, without credentials (the tenants directory, the viewer).
 * - otherwise a caller acting inside a tenant, and — when any is listed — one of the `roles`,
 *   one of the API-key `scopes` (staff hold every scope), or a parent when `parents` is true.
 */
export interface AccessRule {
  public?: boolean;
  roles?: Role[];
  scopes?: Scope[];
  parents?: boolean;
  /** API-key scopes that staff do not hold by default (e.g. webhooks:manage beside TENANT_ADMIN). */
  keyScopes?: Scope[];
}

/** Declares the rule of an object type (its fields' default) or of one field, query or mutation. */
export const Access = (rule: AccessRule) => Extensions({ access: rule });

export const PUBLIC: AccessRule = { public: true };
/** Any caller acting inside a tenant. */
export const SIGNED_IN: AccessRule = {};
export const STAFF: AccessRule = { roles: [Role.AGENT, Role.TENANT_ADMIN] };
export const TENANT_ADMIN: AccessRule = { roles: [Role.TENANT_ADMIN] };

export type AccessFailure = { code: 'UNAUTHENTICATED' | 'FORBIDDEN'; requires: string };

/** Whether the viewer satisfies the rule; the failure names what is required. */
export function checkAccess(rule: AccessRule, viewer: Viewer, actsInTenant: boolean): AccessFailure | null {
  if (rule.public) return null;
  if (viewer.kind === 'ANONYMOUS' || !actsInTenant) {
    return { code: 'UNAUTHENTICATED', requires: 'a bearer token or an API key' };
  }
  const roles = rule.roles ?? [];
  const scopes = rule.scopes ?? [];
  const keyScopes = rule.keyScopes ?? [];
  if (roles.length === 0 && scopes.length === 0 && keyScopes.length === 0 && !rule.parents) return null;
  if (viewer.kind === 'API_KEY' && viewer.scopes.some((s) => keyScopes.includes(s))) return null;
  if (viewer.roles.some((r) => roles.includes(r))) return null;
  if (scopes.length > 0 && isStaff(viewer)) return null;
  if (viewer.scopes.some((s) => scopes.includes(s))) return null;
  if (rule.parents && viewer.roles.includes(Role.PARENT)) return null;
  return { code: 'FORBIDDEN', requires: describeRule(rule) };
}

/** "the role AGENT or TENANT_ADMIN, the scope families:read, or a parent". */
export function describeRule(rule: AccessRule): string {
  const parts: string[] = [];
  const roles = new Set(rule.roles ?? []);
  if (rule.scopes?.length) [Role.AGENT, Role.TENANT_ADMIN].forEach((r) => roles.add(r));
  if (roles.size) parts.push(`the role ${[...roles].join(' or ')}`);
  const scopes = [...(rule.scopes ?? []), ...(rule.keyScopes ?? [])];
  if (scopes.length) parts.push(`an API key with the scope ${scopes.join(' or ')}`);
  if (rule.parents) parts.push('a parent (for their own family)');
  return parts.join(', or ');
}
