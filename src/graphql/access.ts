import { Extensions } from 'type-graphql';
import { meets, type Requirement } from '../auth/requirement';
import { Role, Scope, type Viewer } from '../auth/viewer';

/**
 * Who may select a field: declared once, on the type or the field, and checked for the whole
 * operation before anything runs (src/graphql/guard.ts). Data-dependent visibility (a parent
 * sees their own family only) stays in the services.
 *
 * - `public`: anyone, without credentials (the tenants directory, the viewer).
 * - otherwise a caller acting inside a tenant, and — when any is listed — one of the `roles`,
 *   one of the API-key `scopes` (staff hold every scope), one of the `keyScopes` (held by API keys
 *   only, e.g. webhooks:manage beside TENANT_ADMIN), or a parent when `parents` is true.
 */
export interface AccessRule extends Requirement {
  public?: boolean;
}

/** Declares the rule of an object type (its fields' default) or of one field, query or mutation. */
export const Access = (rule: AccessRule) => Extensions({ access: rule });

export const PUBLIC: AccessRule = { public: true };
/** Any caller acting inside a tenant. */
export const SIGNED_IN: AccessRule = {};
export const STAFF: AccessRule = { roles: [Role.AGENT, Role.TENANT_ADMIN] };
export const TENANT_ADMIN: AccessRule = { roles: [Role.TENANT_ADMIN] };
/** The dashboard's figures: staff, and API keys with dashboard:read (a town's own dashboards). */
export const DASHBOARD_READERS: AccessRule = { scopes: [Scope.DASHBOARD_READ] };

/**
 * Whether the viewer may select a field under this rule: null, or why not — UNAUTHENTICATED
 * without credentials acting in a tenant, FORBIDDEN when the requirement is not met (the guard's
 * refusal names it: src/auth/requirement.ts).
 */
export function checkAccess(
  rule: AccessRule,
  viewer: Viewer,
  actsInTenant: boolean,
): 'UNAUTHENTICATED' | 'FORBIDDEN' | null {
  if (rule.public) return null;
  if (viewer.kind === 'ANONYMOUS' || !actsInTenant) return 'UNAUTHENTICATED';
  return meets(viewer, rule) ? null : 'FORBIDDEN';
}
