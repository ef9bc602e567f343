import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { Child } from '../../families/child.entity';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { channelFor } from '../../reservations/booking-rules';
import { ReservationChannel } from '../../shared/channels';
import { msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode } from '../../shared/user-errors';
import { sql } from '../admission/policy';
import { ApplicationStatus, PlacementApplication } from '../entities';
import {
  checkFields,
  visibleApplication,
  windowRefusal,
  writeCriteria,
  writePreferences,
  type ApplicationFields,
  type ApplicationOutcome,
} from './fields';

export { visibleApplication, windowRefusal, type ApplicationFields, type DeclaredCriterion } from './fields';

function auditCounter(
  ctx: TenantContext,
  action: string,
  application: PlacementApplication,
  details = {},
): void {
  if (channelFor(ctx.viewer) !== ReservationChannel.COUNTER) return;
  audit(ctx, {
    action,
    channel: ReservationChannel.COUNTER,
    familyId: application.familyId,
    subjectId: application.id,
    details,
  });
}

/**
 * A child's application for a childcare place, ranked at each facility it lists (parents while the
 * window is open; agents at any time, audited). Its registration instant is now and never changes.
 * A child with a placement applies for a transfer: the placement is kept until the new one starts.
 */
export const applyForPlacement = idempotentMutation(
  'applyForPlacement',
  async (ctx: TenantContext, input: ApplicationFields & { childId: string }): Promise<ApplicationOutcome> => {
    const closed = windowRefusal(ctx);
    if (closed) return closed;
    const child = await ctx.em.findOne(Child, { id: input.childId });
    if (!child || (ctx.viewer.familyId && child.family.id !== ctx.viewer.familyId)) {
      return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Child' }), ['childId']);
    }
    const errors = await checkFields(ctx, child.id, input);
    if (errors.length) return { value: null, userErrors: errors };
    const [live] = await sql(
      ctx,
      `select id from placement_applications where tenant_id = ? and child_id = ? and status in ('ACTIVE', 'OFFERED')`,
      [ctx.tenant.id, child.id],
    );
    if (live)
      return refuse(UserErrorCode.INVALID, msg('placement.alreadyApplied'), ['childId'], {
        reason: 'ALREADY_APPLIED',
      });
    const [current] = await sql<{ id: string }>(
      ctx,
      `select id from placements where tenant_id = ? and child_id = ? and status = 'ACTIVE' order by start_date desc limit 1`,
      [ctx.tenant.id, child.id],
    );
    const now = ctx.now();
    const application = ctx.em.create(PlacementApplication, {
      id: randomUUID(),
      tenantId: ctx.tenant.id,
      childId: child.id,
      familyId: child.family.id,
      desiredStartDate: input.desiredStartDate,
      daysPerWeek: input.daysPerWeek,
      fullTime: input.fullTime,
      status: ApplicationStatus.ACTIVE,
      registeredAt: now,
      channel: channelFor(ctx.viewer),
      createdBy: ctx.viewer.subject ?? 'anonymous',
      urgentDeclared: !!input.urgentReason?.trim(),
      urgentReason: input.urgentReason?.trim() || null,
      transferFromPlacementId: current?.id ?? null,
      updatedAt: now,
    });
    await ctx.em.flush();
    await writePreferences(ctx, application.id, input.facilityIds);
    await writeCriteria(ctx, application.id, input.criteria);
    auditCounter(ctx, 'PLACEMENT_APPLIED', application, {
      childId: child.id,
      facilityIds: input.facilityIds,
    });
    await ctx.em.flush();
    return done({ applicationId: application.id });
  },
);

/**
 * Changes an ACTIVE application's preferences, schedule, start date or criteria; its registration
 * instant stays. Fields omitted are unchanged.
 */
export const updatePlacementApplication = idempotentMutation(
  'updatePlacementApplication',
  async (
    ctx: TenantContext,
    input: Partial<ApplicationFields> & { applicationId: string },
  ): Promise<ApplicationOutcome> => {
    const closed = windowRefusal(ctx);
    if (closed) return closed;
    const application = await visibleApplication(ctx, input.applicationId);
    if (!application)
      return refuse(UserErrorCode.NOT_FOUND, msg('placement.applicationNotFound'), ['applicationId']);
    if (application.status !== ApplicationStatus.ACTIVE) {
      return refuse(UserErrorCode.INVALID, msg('placement.notActive', { status: application.status }), [
        'applicationId',
      ]);
    }
    const current = await sql<{ facility_id: string }>(
      ctx,
      `select facility_id from placement_preferences where tenant_id = ? and application_id = ? order by preference`,
      [ctx.tenant.id, application.id],
    );
    const criteria = await sql<{ code: string; document_ref: string | null }>(
      ctx,
      `select code, document_ref from application_criteria where tenant_id = ? and application_id = ?`,
      [ctx.tenant.id, application.id],
    );
    const fields: ApplicationFields = {
      desiredStartDate: input.desiredStartDate ?? application.desiredStartDate,
      daysPerWeek: input.daysPerWeek ?? application.daysPerWeek,
      fullTime: input.fullTime ?? application.fullTime,
      facilityIds: input.facilityIds ?? current.map((p) => p.facility_id),
      criteria: input.criteria ?? criteria.map((c) => ({ code: c.code, documentRef: c.document_ref })),
    };
    const errors = await checkFields(ctx, application.childId, fields);
    if (errors.length) return { value: null, userErrors: errors };
    application.desiredStartDate = fields.desiredStartDate;
    application.daysPerWeek = fields.daysPerWeek;
    application.fullTime = fields.fullTime;
    if (input.urgentReason !== undefined && !application.urgentProofAt) {
      application.urgentDeclared = !!input.urgentReason?.trim();
      application.urgentReason = input.urgentReason?.trim() || null;
    }
    application.updatedAt = ctx.now();
    await ctx.em.flush();
    if (input.facilityIds) await writePreferences(ctx, application.id, fields.facilityIds);
    if (input.criteria) await writeCriteria(ctx, application.id, fields.criteria);
    auditCounter(ctx, 'PLACEMENT_APPLICATION_UPDATED', application, { facilityIds: fields.facilityIds });
    await ctx.em.flush();
    return done({ applicationId: application.id });
  },
);

/** Withdraws a live application (an open offer with it: the offer is withdrawn, its place freed). */
export const withdrawPlacementApplication = idempotentMutation(
  'withdrawPlacementApplication',
  async (ctx: TenantContext, input: { applicationId: string }): Promise<ApplicationOutcome> => {
    const closed = windowRefusal(ctx);
    if (closed) return closed;
    const application = await visibleApplication(ctx, input.applicationId);
    if (!application)
      return refuse(UserErrorCode.NOT_FOUND, msg('placement.applicationNotFound'), ['applicationId']);
    if (application.status !== ApplicationStatus.ACTIVE && application.status !== ApplicationStatus.OFFERED) {
      return refuse(UserErrorCode.INVALID, msg('placement.notActive', { status: application.status }), [
        'applicationId',
      ]);
    }
    const now = ctx.now();
    await sql(
      ctx,
      `update placement_offers set status = 'WITHDRAWN', answered_at = ? where tenant_id = ? and application_id = ?
         and status = 'OFFERED' returning id`,
      [now, ctx.tenant.id, application.id],
    );
    application.status = ApplicationStatus.WITHDRAWN;
    application.closedAt = now;
    application.updatedAt = now;
    auditCounter(ctx, 'PLACEMENT_APPLICATION_WITHDRAWN', application);
    await ctx.em.flush();
    return done({ applicationId: application.id });
  },
);
