import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { byId, groupBy } from '../shared/loaders';
import { Invoice, InvoiceLine } from './invoice.entity';
import { settlements, type Settlement } from './invoices.service';
import { Allocation, Payment } from './payment.entity';
import { PaymentPlan } from './payment-plan.entity';

/** Per-request batch loaders of billing: one statement per level of a nested query. */
export function createBillingLoaders(em: EntityManager, tenantId: string | null) {
  return {
    invoiceById: new DataLoader<string, Invoice | null>(async (ids) =>
      byId(ids, await em.find(Invoice, { id: { $in: [...ids] } })),
    ),
    settlementByInvoiceId: new DataLoader<string, Settlement>(async (ids) =>
      tenantId ? settlements(em, tenantId, ids) : ids.map(() => ({ allocated: 0, planId: null })),
    ),
    linesByInvoiceId: new DataLoader<string, InvoiceLine[]>(async (ids) =>
      groupBy(
        ids,
        await em.find(InvoiceLine, { invoiceId: { $in: [...ids] } }, { orderBy: { position: 'asc' } }),
        (line) => line.invoiceId,
      ),
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
    creditNotesByInvoiceId: new DataLoader<string, Invoice[]>(async (ids) =>
      groupBy(
        ids,
        await em.find(Invoice, { creditedInvoiceId: { $in: [...ids] } }, { orderBy: { sequence: 'asc' } }),
        (note) => note.creditedInvoiceId!,
      ),
    ),
    paymentById: new DataLoader<string, Payment | null>(async (ids) =>
      byId(ids, await em.find(Payment, { id: { $in: [...ids] } })),
    ),
    planById: new DataLoader<string, PaymentPlan | null>(async (ids) =>
      byId(ids, await em.find(PaymentPlan, { id: { $in: [...ids] } })),
    ),
  };
}
