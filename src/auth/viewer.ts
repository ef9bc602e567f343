/** Who is calling. Built once per request from the bearer token or API key; services read it. */
export enum Role {
  PARENT = 'PARENT',
  AGENT = 'AGENT',
  TENANT_ADMIN = 'TENANT_ADMIN',
}

/** What an API key may do. A person's roles imply their own permissions (see `can`). */
export enum Scope {
  FAMILIES_READ = 'families:read',
  CATALOG_READ = 'catalog:read',
  RESERVATIONS_WRITE = 'reservations:write',
  /** Take the roll (recordAttendance) and justify absences, e.g. a school's tablet app. */
  ATTENDANCE_WRITE = 'attendance:write',
  /** Read the kitchen's meal counts: the catering vendor. */
  MEALS_READ = 'meals:read',
  /** Record card and direct-debit payments: the payment provider's or the bank's integration. */
  PAYMENTS_WRITE = 'payments:write',
  /** Read invoices, payments, plans, accounts and their documents: the treasury's integration. */
  BILLING_READ = 'billing:read',
  /** Register, list and delete its own webhook endpoints: a vendor's integration. */
  WEBHOOKS_MANAGE = 'webhooks:manage',
  /** Read the dashboard's figures (occupancy, billing): a town's dashboard. */
  DASHBOARD_READ = 'dashboard:read',
}

export type ViewerKind = 'ANONYMOUS' | 'PERSON' | 'API_KEY';

export interface Viewer {
  kind: ViewerKind;
  /** Stable subject: the token's `sub`, or `api-key:<prefix>`. */
  subject: string | null;
  displayName: string | null;
  roles: Role[];
  scopes: Scope[];
  /** The tenant this request acts inside (uuid). */
  tenantId: string | null;
  /** For parents: their one family (uuid). */
  familyId: string | null;
}

export const ANONYMOUS: Viewer = {
  kind: 'ANONYMOUS',
  subject: null,
  displayName: null,
  roles: [],
  scopes: [],
  tenantId: null,
  familyId: null,
};

export function isStaff(viewer: Viewer): boolean {
  return viewer.roles.includes(Role.AGENT) || viewer.roles.includes(Role.TENANT_ADMIN);
}

/** Staff may do everything a scope allows inside their tenant; an API key only what it was granted. */
export function can(viewer: Viewer, scope: Scope): boolean {
  return isStaff(viewer) || viewer.scopes.includes(scope);
}

/**
 * Who acts, as precisely as the credentials say: the kind, the subject and, for a parent, the
 * family. Two parent tokens that share a subject (a portal's service account) but name two
 * families are two principals: they never see each other's idempotent replays.
 */
export function principalOf(viewer: Viewer): string {
  return [viewer.kind, viewer.subject ?? '', viewer.familyId ?? ''].join('|');
}
