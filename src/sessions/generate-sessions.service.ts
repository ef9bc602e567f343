import { msg } from '../shared/i18n';
import type { TenantContext } from '../auth/context';
import { Checks } from '../administration/validation';
import { audit } from '../audit/audit.service';
import { SCHOOL_CALENDAR_COVERS_UNTIL } from '../calendars/school-holidays';
import { Facility } from '../facilities/facility.entity';
import { Service } from '../facilities/service.entity';
import { idempotentMutation } from '../idempotency/idempotency.service';
import { done, refuse, userError, UserErrorCode, type Outcome } from '../shared/user-errors';
import type { SessionPeriod } from './session.entity';

/** ISO weekdays by name (1 = Monday), as the API takes them. */
export const WEEKDAYS = [
  'MONDAY',
  'TUESDAY',
  'WEDNESDAY',
  'THURSDAY',
  'FRIDAY',
  'SATURDAY',
  'SUNDAY',
] as const;
export type WeekdayName = (typeof WEEKDAYS)[number];

/** The longest range generated in one call: a school year and its margins. */
export const MAX_GENERATION_DAYS = 400;
export const MAX_CAPACITY = 10_000;

export interface GenerateSessionsInput {
  serviceId: string;
  facilityIds?: string[] | null;
  from: string;
  to: string;
  weekdays: WeekdayName[];
  period: SessionPeriod;
  capacity?: number | null;
}

/** Why a date got no new session. */
export type SkipReason = 'PUBLIC_HOLIDAY' | 'SCHOOL_HOLIDAY' | 'CLOSURE' | 'EXISTING';

export interface SkippedDate {
  date: string;
  reason: SkipReason;
  /** The holiday's or the closure's name; null for EXISTING. */
  name: string | null;
  /** How many of the services generated for skipped that date for that reason. */
  sessions: number;
}

export interface GenerateSessionsResult {
  created: number;
  skipped: number;
  skippedDates: SkippedDate[];
  services: number;
  /** Set when the range runs past the school holidays the data file knows (school-day services). */
  schoolHolidaysKnownUntil: string | null;
}

/**
 * Which services get sessions: `serviceId`'s own (its facility's), and with `facilityIds` the
 * service of the same kind at each of those facilities — the canteen of every school in one call.
 * A facility without exactly one service of that kind is refused, naming it.
 */
async function targetServices(ctx: TenantContext, input: GenerateSessionsInput): Promise<Outcome<Service[]>> {
  // Archived services and facilities get no new sessions.
  const service = await ctx.em.findOne(Service, { id: input.serviceId, archivedAt: null });
  if (!service)
    return refuse(UserErrorCode.NOT_FOUND, msg('admin.notFound', { what: 'Service' }), ['serviceId']);
  const facilityIds = [...new Set(input.facilityIds ?? [])];
  if (!facilityIds.length) return done([service]);
  const facilities = await ctx.em.find(Facility, { id: { $in: facilityIds }, archivedAt: null });
  const siblings = await ctx.em.find(Service, {
    kind: service.kind,
    facility: { $in: facilityIds },
    archivedAt: null,
  });
  const known = new Set(facilities.map((f) => f.id));
  const errors = [];
  const targets = new Map([[service.id, service]]);
  for (const [i, facilityId] of (input.facilityIds ?? []).entries()) {
    const found = siblings.filter((s) => s.facility?.id === facilityId);
    if (!known.has(facilityId)) {
      errors.push(
        userError(UserErrorCode.NOT_FOUND, msg('admin.notFound', { what: 'Facility' }), [
          'facilityIds',
          String(i),
        ]),
      );
    } else if (found.length !== 1) {
      errors.push(
        userError(
          UserErrorCode.INVALID,
          msg('admin.servicesAtFacility', { count: found.length, kind: service.kind }),
          ['facilityIds', String(i)],
        ),
      );
    } else targets.set(found[0].id, found[0]);
  }
  return errors.length ? { value: null, userErrors: errors } : done([...targets.values()]);
}

/**
 * Creates every session from `from` to `to` on the given weekdays, for one service or the same
 * service at many facilities, skipping the days its calendars close (public holidays, school
 * holidays for school-day services, the tenant's closure periods). One set-based statement whatever
 * the number of services and days: a school year of lunches for 83 schools is one INSERT … SELECT.
 * Idempotent by nature: a session exists once per (service, date, period) — PostgreSQL's unique
 * key, `on conflict do nothing` — so a second run, whatever its idempotency key, creates nothing
 * twice and reports those dates as EXISTING. Tenant admins; audited.
 */
