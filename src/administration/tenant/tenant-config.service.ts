import { IANAZone } from 'luxon';
import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { msg } from '../../shared/i18n';
import { done, UserErrorCode, type Outcome } from '../../shared/user-errors';
import type { PaymentMethod } from '../../tenants/tenant.entity';
import { Checks } from '../validation';
import { tenantToChange } from '../../tenants/tenants.service';

/** The languages the message catalogue speaks: a tenant's locale must be one of them. */
const LANGUAGES = ['fr', 'en'];

export interface TenantConfigurationInput {
  name?: string | null;
  timeZone?: string | null;
  locale?: string | null;
  cancellationNoticeDays?: number | null;
  parentsMayJustifyAbsences?: boolean | null;
  instalmentMaxCount?: number | null;
  instalmentMinAmount?: number | null;
  counterPaymentMethods?: PaymentMethod[] | null;
  invoiceDueDays?: number | null;
  waitlistOfferDelayHours?: number | null;
  publicNotice?: string | null;
  treasuryBudgetCode?: string | null;
}

/** A BCP 47 tag in its canonical form, or null when it is not one. */
function canonicalLocale(tag: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical ?? null;
  } catch {
    return null;
  }
}

/**
 * Changes a tenant's configuration (tenant admins): its name, time zone and locale (validated:
 * an IANA zone, a BCP 47 tag in a language the catalogue speaks), its default cancellation notice,
 * who justifies absences, payment-plan limits, counter payment methods, invoice due days, the
 * waitlist offer delay, the public notice and the treasury budget code. Omitted fields stay; an empty notice clears it.
 * Audited with the fields changed (before → after); the directory shows the name, time zone,
 * locale and notice at once.
 */
export const updateTenantConfiguration = idempotentMutation(
  'updateTenantConfiguration',
  async (ctx: TenantContext, input: TenantConfigurationInput): Promise<Outcome<{ tenantId: string }>> => {
    const checks = new Checks();
    const tenant = await tenantToChange(ctx);
    const name = input.name != null ? checks.text(input.name, ['name']) : undefined;
    if (input.timeZone != null && !IANAZone.isValidZone(input.timeZone)) {
      checks.add({
        code: UserErrorCode.INVALID,
        message: msg('admin.notTimeZone', { value: input.timeZone }),
        field: ['timeZone'],
      });
    }
    let locale: string | undefined;
    if (input.locale != null) {
      const canonical = canonicalLocale(input.locale);
      if (!canonical || !LANGUAGES.includes(canonical.split('-')[0])) {
        checks.add({
          code: UserErrorCode.INVALID,
          message: msg('admin.notLocale', { value: input.locale }),
          field: ['locale'],
        });
      } else locale = canonical;
    }
    checks.range(input.cancellationNoticeDays, ['cancellationNoticeDays'], 0, 60);
    checks.range(input.instalmentMaxCount, ['instalmentMaxCount'], 1, 24);
    checks.range(input.instalmentMinAmount, ['instalmentMinAmount'], 0, 1_000_000);
    checks.range(input.invoiceDueDays, ['invoiceDueDays'], 1, 120);
    checks.range(input.waitlistOfferDelayHours, ['waitlistOfferDelayHours'], 1, 336);
    const notice =
      input.publicNotice != null
        ? checks.optionalText(input.publicNotice, ['publicNotice'], 1000)
        : undefined;
    // The treasury's budget code (PES V2 CodBud): letters and digits; blank clears it.
    let budgetCode: string | null | undefined;
    if (input.treasuryBudgetCode != null) {
      budgetCode = input.treasuryBudgetCode.trim().toUpperCase() || null;
      if (budgetCode && !/^[A-Z0-9]{1,10}$/.test(budgetCode)) {
        checks.add({
          code: UserErrorCode.INVALID,
          message: msg('admin.budgetCode', { value: input.treasuryBudgetCode }),
          field: ['treasuryBudgetCode'],
        });
      }
    }
    if (!checks.ok) return { value: null, userErrors: checks.errors };

    const next: Record<string, unknown> = {
      name,
      timeZone: input.timeZone ?? undefined,
      locale,
      cancellationNoticeDays: input.cancellationNoticeDays ?? undefined,
      parentsMayJustifyAbsences: input.parentsMayJustifyAbsences ?? undefined,
      instalmentMaxCount: input.instalmentMaxCount ?? undefined,
      instalmentMinAmount: input.instalmentMinAmount ?? undefined,
      counterPaymentMethods: input.counterPaymentMethods
        ? [...new Set(input.counterPaymentMethods)]
        : undefined,
      invoiceDueDays: input.invoiceDueDays ?? undefined,
      waitlistOfferDelayHours: input.waitlistOfferDelayHours ?? undefined,
      publicNotice: notice,
      treasuryBudgetCode: budgetCode,
    };
    const TOP = ['name', 'timeZone', 'locale'];
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(next)) {
      if (value === undefined) continue;
      const holder = (TOP.includes(field) ? tenant : tenant.config) as unknown as Record<string, unknown>;
      if (JSON.stringify(holder[field] ?? null) === JSON.stringify(value)) continue;
      before[field] = holder[field] ?? null;
      after[field] = value;
      holder[field] = value;
    }
    if (Object.keys(after).length) {
      tenant.updatedAt = ctx.now();
      audit(ctx, {
        action: 'TENANT_CONFIGURATION_CHANGED',
        subjectId: tenant.id,
        details: { before, after },
      });
      await ctx.em.flush();
    }
    return done({ tenantId: tenant.id });
  },
);
