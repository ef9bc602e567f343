import type { Domain } from '../../graphql/domain';
import { FamilyInvoicesResolver, InvoiceLineResolver, InvoiceResolver } from './invoice.resolver';
import { createInvoiceLoaders } from './invoices.loaders';

/** Issued documents (invoices, catch-ups, credit notes, regularisations) and their lines. */
export const invoicesDomain: Domain = {
  name: 'invoices',
  resolvers: [InvoiceResolver, InvoiceLineResolver, FamilyInvoicesResolver],
  loaders: createInvoiceLoaders,
};
