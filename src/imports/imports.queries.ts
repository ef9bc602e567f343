import type { TenantContext } from '../auth/context';
import { paginate, type Page, type PageArgs } from '../shared/pagination';
import { Import } from './import.entity';

/** The tenant's imports, newest first (keyset on started_at, id: `imports_tenant_started_idx`). */
export function listImports(ctx: TenantContext, page: PageArgs): Promise<Page<Import>> {
  return paginate(
    ctx.em,
    {
      entity: Import,
      table: 'imports',
      tenantId: ctx.tenant.id,
      orderBy: ['started_at', 'id'],
      direction: 'desc',
      where: [],
    },
    page,
  );
}
