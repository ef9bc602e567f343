import type { TenantContext } from '../auth/context';

/** Numbering series: invoices of every kind share one, credit notes (avoirs) have their own. */
export enum Series {
  INVOICE = 'F',
  CREDIT_NOTE = 'AV',
}

export interface NumberBlock {
  series: Series | string;
  year: number;
  first: number;
}

/**
 * Takes the next `count` numbers of a series, gapless: the counter row is updated in the issuing
 * transaction, so it stays locked until that transaction ends and a rollback gives the numbers
 * back. Concurrent issuers wait for each other rather than leave holes (French public accounting).
 */
export async function takeNumbers(
  ctx: TenantContext,
  series: Series | string,
  issueDate: string,
  count: number,
): Promise<NumberBlock> {
  const { tenant } = ctx;
  const year = tenant.config.invoiceNumberingPerYear ? Number(issueDate.slice(0, 4)) : 0;
  const [row] = await ctx.em.execute<{ last_number: number }[]>(
    `insert into document_sequences (tenant_id, series, year, last_number) values (?, ?, ?, ?)
     on conflict (tenant_id, series, year)
     do update set last_number = document_sequences.last_number + excluded.last_number
     returning last_number`,
    [tenant.id, series, year, count],
    'all',
    ctx.em.getLoggerContext(),
  );
  return { series, year, first: row.last_number - count + 1 };
}

/** The printed number: F2026-000042, or F-000042 when numbering does not restart each year. */
export function formatNumber(series: string, year: number, sequence: number): string {
  const digits = String(sequence).padStart(6, '0');
  return year ? `${series}${year}-${digits}` : `${series}-${digits}`;
}
