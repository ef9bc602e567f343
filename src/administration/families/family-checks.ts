import type { TenantContext } from '../../auth/context';
import type { Guardian } from '../../families/family.entity';
import { msg } from '../../shared/i18n';
import { UserErrorCode } from '../../shared/user-errors';
import type { Checks } from '../validation';

export const MAX_GUARDIANS = 4;

export interface GuardianFields {
  firstName: string;
  lastName: string;
  email?: string | null;
  phone?: string | null;
}

/** Checks a household's guardians (1 to MAX_GUARDIANS, each reachable): what is stored. */
export function checkGuardians(checks: Checks, guardians: GuardianFields[], field = 'guardians'): Guardian[] {
  if (guardians.length === 0 || guardians.length > MAX_GUARDIANS) {
    checks.add({
      code: UserErrorCode.INVALID,
      message: msg('admin.guardianCount', { max: MAX_GUARDIANS }),
      field: [field],
    });
  }
  return guardians.map((g, i) => {
    const at = (name: string) => [field, String(i), name];
    const guardian = {
      firstName: checks.text(g.firstName, at('firstName')),
      lastName: checks.text(g.lastName, at('lastName')),
      email: checks.email(g.email, at('email')),
      phone: checks.phone(g.phone, at('phone')),
    };
    if (!guardian.email && !guardian.phone) {
      checks.add({
        code: UserErrorCode.INVALID,
        message: msg('admin.guardianUnreachable', { n: i + 1 }),
        field: [field, String(i)],
      });
    }
    return guardian;
  });
}

/**
 * Serialises the duplicate checks of a tenant's families (two registrations with the same email
 * at once would both find none): a transaction-scoped lock, released at commit.
 */
export async function lockFamilyRegister(ctx: TenantContext): Promise<void> {
  await ctx.em.execute(
    `select pg_advisory_xact_lock(hashtext('guichet:family-register:' || ?::text))`,
    [ctx.tenant.id],
    'all',
    ctx.em.getLoggerContext(),
  );
}

/**
 * The refusals for a household whose external reference or a guardian's email is already another
 * family's in the tenant (archived ones included: an archived family is reactivated, not
 * registered twice). `exceptId`: the family being updated.
 */
export async function duplicateChecks(
  ctx: TenantContext,
  checks: Checks,
  input: { externalRef?: string | null; emails: (string | null)[]; exceptId?: string },
): Promise<void> {
  const emails = input.emails.filter((e): e is string => Boolean(e));
  const rows = await ctx.em.execute<
    { id: string; name: string; external_ref: string | null; emails: string[] }[]
  >(
    `select f.id, f.name, f.external_ref,
       array(select lower(g->>'email') from jsonb_array_elements(f.guardians) g where g->>'email' is not null) as emails
     from families f
     where f.tenant_id = ? and f.merged_into_id is null and f.id is distinct from ?::uuid
       and (f.external_ref = ? or exists (
         select 1 from jsonb_array_elements(f.guardians) g
         where lower(g->>'email') in (select value from json_array_elements_text(?::json))))
     limit 5`,
    [ctx.tenant.id, input.exceptId ?? null, input.externalRef ?? null, JSON.stringify(emails)],
    'all',
    ctx.em.getLoggerContext(),
  );
  for (const row of rows) {
    if (input.externalRef && row.external_ref === input.externalRef) {
      checks.add({
        code: UserErrorCode.DUPLICATE,
        message: msg('admin.duplicateExternalRef', { ref: input.externalRef, family: row.name }),
        field: ['externalRef'],
        related: { type: 'Family', id: row.id },
      });
    }
    input.emails.forEach((email, i) => {
      if (email && row.emails.includes(email)) {
        checks.add({
          code: UserErrorCode.DUPLICATE,
          message: msg('admin.duplicateEmail', { email, family: row.name }),
          field: ['guardians', String(i), 'email'],
          related: { type: 'Family', id: row.id },
        });
      }
    });
  }
}
