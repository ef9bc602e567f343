import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { sql } from '../admission/policy';
import { ApplicationStatus } from '../entities';
import { visibleApplication } from './apply.service';

type ApplicationOutcome = Outcome<{ applicationId: string }>;

/**
 * An agent checks the proof of a criterion the family declared: VERIFIED criteria count in the
 * application's points at every facility (with each facility's value), REJECTED ones do not.
 * Audited; agents work whether the families' window is open or not.
 */
export const verifyCriterion = idempotentMutation(
  'verifyCriterion',
  async (
    ctx: TenantContext,
    input: { applicationId: string; code: string; verified: boolean },
  ): Promise<ApplicationOutcome> => {
    const application = await visibleApplication(ctx, input.applicationId);
    if (!application)
      return refuse(UserErrorCode.NOT_FOUND, msg('placement.applicationNotFound'), ['applicationId']);
    const status = input.verified ? 'VERIFIED' : 'REJECTED';
    const rows = await sql(
      ctx,
      `update application_criteria set status = ?, verified_by = ?, verified_at = ?
       where tenant_id = ? and application_id = ? and code = ? returning code`,
      [status, ctx.viewer.subject ?? 'anonymous', ctx.now(), ctx.tenant.id, application.id, input.code],
    );
    if (rows.length === 0) {
      return refuse(UserErrorCode.INVALID, msg('placement.criterionNotDeclared', { code: input.code }), [
        'code',
      ]);
    }
    audit(ctx, {
      action: 'PLACEMENT_CRITERION_VERIFIED',
      familyId: application.familyId,
      subjectId: application.id,
      details: { code: input.code, status },
    });
    await ctx.em.flush();
    return done({ applicationId: application.id });
  },
);

/**
 * An agent verifies the proof of a declared urgency (a sudden return to work, a social-services
 * referral): the application ranks as urgent from then, and the proof's date starts the tenant's
 * urgent deadline. `proofReceivedAt` defaults to now. Audited.
 */
export const verifyUrgency = idempotentMutation(
  'verifyUrgency',
  async (
    ctx: TenantContext,
    input: { applicationId: string; proofReceivedAt?: Date | null },
  ): Promise<ApplicationOutcome> => {
    const application = await visibleApplication(ctx, input.applicationId);
    if (!application)
      return refuse(UserErrorCode.NOT_FOUND, msg('placement.applicationNotFound'), ['applicationId']);
    if (!application.urgentDeclared)
      return refuse(UserErrorCode.INVALID, msg('placement.urgentNotDeclared'), ['applicationId']);
    if (application.status !== ApplicationStatus.ACTIVE && application.status !== ApplicationStatus.OFFERED) {
      return refuse(UserErrorCode.INVALID, msg('placement.notActive', { status: application.status }), [
        'applicationId',
      ]);
    }
    application.urgentProofAt = input.proofReceivedAt ? new Date(input.proofReceivedAt) : ctx.now();
    application.urgentVerifiedBy = ctx.viewer.subject ?? 'anonymous';
    application.updatedAt = ctx.now();
    audit(ctx, {
      action: 'PLACEMENT_URGENCY_VERIFIED',
      familyId: application.familyId,
      subjectId: application.id,
      details: { proofReceivedAt: application.urgentProofAt.toISOString(), reason: application.urgentReason },
    });
    await ctx.em.flush();
    return done({ applicationId: application.id });
  },
);
