import DataLoader from 'dataloader';
import type { TenantContext } from '../../auth/context';
import { groupBy } from '../../shared/loaders';
import { Reminder } from './reminder.entity';

export interface HandOverRow {
  invoice_id: string;
  batch_number: string;
  handed_over_on: string;
  position: number;
  amount: number;
}

/** Per-unit batch loaders: an invoice's reminders and its hand-over, one statement per page. */
export function createReminderLoaders(ctx: TenantContext) {
  // ctx.tenant is read when a loader runs: an anonymous request has none (reading it throws).
  const { em } = ctx;
  return {
    remindersByInvoiceId: new DataLoader<string, Reminder[]>(async (ids) =>
      groupBy(
        ids,
        await em.find(Reminder, { invoiceId: { $in: [...ids] } }, { orderBy: { level: 'asc' } }),
        (r) => r.invoiceId!,
      ),
    ),
    handOverByInvoiceId: new DataLoader<string, HandOverRow | null>(async (ids) => {
      const rows = await em.execute<HandOverRow[]>(
        `select h.invoice_id, b.number as batch_number, to_char(b.handed_over_on, 'YYYY-MM-DD') as handed_over_on,
                h.position, h.amount
         from treasury_handovers h join treasury_batches b on b.tenant_id = h.tenant_id and b.id = h.batch_id
         where h.tenant_id = ? and h.invoice_id = any(array(select value::uuid from json_array_elements_text(?::json)))`,
        [ctx.tenant.id, JSON.stringify(ids)],
      );
      const map = new Map(rows.map((r) => [r.invoice_id, r]));
      return ids.map((id) => map.get(id) ?? null);
    }),
  };
}

declare module '../../graphql/context' {
  interface Loaders extends ReturnType<typeof createReminderLoaders> {}
}
