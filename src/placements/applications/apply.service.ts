import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { Child } from '../../families/child.entity';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { channelFor } from '../../reservations/booking-rules';
import { ReservationChannel } from '../../shared/channels';
import { day, msg } from '../../shared/i18n';
import {
  done,
  refuse,
  userError,
  UserErrorCode,
  type Outcome,
  type UserErrorData,
} from '../../shared/user-errors';
import { ageGroupsAt, knownCriteria, placementPolicy, sql } from '../admission/policy';
import { ApplicationStatus, PlacementApplication } from '../entities';

/** A criterion the family declares, with the reference of its proof (checked by an agent). */
export interface DeclaredCriterion {
  code: string;
  documentRef?: string | null;
}

export interface ApplicationFields {
  desiredStartDate: string;
  daysPerWeek: number;
  fullTime: boolean;
  /** Facilities, most wanted first. */
  facilityIds: string[];
  criteria: DeclaredCriterion[];
  /** Why the family declares an urgency (verified later by an agent with its proof); null: none. */
  urgentReason?: string | null;
}

type ApplicationOutcome = Outcome<{ applicationId: string }>;

/** Families write only while the window is open; agents always (the outage: they keep working). */
export function windowRefusal(ctx: TenantContext): ApplicationOutcome | null {
  if (!ctx.viewer.familyId || ctx.tenant.config.placementApplicationsOpen) return null;
  return refuse(UserErrorCode.CLOSED, msg('placement.windowClosed'), undefined, { reason: 'WINDOW_CLOSED' });
}

/** An application the viewer may see: their own family's for parents; any for staff. */
export async function visibleApplication(
  ctx: TenantContext,
  id: string,
): Promise<PlacementApplication | null> {
  const application = await ctx.em.findOne(PlacementApplication, { id });
  if (!application) return null;
  if (ctx.viewer.familyId && application.familyId !== ctx.viewer.familyId) return null;
  return application;
}

/** Checks the fields shared by apply and update: preferences, age groups, criteria. */
async function checkFields(
  ctx: TenantContext,
  childId: string,
  fields: ApplicationFields,
): Promise<UserErrorData[]> {
  const policy = await placementPolicy(ctx);
  const ids = fields.facilityIds;
  if (ids.length === 0 || ids.length > policy.maxPreferences) {
    return [
      userError(UserErrorCode.INVALID, msg('placement.preferenceCount', { max: policy.maxPreferences }), [
        'facilityIds',
      ]),
    ];
  }
  const errors: UserErrorData[] = [];
  const groups = await ageGroupsAt(ctx, childId, ids, fields.desiredStartDate);
  ids.forEach((id, i) => {
    const field = ['facilityIds', String(i)];
    if (ids.indexOf(id) !== i)
      errors.push(userError(UserErrorCode.INVALID, msg('placement.facilityNamedTwice'), field));
    else if (!groups.has(id)) {
      errors.push(
        userError(
          UserErrorCode.NOT_ELIGIBLE,
          msg('placement.noAgeGroup', { date: day(fields.desiredStartDate) }),
          field,
          {
            reason: 'NO_AGE_GROUP',
          },
        ),
      );
    }
  });
  const known = await knownCriteria(ctx);
  fields.criteria.forEach((c, i) => {
    if (!known.has(c.code)) {
      errors.push(
        userError(UserErrorCode.INVALID, msg('placement.unknownCriterion', { code: c.code }), [
          'criteria',
          String(i),
          'code',
        ]),
      );
    }
  });
  return errors;
}

async function writePreferences(
  ctx: TenantContext,
  applicationId: string,
  facilityIds: string[],
): Promise<void> {
  // A facility the family declined stays declined when the list is rewritten.
  const declined = await sql<{ facility_id: string; declined_at: Date }>(
    ctx,
    `select facility_id, declined_at from placement_preferences
     where tenant_id = ? and application_id = ? and declined_at is not null`,
    [ctx.tenant.id, applicationId],
  );
  await sql(ctx, `delete from placement_preferences where tenant_id = ? and application_id = ? returning 1`, [
    ctx.tenant.id,
    applicationId,
  ]);
  const rows = facilityIds.map((facility_id, i) => ({
    preference: i + 1,
    facility_id,
    declined_at: declined.find((d) => d.facility_id === facility_id)?.declined_at ?? null,
  }));
  await sql(
    ctx,
    `insert into placement_preferences (tenant_id, application_id, preference, facility_id, declined_at)
     select ?, ?, v.preference, v.facility_id, v.declined_at
     from json_to_recordset(?::json) as v(preference int, facility_id uuid, declined_at timestamptz) returning 1`,
    [ctx.tenant.id, applicationId, JSON.stringify(rows)],
  );
}

/** Rewrites the declared criteria: a criterion kept with the same proof keeps its verification. */
async function writeCriteria(
  ctx: TenantContext,
  applicationId: string,
  criteria: DeclaredCriterion[],
): Promise<void> {
  await sql(
    ctx,
    `delete from application_criteria a where tenant_id = ? and application_id = ?
       and not exists (select 1 from json_to_recordset(?::json) as v(code text, document_ref text)
                       where v.code = a.code and v.document_ref is not distinct from a.document_ref)
     returning 1`,
    [
      ctx.tenant.id,
      applicationId,
      JSON.stringify(criteria.map((c) => ({ code: c.code, document_ref: c.documentRef ?? null }))),
    ],
  );
  await sql(
    ctx,
    `insert into application_criteria (tenant_id, application_id, code, document_ref)
     select distinct on (v.code) ?, ?, v.code, v.document_ref
     from json_to_recordset(?::json) as v(code text, document_ref text)
     on conflict do nothing returning 1`,
    [
      ctx.tenant.id,
      applicationId,
      JSON.stringify(criteria.map((c) => ({ code: c.code, document_ref: c.documentRef ?? null }))),
    ],
  );
}

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
