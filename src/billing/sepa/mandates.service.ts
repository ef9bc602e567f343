import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { Family } from '../../families/family.entity';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { todayIn } from '../../shared/dates';
import { msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { ibantools } from './ibantools';
import { Mandate, MandateStatus, SequenceType } from './sepa.entity';
import { tenantToChange } from '../../tenants/tenants.service';

const { electronicFormatIBAN, isSEPACountry, isValidBIC, validateIBAN } = ibantools;

/** The characters the EPC allows in a mandate reference (RUM). */
const REFERENCE = /^[A-Za-z0-9+?/:().,' -]{1,35}$/;

/** An IBAN in electronic form if it is valid (length and ISO 7064 check digits, by ibantools) and in the SEPA area. */
export function checkIban(raw: string, field: string[]): { iban: string } | Outcome<never> {
  const iban = electronicFormatIBAN(raw) ?? '';
  if (!validateIBAN(iban).valid) return refuse(UserErrorCode.INVALID, msg('sepa.iban'), field);
  if (!isSEPACountry(iban.slice(0, 2))) return refuse(UserErrorCode.INVALID, msg('sepa.ibanNotSepa'), field);
  return { iban };
}

/**
 * A SEPA creditor identifier (ICS): country, two check digits, a three-character business code,
 * the national identifier; the check digits are ISO 7064 MOD 97-10 over the national identifier
 * followed by the country and "00" (the business code is left out).
 */
export function isValidCreditorId(id: string): boolean {
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$/.test(id)) return false;
  const digits = `${id.slice(7)}${id.slice(0, 2)}00`
    .split('')
    .map((c) => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c))
    .join('');
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return 98 - rest === Number(id.slice(2, 4));
}

/** Sets the tenant's creditor details for direct debits (tenant admins; audited). */
export async function setSepaCreditor(
  ctx: TenantContext,
  input: { creditorId: string; name: string; iban: string; bic?: string | null; rejectionFee: number },
): Promise<Outcome<true>> {
  const creditorId = input.creditorId.replace(/\s/g, '').toUpperCase();
  if (!isValidCreditorId(creditorId))
    return refuse(UserErrorCode.INVALID, msg('sepa.creditorId'), ['creditorId']);
  const name = input.name.trim();
  if (!name || name.length > 70) return refuse(UserErrorCode.INVALID, msg('sepa.creditorName'), ['name']);
  const checked = checkIban(input.iban, ['iban']);
  if (!('iban' in checked)) return checked;
  const bic = input.bic?.trim().toUpperCase() || null;
  if (bic && !isValidBIC(bic)) return refuse(UserErrorCode.INVALID, msg('sepa.bic'), ['bic']);
  if (!Number.isInteger(input.rejectionFee) || input.rejectionFee < 0 || input.rejectionFee > 100_000) {
    return refuse(
      UserErrorCode.INVALID,
      msg('input.outOfRange', { field: 'rejectionFee', min: 0, max: 100_000, value: input.rejectionFee }),
      ['rejectionFee'],
    );
  }
  const config = (await tenantToChange(ctx)).config;
  Object.assign(config, {
    sepaCreditorId: creditorId,
    sepaCreditorName: name,
    sepaCreditorIban: checked.iban,
    sepaCreditorBic: bic,
    sepaRejectionFee: input.rejectionFee,
  });
  audit(ctx, {
    action: 'SEPA_CREDITOR_SET',
    details: { creditorId, iban: checked.iban, bic, rejectionFee: input.rejectionFee },
  });
  await ctx.em.flush();
  return done(true);
}

export interface MandateInput {
  familyId: string;
  reference: string;
  signedOn: string;
  debtorName: string;
  iban: string;
  bic?: string | null;
  oneOff?: boolean | null;
}

/**
 * Records a household's signed mandate (staff; audited): unique reference, IBAN checked, BIC
 * optional (SEPA no longer requires it). A recurrent mandate's first debit goes out FRST, the next
 * ones RCUR; a one-off mandate's only debit OOFF. At most one active mandate per family.
 */
