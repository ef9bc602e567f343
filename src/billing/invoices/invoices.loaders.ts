import DataLoader from 'dataloader';
import type { TenantContext } from '../../auth/context';
import { lightFind } from '../../shared/light-entities';
import { byId, groupBy, pagesLoader } from '../../shared/loaders';
import type { PageArgs } from '../../shared/pagination';
import { Invoice, InvoiceLine } from './invoice.entity';
import { familyInvoicePages, settlements, type InvoiceStatus, type Settlement } from './invoices.service';

/** Per-unit batch loaders of invoices: one statement (or two, for pages) per level of a query. */
export function createInvoiceLoaders(ctx: TenantContext) {
  const { em } = ctx;
  return {
    invoiceById: new DataLoader<string, Invoice | null>(async (ids) =>
      byId(
        ids,
        await lightFind<Invoice>(em, Invoice, { tenantId: ctx.tenant.id, column: 'id', values: ids }),
      ),
    ),
    settlementByInvoiceId: new DataLoader<string, Settlement>(async (ids) =>
      settlements(em, ctx.tenant.id, ids),
    ),
    linesByInvoiceId: new DataLoader<string, InvoiceLine[]>(async (ids) =>
      groupBy(
        ids,
        await lightFind<InvoiceLine>(em, InvoiceLine, {
          tenantId: ctx.tenant.id,
          column: 'invoice_id',
          values: ids,
          orderBy: 't.position',
        }),
        (line) => line.invoiceId,
      ),
    ),
    creditNotesByInvoiceId: new DataLoader<string, Invoice[]>(async (ids) =>
      groupBy(
        ids,
        await lightFind<Invoice>(em, Invoice, {
          tenantId: ctx.tenant.id,
          column: 'credited_invoice_id',
          values: ids,
          orderBy: 't.sequence',
        }),
        (note) => note.creditedInvoiceId!,
      ),
    ),
    /** Each family's documents, newest first. */
    invoicePagesByFamilyId: pagesLoader<PageArgs & { status?: InvoiceStatus | null }, Invoice>(
      (familyIds, args) => familyInvoicePages(ctx, familyIds, args),
    ),
  };
}

declare module '../../graphql/context' {
  interface Loaders extends ReturnType<typeof createInvoiceLoaders> {}
}
