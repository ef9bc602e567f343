import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { todayIn } from '../../shared/dates';
import { day, msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { releasePlace, sql, uuids } from '../admission/policy';
import { Placement, type AgeGroup } from '../entities';

/**
 * The last day a child is in a facility age group: the day before it reaches the group's upper age
 * bound (`max_months`). A placement ends then by default — the child ages out — unless it ends
 * earlier. Null when the child or the group is unknown.
 */
export async function ageOutDate(
  ctx: TenantContext,
  childId: string,
  facilityId: string,
  ageGroup: AgeGroup,
): Promise<string | null> {
  const [row] = await sql<{ last_day: string }>(
    ctx,
    `select to_char((c.birth_date + make_interval(months => g.max_months))::date - 1, 'YYYY-MM-DD') as last_day
     from children c join facility_age_groups g on g.tenant_id = c.tenant_id
     where c.tenant_id = ? and c.id = ? and g.facility_id = ? and g.age_group = ?::placement_age_group`,
    [ctx.tenant.id, childId, facilityId, ageGroup],
  );
  return row?.last_day ?? null;
}

/** The earlier of two optional end dates, never before the start (a one-day placement at worst). */
export function earliestEnd(start: string, ...ends: (string | null | undefined)[]): string | null {
  const set = ends.filter((e): e is string => !!e).sort();
  if (set.length === 0) return null;
  return set[0] < start ? start : set[0];
}

/**
 * Placements whose last day has passed (aged out, an urgent place's end, a temporary centre's
 * close) give their place back to their groups' counters: ENDED, counters down, in one statement.
 * Called by every change that takes a place of these facilities, once their counters are locked,
 * so a place frees the day after the placement's end without a job.
 */
export async function endDuePlacements(ctx: TenantContext, facilityIds: string[]): Promise<number> {
  if (facilityIds.length === 0) return 0;
  const today = todayIn(ctx.tenant.timeZone, ctx.now());
  const rows = await sql<{ n: number }>(
    ctx,
    `with due as (
       update placements set status = 'ENDED', ended_at = ?
       where tenant_id = ? and status = 'ACTIVE' and end_date < ?::date and facility_id = any(?::uuid[])
       returning facility_id, age_group
     ), n as (select facility_id, age_group, count(*)::int as n from due group by 1, 2)
     update facility_age_groups g set places_taken = g.places_taken - n.n from n
     where g.tenant_id = ? and g.facility_id = n.facility_id and g.age_group = n.age_group
     returning n.n`,
    [ctx.now(), ctx.tenant.id, today, uuids(facilityIds), ctx.tenant.id],
  );
  return rows.reduce((sum, r) => sum + r.n, 0);
}

/**
 * Ends a placement (agents; audited): the child leaves on `endDate` (its last day). The place is
 * given back to the group's counter at once, as a transfer does, so the commission can offer it from
 * the next day; the monthly charge stops after the end date's month. A placement ends no later than
 * it already planned to (the child ageing out, a temporary centre closing).
 */
export const endPlacement = idempotentMutation(
  'endPlacement',
  async (
    ctx: TenantContext,
    input: { placementId: string; endDate: string; reason: string },
  ): Promise<Outcome<{ placementId: string }>> => {
    const reason = input.reason.trim();
    if (!reason) return refuse(UserErrorCode.INVALID, msg('placement.reasonRequired'), ['reason']);
    const [locked] = await sql(ctx, `select id from placements where tenant_id = ? and id = ? for update`, [
      ctx.tenant.id,
      input.placementId,
    ]);
    const placement = locked && (await ctx.em.findOne(Placement, { id: input.placementId }));
    if (!placement) return refuse(UserErrorCode.NOT_FOUND, msg('placement.notFound'), ['placementId']);
    await ctx.em.refresh(placement);
    if (placement.status !== 'ACTIVE') {
      return refuse(
        UserErrorCode.INVALID,
        msg('placement.alreadyEnded', { endDate: day(placement.endDate ?? placement.startDate) }),
        ['placementId'],
      );
    }
    if (input.endDate < placement.startDate) {
      return refuse(UserErrorCode.INVALID, msg('placement.endBeforeStart'), ['endDate']);
    }
    if (placement.endDate && input.endDate > placement.endDate) {
      return refuse(
        UserErrorCode.INVALID,
        msg('placement.endsEarlier', { endDate: day(placement.endDate) }),
        ['endDate'],
      );
    }
    const previous = placement.endDate ?? null;
    placement.endDate = input.endDate;
    placement.status = 'ENDED';
    placement.endedAt = ctx.now();
    placement.endedBy = ctx.viewer.subject ?? 'anonymous';
    placement.endReason = reason;
    await ctx.em.flush();
    await releasePlace(ctx, placement.facilityId, placement.ageGroup);
    audit(ctx, {
      action: 'PLACEMENT_ENDED',
      familyId: placement.familyId,
      subjectId: placement.id,
      details: { endDate: input.endDate, previousEndDate: previous, reason },
    });
    await ctx.em.flush();
    return done({ placementId: placement.id });
  },
);
