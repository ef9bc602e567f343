import { msg } from '../../shared/i18n';
import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { Family } from '../../families/family.entity';
import { quotientsOn } from '../../families/quotients';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { addDays, todayIn } from '../../shared/dates';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { Checks } from '../validation';

/** No family quotient is above this (monthly, whole currency units): beyond it, a typing error. */
export const MAX_QUOTIENT = 50_000;
/** How far ahead an attestation may take effect. */
export const MAX_QUOTIENT_LEAD_DAYS = 400;

export interface SetFamilyQuotientInput {
  familyId: string;
  quotient: number;
  effectiveFrom: string;
  documentRef: string;
}

/**
 * Records a family quotient from a date (a CAF attestation, usually each January): charges of
 * sessions from that date are priced with it; charges already created keep their price (they are
 * the ledger). A second attestation for the same date replaces the first. Agents; audited with
 * the quotient valid on that date before → after.
 */
export const setFamilyQuotient = idempotentMutation(
  'setFamilyQuotient',
  async (ctx: TenantContext, input: SetFamilyQuotientInput): Promise<Outcome<{ familyId: string }>> => {
    const checks = new Checks();
    checks.range(input.quotient, ['quotient'], 0, MAX_QUOTIENT);
    const documentRef = checks.text(input.documentRef, ['documentRef']);
    const today = todayIn(ctx.tenant.timeZone, ctx.now());
    if (input.effectiveFrom > addDays(today, MAX_QUOTIENT_LEAD_DAYS)) {
      checks.add({
        code: UserErrorCode.INVALID,
        message: msg('admin.quotientTooFarAhead', { days: MAX_QUOTIENT_LEAD_DAYS }),
        field: ['effectiveFrom'],
      });
    }
    if (!checks.ok) return { value: null, userErrors: checks.errors };
    const family = await ctx.em.findOne(Family, { id: input.familyId });
    if (!family) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Family' }), ['familyId']);
    const before = (await quotientsOn(ctx.em, ctx.tenant.id, [family.id], input.effectiveFrom)).get(
      family.id,
    );
    await ctx.em.execute(
      `insert into family_quotients (id, tenant_id, family_id, quotient, effective_from, document_ref, recorded_by, recorded_at)
       values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?)
       on conflict (tenant_id, family_id, effective_from)
       do update set quotient = excluded.quotient, document_ref = excluded.document_ref,
         recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`,
      [
        ctx.tenant.id,
        family.id,
        input.quotient,
        input.effectiveFrom,
        documentRef,
        ctx.viewer.subject ?? 'unknown',
        ctx.now(),
      ],
      'run',
      ctx.em.getLoggerContext(),
    );
    audit(ctx, {
      action: 'FAMILY_QUOTIENT_SET',
      familyId: family.id,
      subjectId: family.id,
      details: {
        effectiveFrom: input.effectiveFrom,
        before: { quotient: before ?? null },
        after: { quotient: input.quotient, documentRef },
      },
    });
    await ctx.em.flush();
    return done({ familyId: family.id });
  },
);
