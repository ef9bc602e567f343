import { ageOutDate, earliestEnd, endDuePlacements } from '../ending/end.service';
import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { Child } from '../../families/child.entity';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { day, msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { lockGroup, sql, takePlace } from '../admission/policy';
import { Placement, type AgeGroup } from '../entities';

export interface UrgentPlaceInput {
  childId: string;
  facilityId: string;
  ageGroup: AgeGroup;
  startDate: string;
  endDate?: string | null;
  reason: string;
}

/**
 * An urgent place, outside the queue (tenant admins): a placement for the child in a facility age
 * group — often a temporary centre — audited with who, when, for whom and why. It takes only a
 * place that is free: never one a placement (an accepted offer) holds, nor one an open offer
 * counts on. In a temporary facility it ends, at the latest, when the facility closes. The child's
 * application, if any, keeps its registration instant and rank.
 */
export const allocateUrgentPlace = idempotentMutation(
  'allocateUrgentPlace',
  async (ctx: TenantContext, input: UrgentPlaceInput): Promise<Outcome<{ placementId: string }>> => {
    const reason = input.reason.trim();
    if (!reason) return refuse(UserErrorCode.INVALID, msg('placement.reasonRequired'), ['reason']);
    const child = await ctx.em.findOne(Child, { id: input.childId });
    if (!child) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Child' }), ['childId']);
    const [facility] = await sql<{ ends_on: string | null }>(
      ctx,
      `select to_char(ends_on, 'YYYY-MM-DD') as ends_on from facilities where tenant_id = ? and id = ?`,
      [ctx.tenant.id, input.facilityId],
    );
    if (!facility) return refuse(UserErrorCode.NOT_FOUND, msg('placement.facilityNotFound'), ['facilityId']);
    let endDate = input.endDate ?? null;
    if (facility.ends_on) {
      // A temporary facility: its places end with it.
      if (input.startDate > facility.ends_on) {
        return refuse(
          UserErrorCode.INVALID,
          msg('placement.temporaryEnded', { endDate: day(facility.ends_on) }),
          ['startDate'],
        );
      }
      if (!endDate || endDate > facility.ends_on) endDate = facility.ends_on;
    }
    if (endDate && endDate < input.startDate) {
      return refuse(UserErrorCode.INVALID, msg('placement.endBeforeStart'), ['endDate']);
    }
    // Until the child leaves the age group at the latest.
    endDate = earliestEnd(
      input.startDate,
      endDate,
      await ageOutDate(ctx, child.id, input.facilityId, input.ageGroup),
    );
    await endDuePlacements(ctx, [input.facilityId]);
    const group = await lockGroup(ctx, input.facilityId, input.ageGroup);
    if (!group) return refuse(UserErrorCode.NOT_FOUND, msg('placement.ageGroupMissing'), ['ageGroup']);
    if (group.free <= 0 || !(await takePlace(ctx, input.facilityId, input.ageGroup))) {
      return refuse(UserErrorCode.FULL, msg('placement.noFreePlace'), ['facilityId'], {
        placesLeft: 0,
      });
    }
    const now = ctx.now();
    const placement = ctx.em.create(Placement, {
      id: randomUUID(),
      tenantId: ctx.tenant.id,
      childId: child.id,
      familyId: child.family.id,
      facilityId: input.facilityId,
      ageGroup: input.ageGroup,
      startDate: input.startDate,
      endDate,
      daysPerWeek: 5,
      fullTime: true,
      status: 'ACTIVE',
      urgent: true,
      urgentReason: reason,
      createdBy: ctx.viewer.subject ?? 'anonymous',
      createdAt: now,
    });
    audit(ctx, {
      action: 'URGENT_PLACE_ALLOCATED',
      familyId: child.family.id,
      subjectId: placement.id,
      details: {
        childId: child.id,
        facilityId: input.facilityId,
        ageGroup: input.ageGroup,
        startDate: input.startDate,
        endDate,
        reason,
        temporaryFacility: facility.ends_on !== null,
      },
    });
    await ctx.em.flush();
    return done({ placementId: placement.id });
  },
);

/** Urgent placements overlapping [from, to], by start date (the outage's report). */
export async function urgentPlacements(ctx: TenantContext, from: string, to: string): Promise<Placement[]> {
  return ctx.em.find(
    Placement,
    {
      tenantId: ctx.tenant.id,
      urgent: true,
      startDate: { $lte: to },
      $or: [{ endDate: null }, { endDate: { $gte: from } }],
    },
    { orderBy: { startDate: 'asc', id: 'asc' }, limit: 1000 },
  );
}
