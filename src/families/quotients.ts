import type { EntityManager } from '@mikro-orm/postgresql';

/** One attestation of a family's quotient, from its effective date. */
export interface QuotientEntry {
  familyId: string;
  quotient: number;
  effectiveFrom: string;
  documentRef: string | null;
  recordedBy: string;
  recordedAt: Date;
}

/**
 * The quotient of each family valid on `date`: its latest attestation effective on or before
 * that date, else the quotient on file before any (`families.family_quotient`, null = top
 * bracket). One statement for any number of families.
 */
export async function quotientsOn(
  em: EntityManager,
  tenantId: string,
  familyIds: readonly string[],
  date: string,
): Promise<Map<string, number | null>> {
  if (!familyIds.length) return new Map();
  const rows = await em.execute<{ id: string; quotient: number | null }[]>(
    `select f.id, coalesce(
       (select q.quotient from family_quotients q
        where q.tenant_id = f.tenant_id and q.family_id = f.id and q.effective_from <= ?::date
        order by q.effective_from desc limit 1),
       f.family_quotient) as quotient
     from families f
     where f.tenant_id = ? and f.id in (select json_array_elements_text(?::json)::uuid)`,
    [date, tenantId, JSON.stringify(familyIds)],
    'all',
    em.getLoggerContext(),
  );
  return new Map(rows.map((r) => [r.id, r.quotient]));
}

/** Each family's attestations, latest first. */
export async function quotientHistories(
  em: EntityManager,
  tenantId: string,
  familyIds: readonly string[],
): Promise<QuotientEntry[]> {
  return em.execute<QuotientEntry[]>(
    `select family_id as "familyId", quotient, to_char(effective_from, 'YYYY-MM-DD') as "effectiveFrom",
            document_ref as "documentRef", recorded_by as "recordedBy", recorded_at as "recordedAt"
     from family_quotients
     where tenant_id = ? and family_id in (select json_array_elements_text(?::json)::uuid)
     order by family_id, effective_from desc`,
    [tenantId, JSON.stringify(familyIds)],
    'all',
    em.getLoggerContext(),
  );
}
