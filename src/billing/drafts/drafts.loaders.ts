import DataLoader from 'dataloader';
import type { TenantContext } from '../../auth/context';
import { lightFind } from '../../shared/light-entities';
import { groupBy } from '../../shared/loaders';
import { DraftInvoiceLine } from './draft-invoice.entity';

/** Draft invoices' lines: one statement per level of a query. */
export function createDraftLoaders(ctx: TenantContext) {
  return {
    draftLinesByDraftId: new DataLoader<string, DraftInvoiceLine[]>(async (ids) =>
      groupBy(
        ids,
        await lightFind<DraftInvoiceLine>(ctx.em, DraftInvoiceLine, {
          tenantId: ctx.tenant.id,
          column: 'draft_invoice_id',
          values: ids,
          orderBy: 't.position',
        }),
        (line) => line.draftInvoiceId,
      ),
    ),
  };
}

declare module '../../graphql/context' {
  interface Loaders extends ReturnType<typeof createDraftLoaders> {}
}
