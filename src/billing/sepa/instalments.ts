/**
 * SQL (a subquery; one `?` for the tenant id, a second for the family id when `byFamily`): every
 * instalment of the tenant's payment plans with what it still owes (`unpaid`, minor units), derived
 * as `instalmentStates` derives it — the money put on a plan's invoices since it was agreed fills
 * its instalments in position order — so a debit and the plan's own view never disagree. Columns:
 * id, plan_id, position, due_date, family_id, amount, unpaid.
 */
export function unpaidInstalmentsSql(byFamily: boolean): string {
  return `select n.id, n.plan_id, n.position, n.due_date, p.family_id, n.amount,
           (n.amount - greatest(0, least(n.amount, pp.paid - (sum(n.amount) over w - n.amount))))::int as unpaid
         from instalments n
         join payment_plans p on p.tenant_id = n.tenant_id and p.id = n.plan_id
         cross join lateral (
           select coalesce(sum(a.amount), 0) as paid from payment_plan_invoices pi
           join allocations a on a.tenant_id = pi.tenant_id and a.invoice_id = pi.invoice_id and a.created_at >= p.created_at
           where pi.tenant_id = p.tenant_id and pi.plan_id = p.id) pp
         where n.tenant_id = ?${byFamily ? ' and p.family_id = ?' : ''}
         window w as (partition by n.plan_id order by n.position)`;
}
