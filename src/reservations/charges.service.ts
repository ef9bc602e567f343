import type { FilterQuery } from '@mikro-orm/core';
import { parseLocalDate } from '../shared/dates';
import { paginate, type Page, type PageArgs } from '../shared/pagination';
import { requireTenant, type ServiceContext } from '../shared/service-context';
import { Charge } from './charge.entity';

/** A family's charges (the family itself is only reachable by those who may see it) (the ledger lines waiting for, or billed on, an invoice), newest first. */
export function familyCharges(
  ctx: ServiceContext,
  familyId: string,
  args: PageArgs & { from?: string | null; to?: string | null; uninvoiced?: boolean | null },
): Promise<Page<Charge>> {
  requireTenant(ctx);
  const where: FilterQuery<Charge> = { familyId };
  const date: Record<string, string> = {};
  if (args.from) date.$gte = parseLocalDate(args.from, 'from');
  if (args.to) date.$lte = parseLocalDate(args.to, 'to');
  if (Object.keys(date).length) where.date = date;
  if (args.uninvoiced) where.invoiceId = null;
  return paginate(ctx.em, Charge, where, { date: 'desc', id: 'desc' }, args);
}