export const createMandate = idempotentMutation(
  'createMandate',
  async (ctx: TenantContext, input: MandateInput): Promise<Outcome<{ mandateId: string }>> => {
    const family = await ctx.em.findOne(Family, { id: input.familyId });
    if (!family) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Family' }), ['familyId']);
    const reference = input.reference.trim();
    if (!REFERENCE.test(reference))
      return refuse(UserErrorCode.INVALID, msg('sepa.mandateReference'), ['reference']);
    if (input.signedOn > todayIn(ctx.tenant.timeZone, ctx.now())) {
      return refuse(UserErrorCode.INVALID, msg('sepa.signedInFuture'), ['signedOn']);
    }
    const debtorName = input.debtorName.trim();
    if (!debtorName || debtorName.length > 70)
      return refuse(UserErrorCode.INVALID, msg('sepa.debtorName'), ['debtorName']);
    const checked = checkIban(input.iban, ['iban']);
    if (!('iban' in checked)) return checked;
    const bic = input.bic?.trim().toUpperCase() || null;
    if (bic && !isValidBIC(bic)) return refuse(UserErrorCode.INVALID, msg('sepa.bic'), ['bic']);
    // Serialise a family's mandates (the partial unique index is the last word).
    await ctx.em.execute(`select 1 from families where tenant_id = ? and id = ? for update`, [
      ctx.tenant.id,
      family.id,
    ]);
    if (await ctx.em.findOne(Mandate, { reference })) {
      return refuse(UserErrorCode.INVALID, msg('sepa.mandateReferenceTaken'), ['reference']);
    }
    if (await ctx.em.findOne(Mandate, { familyId: family.id, status: MandateStatus.ACTIVE })) {
      return refuse(UserErrorCode.INVALID, msg('sepa.activeMandateExists'), ['familyId']);
    }
    const mandate = ctx.em.create(Mandate, {
      tenantId: ctx.tenant.id,
      familyId: family.id,
      reference,
      signedOn: input.signedOn,
      debtorName,
      iban: checked.iban,
      bic,
      sequence: input.oneOff ? SequenceType.OOFF : SequenceType.FRST,
      status: MandateStatus.ACTIVE,
      createdBy: ctx.viewer.subject ?? 'system',
      createdAt: ctx.now(),
      closedAt: null,
    });
    audit(ctx, {
      action: 'MANDATE_CREATED',
      familyId: family.id,
      subjectId: mandate.id,
      details: { reference, iban: checked.iban, bic, signedOn: input.signedOn, sequence: mandate.sequence },
    });
    await ctx.em.flush();
    return done({ mandateId: mandate.id });
  },
);

/**
 * Closes a mandate (staff; audited): at once, or after its next debit, which then goes out FNAL.
 */
export const closeMandate = idempotentMutation(
  'closeMandate',
  async (
    ctx: TenantContext,
    input: { mandateId: string; afterNextDebit?: boolean | null },
  ): Promise<Outcome<{ mandateId: string }>> => {
    const mandate = await ctx.em.findOne(Mandate, { id: input.mandateId });
    if (!mandate) return refuse(UserErrorCode.NOT_FOUND, msg('sepa.mandateNotFound'), ['mandateId']);
    if (mandate.status !== MandateStatus.ACTIVE)
      return refuse(UserErrorCode.INVALID, msg('sepa.mandateClosed'), ['mandateId']);
    if (input.afterNextDebit && mandate.sequence !== SequenceType.OOFF) {
      mandate.sequence = SequenceType.FNAL;
    } else {
      mandate.status = MandateStatus.CLOSED;
      mandate.closedAt = ctx.now();
    }
    audit(ctx, {
      action: 'MANDATE_CLOSED',
      familyId: mandate.familyId,
      subjectId: mandate.id,
      details: { afterNextDebit: Boolean(input.afterNextDebit) },
    });
    await ctx.em.flush();
    return done({ mandateId: mandate.id });
  },
);
