import type { TenantContext } from '../../auth/context';
import { monthBounds } from '../../shared/dates';
import { placementPolicy } from '../admission/policy';

/**
 * The month's charge of every placement running in it (called by the monthly billing run before it
 * invoices, and while billing is suspended too: charges accrue). One charge per placement and month
 * (a unique index: a second run adds nothing), reason PLACEMENT_MONTH, on the facility's childcare
 * service (NURSERY or CHILDCARE_PLACE; a facility without one — a temporary centre — charges
 * nothing):
 * - with the tenant's `monthly_fee` (placement_policies): that fee, once;
 * - otherwise the service's price for the family's quotient on the month's first day (the same grid
 *   as bookings: a crèche's rate by quotient, Québec's reduced contribution per day), times the
 *   days the placement runs that month: its weekdays in the month, scaled by its days per week.
 * Returns how many charges it added.
 */
export async function chargePlacementMonth(ctx: TenantContext, period: string): Promise<number> {
  const { from, to } = monthBounds(period);
  const policy = await placementPolicy(ctx);
  const rows = await ctx.em.execute<{ id: string }[]>(
    `insert into charges (id, tenant_id, family_id, child_id, service_id, date, reason, quantity, unit_price, amount,
       currency, created_at, placement_id)
     select gen_random_uuid(), p.tenant_id, p.family_id, p.child_id, s.id, greatest(p.start_date, ?::date),
       'PLACEMENT_MONTH', q.quantity, pr.price, pr.price * q.quantity, ?, ?, p.id
     from placements p
     join lateral (select v.id from services v where v.tenant_id = p.tenant_id and v.facility_id = p.facility_id
                   and v.kind in ('NURSERY', 'CHILDCARE_PLACE') order by v.id limit 1) s on true
     cross join lateral (
       select case when ?::int is not null then 1
         else greatest(1, round(count(*) * p.days_per_week / 5.0))::int end as quantity
       from generate_series(greatest(p.start_date, ?::date), least(coalesce(p.end_date, ?::date), ?::date), interval '1 day') d
       where extract(isodow from d) < 6) q
     cross join lateral (
       select coalesce(?::int, (
         select b.unit_price from price_brackets b
         cross join (select coalesce(
             (select fq.quotient from family_quotients fq where fq.tenant_id = p.tenant_id and fq.family_id = p.family_id
                and fq.effective_from <= ?::date order by fq.effective_from desc limit 1),
             (select f.family_quotient from families f where f.tenant_id = p.tenant_id and f.id = p.family_id)) as quotient) fam
         where b.tenant_id = p.tenant_id and b.service_id = s.id and b.valid_from <= ?::date
           and (b.valid_to is null or b.valid_to >= ?::date)
           and (fam.quotient is null or (b.min_quotient <= fam.quotient
                and (b.max_quotient is null or fam.quotient < b.max_quotient)))
         order by b.min_quotient desc limit 1)) as price) pr
     where p.tenant_id = ? and p.start_date <= ?::date and (p.end_date is null or p.end_date >= ?::date)
       and pr.price is not null
     on conflict do nothing
     returning id`,
    [
      from,
      ctx.tenant.currency,
      ctx.now(),
      policy.monthlyFee,
      from,
      to,
      to,
      policy.monthlyFee,
      from,
      from,
      from,
      ctx.tenant.id,
      to,
      from,
    ],
    'all',
    ctx.em.getLoggerContext(),
  );
  return rows.length;
}
