import type { TenantContext } from '../../auth/context';
import { day, msg } from '../../shared/i18n';
import { type UserErrorData, userError, UserErrorCode } from '../../shared/user-errors';

/**
 * The refusal for money put on handed-over invoices (a payment's allocations, a credit note): null
 * when none of them was handed over.
 */
export async function handedOverRefusal(
  ctx: TenantContext,
  invoiceIds: string[],
  field: string[],
): Promise<UserErrorData | null> {
  if (invoiceIds.length === 0) return null;
  const [row] = await ctx.em.execute<{ number: string; batch: string; on: string }[]>(
    `select i.number, b.number as batch, to_char(b.handed_over_on, 'YYYY-MM-DD') as on
     from treasury_handovers h
     join invoices i on i.tenant_id = h.tenant_id and i.id = h.invoice_id
     join treasury_batches b on b.tenant_id = h.tenant_id and b.id = h.batch_id
     where h.tenant_id = ? and h.invoice_id = any(array(select value::uuid from json_array_elements_text(?::json)))
     order by i.number limit 1`,
    [ctx.tenant.id, JSON.stringify(invoiceIds)],
  );
  if (!row) return null;
  return userError(
    UserErrorCode.INVALID,
    msg('treasury.invoiceHandedOver', { number: row.number, batch: row.batch, date: day(row.on) }),
    field,
    { reason: 'HANDED_OVER', date: row.on },
  );
}
