/**
 * The row-level-security statements that isolate one tenant-owned table: RLS forced (even for the
 * owner role where it is not a superuser) and one policy reading `app.tenant_id` through
 * `guichet_current_tenant()`. One definition for every migration.
 */
export function tenantIsolation(table: string): string[] {
  return [
    `alter table ${table} enable row level security;`,
    `alter table ${table} force row level security;`,
    `create policy ${table}_tenant_isolation on ${table}
       using (tenant_id = guichet_current_tenant())
       with check (tenant_id = guichet_current_tenant());`,
  ];
}
