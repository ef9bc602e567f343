import DataLoader from 'dataloader';
import type { TenantContext } from '../../auth/context';
import { lightFind } from '../../shared/light-entities';
import { byId, groupBy } from '../../shared/loaders';
import { Allocation, Payment } from './payment.entity';

/** Per-unit batch loaders of payments and of the allocations put on invoices. */
export function createPaymentLoaders(ctx: TenantContext) {
  const { em } = ctx;
  return {
    paymentById: new DataLoader<string, Payment | null>(async (ids) =>
      byId(
        ids,
        await lightFind<Payment>(em, Payment, { tenantId: ctx.tenant.id, column: 'id', values: ids }),
      ),
    ),
    allocationsByInvoiceId: new DataLoader<string, Allocation[]>(async (ids) =>
      groupBy(
        ids,
        await lightFind<Allocation>(em, Allocation, {
          tenantId: ctx.tenant.id,
          column: 'invoice_id',
          values: ids,
          orderBy: 't.created_at, t.id',
        }),
        (a) => a.invoiceId,
      ),
    ),
  };
}

declare module '../../graphql/context' {
  interface Loaders extends ReturnType<typeof createPaymentLoaders> {}
}
