import type { TenantContext } from '../../auth/context';
import { day, msg } from '../../shared/i18n';
import { refuse, userError, UserErrorCode, type Outcome, type UserErrorData } from '../../shared/user-errors';
import { ageGroupsAt, knownCriteria, placementPolicy, sql } from '../admission/policy';
import { PlacementApplication } from '../entities';

/** What an application holds besides its child, and how it is checked and written. */
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

export type ApplicationOutcome = Outcome<{ applicationId: string }>;

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
export async function checkFields(
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

export async function writePreferences(
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
export async function writeCriteria(
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
