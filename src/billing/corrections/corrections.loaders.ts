import DataLoader from 'dataloader';
import type { TenantContext } from '../../auth/context';
import { Invoice } from '../invoices/invoice.entity';

/** The documents correcting each invoice (credit notes and replacements): one statement per level. */
export function createCorrectionLoaders(ctx: TenantContext) {
  return {
    correctionsByInvoiceId: new DataLoader<string, Invoice[]>(async (ids) => {
      const documents = await ctx.em.find(
        Invoice,
        { $or: [{ creditedInvoiceId: { $in: [...ids] } }, { correctsInvoiceId: { $in: [...ids] } }] },
        { orderBy: { issuedAt: 'asc', series: 'asc', sequence: 'asc' } },
      );
      return ids.map((id) =>
        documents.filter((d) => d.creditedInvoiceId === id || d.correctsInvoiceId === id),
      );
    }),
  };
}

declare module '../../graphql/context' {
  interface Loaders extends ReturnType<typeof createCorrectionLoaders> {}
}
