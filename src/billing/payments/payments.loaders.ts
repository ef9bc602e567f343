import DataLoader from 'dataloader';
import type { TenantContext } from '../../auth/context';
import { byId, groupBy } from '../../shared/loaders';
import { Allocation, Payment } from './payment.entity';

/** Per-unit batch loaders of payments and of the allocations put on invoices. */
export function createPaymentLoaders({ em }: Pick<TenantContext, 'em'>) {
  return {
    paymentById: new DataLoader<string, Payment | null>(async (ids) =>
      byId(ids, await em.find(Payment, { id: { $in: [...ids] } })),
    ),
    allocationsByInvoiceId: new DataLoader<string, Allocation[]>(async (ids) =>
      groupBy(
        ids,
        await em.find(
          Allocation,
          { invoiceId: { $in: [...ids] } },
          { orderBy: { createdAt: 'asc', id: 'asc' } },
        ),
        (a) => a.invoiceId,
      ),
    ),
  };
}

declare module '../../graphql/context' {
  interface Loaders extends ReturnType<typeof createPaymentLoaders> {}
}
