import { msg } from '../../shared/i18n';
import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { Facility } from '../../facilities/facility.entity';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { Checks } from '../validation';
import { ClosurePeriod } from './closure-period.entity';

export interface ClosurePeriodInput {
  name: string;
  from: string;
  to: string;
  facilityId?: string | null;
  serviceKinds?: string[] | null;
}

/** A closure period as the audit trail keeps it. */
export const closureFacts = (c: ClosurePeriod) => ({
  name: c.name,
  from: c.startsOn,
  to: c.endsOn,
  facilityId: c.facilityId ?? null,
  serviceKinds: c.serviceKinds,
});

/** The longest closure a tenant declares at once: a school year. */
export const MAX_CLOSURE_DAYS = 366;

/**
 * Closes the tenant (or one facility, or some service kinds) from `from` to `to` inclusive.
 * Sessions already in the period that no reservation ever named are removed (PostgreSQL would
 * refuse them now); those holding reservations are kept and counted, for an agent to cancel
 * (`cancelSession`), so that nothing billed disappears. Tenant admins; audited.
 */
export const createClosurePeriod = idempotentMutation(
  'createClosurePeriod',
  async (
    ctx: TenantContext,
    input: ClosurePeriodInput,
  ): Promise<Outcome<{ closurePeriodId: string; sessionsRemoved: number; sessionsKept: number }>> => {
    const checks = new Checks();
    const name = checks.text(input.name, ['name']);
    checks.dateRange(input.from, input.to, ['to'], MAX_CLOSURE_DAYS);
    if (!checks.ok) return { value: null, userErrors: checks.errors };
    if (input.facilityId && !(await ctx.em.findOne(Facility, { id: input.facilityId }))) {
      return refuse(UserErrorCode.NOT_FOUND, msg('admin.notFound', { what: 'Facility' }), ['facilityId']);
    }
    const closure = ctx.em.create(ClosurePeriod, {
      tenantId: ctx.tenant.id,
      name,
      startsOn: input.from,
      endsOn: input.to,
      facilityId: input.facilityId ?? null,
      serviceKinds: [...new Set(input.serviceKinds ?? [])],
      createdAt: ctx.now(),
    });
    await ctx.em.flush();
    const [counts] = await ctx.em.execute<{ removed: number; kept: number }[]>(
      `with hit as (
         select s.id, exists (select 1 from reservations r where r.tenant_id = s.tenant_id and r.session_id = s.id) as booked
         from sessions s join services sv on sv.tenant_id = s.tenant_id and sv.id = s.service_id
         where s.tenant_id = ? and s.date between ? and ?
           and (?::uuid is null or coalesce(s.facility_id, sv.facility_id) = ?::uuid)
           and (? = '[]' or sv.kind::text in (select json_array_elements_text(?::json)))),
       removed as (delete from sessions s using hit where s.tenant_id = ? and s.id = hit.id and not hit.booked returning s.id)
       select (select count(*) from removed)::int as removed, (select count(*) from hit where booked)::int as kept`,
      [
        ctx.tenant.id,
        closure.startsOn,
        closure.endsOn,
        closure.facilityId,
        closure.facilityId,
        JSON.stringify(closure.serviceKinds),
        JSON.stringify(closure.serviceKinds),
        ctx.tenant.id,
      ],
    );
    audit(ctx, {
      action: 'CLOSURE_PERIOD_CREATED',
      subjectId: closure.id,
      details: {
        before: null,
        after: closureFacts(closure),
        sessionsRemoved: counts.removed,
        sessionsKept: counts.kept,
      },
    });
    await ctx.em.flush();
    return done({ closurePeriodId: closure.id, sessionsRemoved: counts.removed, sessionsKept: counts.kept });
  },
);

/**
 * Reopens the days of a closure period (sessions are not recreated: run generateSessions again).
 * Tenant admins; audited.
 */
export const deleteClosurePeriod = idempotentMutation(
  'deleteClosurePeriod',
  async (
    ctx: TenantContext,
    input: { closurePeriodId: string },
  ): Promise<Outcome<{ closurePeriodId: string }>> => {
    const closure = await ctx.em.findOne(ClosurePeriod, { id: input.closurePeriodId });
    if (!closure)
      return refuse(UserErrorCode.NOT_FOUND, msg('admin.notFound', { what: 'ClosurePeriod' }), [
        'closurePeriodId',
      ]);
    audit(ctx, {
      action: 'CLOSURE_PERIOD_DELETED',
      subjectId: closure.id,
      details: { before: closureFacts(closure), after: null },
    });
    ctx.em.remove(closure);
    await ctx.em.flush();
    return done({ closurePeriodId: closure.id });
  },
);

/** The tenant's closure periods overlapping [from, to] (all when omitted), earliest first. */
export function listClosurePeriods(
  ctx: TenantContext,
  range: { from?: string | null; to?: string | null },
): Promise<ClosurePeriod[]> {
  return ctx.em.find(
    ClosurePeriod,
    {
      ...(range.from ? { endsOn: { $gte: range.from } } : {}),
      ...(range.to ? { startsOn: { $lte: range.to } } : {}),
    },
    { orderBy: { startsOn: 'asc', id: 'asc' }, limit: 500 },
  );
}
