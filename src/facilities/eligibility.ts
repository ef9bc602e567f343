import { addMonths } from '../shared/dates';
import { sql, type Condition } from '../shared/pagination';
import { Audience, type Service } from './service.entity';

/** What eligibility needs to know of a child. */
export interface ChildFacts {
  /** Tenant-local date of birth, YYYY-MM-DD. */
  birthDate: string;
  /** The school (or crèche) the child attends, if any. */
  schoolId: string | null;
  /** Whether that is a school (not a crèche): the child is of school age. */
  atSchool: boolean;
}

export type IneligibilityReason = 'TOO_YOUNG' | 'TOO_OLD' | 'NOT_A_PUPIL' | 'AT_SCHOOL';

export interface Ineligibility {
  reason: IneligibilityReason;
  /** The age bound in months that the child is outside of, for TOO_YOUNG and TOO_OLD. */
  ageMonths?: number;
}

/**
 * Why a child may not attend a session of a service, or null when it may (the service's audience
 * and age range, ages in whole months on the session's date: min inclusive, max exclusive).
 * The same rule as `eligibleSessions`, which applies it in SQL.
 */
export function ineligibility(
  child: ChildFacts,
  service: Pick<Service, 'audience' | 'minAgeMonths' | 'maxAgeMonths'>,
  session: { date: string; facilityId: string | null },
): Ineligibility | null {
  if (service.minAgeMonths != null && addMonths(child.birthDate, service.minAgeMonths) > session.date) {
    return { reason: 'TOO_YOUNG', ageMonths: service.minAgeMonths };
  }
  if (service.maxAgeMonths != null && addMonths(child.birthDate, service.maxAgeMonths) <= session.date) {
    return { reason: 'TOO_OLD', ageMonths: service.maxAgeMonths };
  }
  if (service.audience === Audience.SCHOOL_PUPILS && child.schoolId !== session.facilityId) {
    return { reason: 'NOT_A_PUPIL' };
  }
  if (service.audience === Audience.PRE_SCHOOL && child.atSchool) return { reason: 'AT_SCHOOL' };
  return null;
}

/**
 * The SQL condition on `sessions t` keeping the sessions a child may attend — `ineligibility` in
 * PostgreSQL (`date + interval 'n months'` clamps to the month's end as `addMonths` does).
 */
export function eligibleSessions(child: ChildFacts): Condition {
  return sql(
    `exists (select 1 from services sv where sv.tenant_id = t.tenant_id and sv.id = t.service_id
       and (sv.min_age_months is null or (?::date + make_interval(months => sv.min_age_months))::date <= t.date)
       and (sv.max_age_months is null or (?::date + make_interval(months => sv.max_age_months))::date > t.date)
       and (sv.audience <> 'SCHOOL_PUPILS' or t.facility_id is not distinct from ?::uuid)
       and (sv.audience <> 'PRE_SCHOOL' or not ?::boolean))`,
    child.birthDate,
    child.birthDate,
    child.schoolId,
    child.atSchool,
  );
}