export const generateSessions = idempotentMutation(
  'generateSessions',
  async (ctx: TenantContext, input: GenerateSessionsInput): Promise<Outcome<GenerateSessionsResult>> => {
    const checks = new Checks();
    checks.dateRange(input.from, input.to, ['to'], MAX_GENERATION_DAYS);
    if (!input.weekdays.length)
      checks.add(userError(UserErrorCode.INVALID, msg('admin.weekdays'), ['weekdays']));
    checks.range(input.capacity, ['capacity'], 0, MAX_CAPACITY);
    if (!checks.ok) return { value: null, userErrors: checks.errors };
    const targets = await targetServices(ctx, input);
    if (!targets.value) return { value: null, userErrors: targets.userErrors };
    const services = targets.value;
    const weekdays = [...new Set(input.weekdays.map((d) => WEEKDAYS.indexOf(d) + 1))];

    const rows = await ctx.em.execute<
      { date: string; reason: SkipReason | null; name: string | null; count: number }[]
    >(
      `with svc as (
         select s.id, s.facility_id, s.kind, s.closed_on_public_holidays, s.closed_on_school_holidays,
                coalesce(?::int, s.default_capacity) as capacity
         from services s where s.tenant_id = ? and s.id in (select json_array_elements_text(?::json)::uuid)),
       tenant as (select holiday_region, config_school_calendar from tenants where id = ?),
       days as (
         select d::date as date from generate_series(?::date, ?::date, interval '1 day') d
         where extract(isodow from d)::int in (select json_array_elements_text(?::json)::int)),
       candidates as (
         select svc.id as service_id, svc.facility_id, svc.capacity, days.date, closed.kind, closed.name
         from svc cross join days cross join tenant t
         left join lateral (
           select c.kind, c.name from (
             select 1 as rank, 'PUBLIC_HOLIDAY' as kind, cd.name from calendar_days cd
             where svc.closed_on_public_holidays and cd.kind = 'PUBLIC_HOLIDAY'
               and cd.calendar = t.holiday_region and cd.date = days.date
             union all
             select 2, 'SCHOOL_HOLIDAY', cd.name from calendar_days cd
             where svc.closed_on_school_holidays and cd.kind = 'SCHOOL_HOLIDAY'
               and cd.calendar = t.config_school_calendar and cd.date = days.date
             union all
             select 3, 'CLOSURE', cp.name from closure_periods cp
             where cp.tenant_id = ? and days.date between cp.starts_on and cp.ends_on
               and (cp.facility_id is null or cp.facility_id = svc.facility_id)
               and (cardinality(cp.service_kinds) = 0 or svc.kind::text = any (cp.service_kinds))
           ) c order by c.rank limit 1
         ) closed on true),
       inserted as (
         insert into sessions (id, tenant_id, service_id, facility_id, date, period, capacity)
         select gen_random_uuid(), ?, c.service_id, c.facility_id, c.date, ?::session_period, c.capacity
         from candidates c where c.kind is null
         on conflict (tenant_id, service_id, date, period) do nothing
         returning service_id, date)
       select c.date::text as date,
              coalesce(c.kind, case when i.service_id is null then 'EXISTING' end) as reason,
              c.name, count(*)::int as count
       from candidates c left join inserted i on i.service_id = c.service_id and i.date = c.date
       group by 1, 2, 3 order by 1, 2`,
      [
        input.capacity ?? null,
        ctx.tenant.id,
        JSON.stringify(services.map((s) => s.id)),
        ctx.tenant.id,
        input.from,
        input.to,
        JSON.stringify(weekdays),
        ctx.tenant.id,
        ctx.tenant.id,
        input.period,
      ],
      'all',
      ctx.em.getLoggerContext(),
    );
    const created = rows.filter((r) => r.reason === null).reduce((sum, r) => sum + r.count, 0);
    const skippedDates = rows
      .filter((r) => r.reason !== null)
      .map((r) => ({ date: r.date, reason: r.reason!, name: r.name, sessions: r.count }));
    const schoolDays = services.some((s) => s.closedOnSchoolHolidays) && ctx.tenant.config.schoolCalendar;
    const result: GenerateSessionsResult = {
      created,
      skipped: skippedDates.reduce((sum, r) => sum + r.sessions, 0),
      skippedDates,
      services: services.length,
      schoolHolidaysKnownUntil:
        schoolDays && input.to > SCHOOL_CALENDAR_COVERS_UNTIL ? SCHOOL_CALENDAR_COVERS_UNTIL : null,
    };
    audit(ctx, {
      action: 'SESSIONS_GENERATED',
      subjectId: input.serviceId,
      details: {
        before: null,
        after: {
          serviceIds: JSON.stringify(services.map((s) => s.id)),
          from: input.from,
          to: input.to,
          weekdays: input.weekdays,
          period: input.period,
          capacity: input.capacity ?? null,
        },
        created,
        skipped: result.skipped,
      },
    });
    await ctx.em.flush();
    return done(result);
  },
);
