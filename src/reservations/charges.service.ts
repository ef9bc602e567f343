import type { TenantContext } from '../auth/context';
import { paginateMany, sql, type Condition, type Page, type PageArgs } from '../shared/pagination';
import { Charge } from './charge.entity';

export interface ChargeFilter {
  from?: string | null;
  to?: string | null;
  uninvoiced?: boolean | null;
}

/**
 * Families' charges (the ledger lines waiting for, or billed on, an invoice), newest first: one
 * page per family, for many families in two statements. The caller checked that the viewer may
 * see each family's money.
 */
export function familyChargePages(
  ctx: TenantContext,
  familyIds: string[],
  args: PageArgs & ChargeFilter,
): Promise<Page<Charge>[]> {
  const where: Condition[] = [];
  if (args.from) where.push(sql('t.date >= ?', args.from));
  if (args.to) where.push(sql('t.date <= ?', args.to));
  if (args.uninvoiced) where.push(sql('t.invoice_id is null'));
  return paginateMany(
    ctx.em,
    {
      entity: Charge,
      table: 'charges',
      tenantId: ctx.tenant.id,
      orderBy: ['date', 'id'],
      direction: 'desc',
      where,
    },
    'family_id',
    familyIds,
    args,
  );
}
