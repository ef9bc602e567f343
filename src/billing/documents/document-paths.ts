import type { CsvFlavour } from '../../shared/csv';

/** A document as its route serves it and its signed link names it: its path and own parameters. */
export interface LinkedDocument {
  path: string;
  params: Record<string, string>;
}

/** Invoice and credit-note numbers are short series-year-sequence codes, e.g. F2026-000042. */
export const INVOICE_NUMBER = /^[A-Za-z0-9-]{1,40}$/;

/** An invoice's (or credit note's) PDF: `Invoice.pdfUrl`. */
export const invoicePdfDocument = (number: string): LinkedDocument => ({
  path: `/documents/invoices/${encodeURIComponent(number)}.pdf`,
  params: {},
});

/** A month's treasury CSV in one flavour: `treasuryCsvUrl`. */
export const treasuryCsvDocument = (period: string, flavour: CsvFlavour): LinkedDocument => ({
  path: `/documents/treasury/${period}.csv`,
  params: { format: flavour },
});

/** A receipt's PDF: `Receipt.pdfUrl` (receipt numbers look like CANT-2026-000042). */
export const receiptPdfDocument = (number: string): LinkedDocument => ({
  path: `/documents/receipts/${encodeURIComponent(number)}.pdf`,
  params: {},
});
