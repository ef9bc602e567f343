import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { Facility, type FacilityKind } from '../../facilities/facility.entity';
import { isNationalCode } from '../../facilities/national-code';
import { BookingPolicy, Service, defaultAudience, defaultClosures } from '../../facilities/service.entity';
import type { BillingUnit, ServiceKind } from '../../facilities/service.entity';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { MAX_CAPACITY } from '../../sessions/generate-sessions.service';
import { todayIn } from '../../shared/dates';
import { day, msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import type { WaitlistOrdering, WaitlistPromotion } from '../../tenants/waitlist-settings';
import { Checks } from '../validation';

export interface FacilityFields {
  name: string;
  kind: FacilityKind;
  address?: string | null;
  capacity: number;
  nationalCode?: string | null;
  endsOn?: string | null;
}

const facilitySnapshot = (f: Facility) => ({
  name: f.name,
  kind: f.kind,
  address: f.address ?? null,
  capacity: f.capacity,
  nationalCode: f.nationalCode ?? null,
  endsOn: f.endsOn ?? null,
});

const notFound = (what: 'Facility' | 'Service', field: string) =>
  refuse<never>(UserErrorCode.NOT_FOUND, msg('admin.notFound', { what }), [field]);

/** Checks an end date: not before today. */
function checkEndsOn(ctx: TenantContext, checks: Checks, endsOn: string | null | undefined): void {
  const today = todayIn(ctx.tenant.timeZone, ctx.now());
  if (endsOn && endsOn < today) {
    checks.add({
      code: UserErrorCode.INVALID,
      message: msg('admin.endsInPast', { today: day(today) }),
      field: ['endsOn'],
    });
  }
}

/** Opens a facility (a school, a crèche, a leisure centre for the summer with `endsOn`). Tenant admins; audited. */
export const createFacility = idempotentMutation(
  'createFacility',
  async (ctx: TenantContext, input: FacilityFields): Promise<Outcome<{ facilityId: string }>> => {
    const checks = new Checks();
    const name = checks.text(input.name, ['name']);
    const address = checks.optionalText(input.address, ['address'], 500);
    checks.range(input.capacity, ['capacity'], 0, MAX_CAPACITY);
    const nationalCode = checks.optionalText(input.nationalCode, ['nationalCode'], 8)?.toUpperCase() ?? null;
    if (nationalCode && !isNationalCode(nationalCode)) {
      checks.add({
        code: UserErrorCode.INVALID,
        message: msg('admin.notNationalCode', { code: nationalCode }),
        field: ['nationalCode'],
      });
    }
    checkEndsOn(ctx, checks, input.endsOn);
    if (!checks.ok) return { value: null, userErrors: checks.errors };
    const facility = ctx.em.create(Facility, {
      tenantId: ctx.tenant.id,
      name,
      kind: input.kind,
      address,
      capacity: input.capacity,
      nationalCode,
      endsOn: input.endsOn ?? null,
    });
    audit(ctx, {
      action: 'FACILITY_CREATED',
      subjectId: facility.id,
      details: { before: null, after: facilitySnapshot(facility) },
    });
    await ctx.em.flush();
    return done({ facilityId: facility.id });
  },
);

/** Changes a facility's name, address, physical capacity or end date. Tenant admins; audited. */
export const updateFacility = idempotentMutation(
  'updateFacility',
  async (
    ctx: TenantContext,
    input: {
      facilityId: string;
      name?: string | null;
      address?: string | null;
      capacity?: number | null;
      endsOn?: string | null;
      permanent?: boolean | null;
    },
  ): Promise<Outcome<{ facilityId: string }>> => {
    const facility = await ctx.em.findOne(Facility, { id: input.facilityId, archivedAt: null });
    if (!facility) return notFound('Facility', 'facilityId');
    const checks = new Checks();
    const before = facilitySnapshot(facility);
    const name = input.name != null ? checks.text(input.name, ['name']) : facility.name;
    const address =
      input.address != null ? checks.optionalText(input.address, ['address'], 500) : facility.address;
    checks.range(input.capacity, ['capacity'], 0, MAX_CAPACITY);
    checkEndsOn(ctx, checks, input.endsOn);
    if (input.permanent && input.endsOn) {
      checks.add({
        code: UserErrorCode.INVALID,
        message: msg('input.eitherOr', { first: '"endsOn"', second: '"permanent"' }),
        field: ['permanent'],
      });
    }
    if (!checks.ok) return { value: null, userErrors: checks.errors };
    Object.assign(facility, { name, address: address ?? null });
    if (input.capacity != null) facility.capacity = input.capacity;
    if (input.endsOn) facility.endsOn = input.endsOn;
    if (input.permanent) facility.endsOn = null;
    audit(ctx, {
      action: 'FACILITY_UPDATED',
      subjectId: facility.id,
      details: { before, after: facilitySnapshot(facility) },
    });
    await ctx.em.flush();
    return done({ facilityId: facility.id });
  },
);

/**
 * Removes the future sessions of services (from today) that no reservation ever named, and counts
 * those that hold a live booking (then nothing is removed: the caller refuses).
 */
async function clearFutureSessions(
  ctx: TenantContext,
  serviceIds: string[],
  dryRun: boolean,
): Promise<{ removed: number; booked: number }> {
  const today = todayIn(ctx.tenant.timeZone, ctx.now());
  const [row] = await ctx.em.execute<{ removed: number; booked: number }[]>(
    `with ahead as (
       select s.id,
         exists (select 1 from reservations r where r.tenant_id = s.tenant_id and r.session_id = s.id) as named,
         exists (select 1 from reservations r where r.tenant_id = s.tenant_id and r.session_id = s.id and r.status = 'BOOKED') as booked
       from sessions s where s.tenant_id = ? and s.date >= ?
         and s.service_id = any(array(select value::uuid from json_array_elements_text(?::json)))),
     removed as (delete from sessions s using ahead where not ?::boolean and s.tenant_id = ? and s.id = ahead.id
       and not ahead.named and not exists (select 1 from waitlist_entries e where e.tenant_id = s.tenant_id and e.session_id = s.id)
       returning s.id)
     select (select count(*) from removed)::int as removed, (select count(*) from ahead where booked)::int as booked`,
    [ctx.tenant.id, today, JSON.stringify(serviceIds), dryRun, ctx.tenant.id],
    'all',
    ctx.em.getLoggerContext(),
  );
  return row;
}

/**
 * Archives a facility and its services: they leave the catalogue; their future sessions nobody
 * booked are removed. Refused (NOT_ALLOWED, the number in the message) while a future session of
 * it holds a booking. Tenant admins; audited.
 */
export const archiveFacility = idempotentMutation(
  'archiveFacility',
  async (
    ctx: TenantContext,
    input: { facilityId: string },
  ): Promise<Outcome<{ facilityId: string; sessionsRemoved: number }>> => {
    const facility = await ctx.em.findOne(Facility, { id: input.facilityId, archivedAt: null });
    if (!facility) return notFound('Facility', 'facilityId');
    const services = await ctx.em.find(Service, { facility: facility.id, archivedAt: null });
    const ids = services.map((s) => s.id);
    const check = await clearFutureSessions(ctx, ids, true);
    if (check.booked)
      return refuse(UserErrorCode.NOT_ALLOWED, msg('admin.archiveBookedSessions', { count: check.booked }), [
        'facilityId',
      ]);
    const { removed } = await clearFutureSessions(ctx, ids, false);
    facility.archivedAt = ctx.now();
    for (const service of services) service.archivedAt = ctx.now();
    audit(ctx, {
      action: 'FACILITY_ARCHIVED',
      subjectId: facility.id,
      details: {
        before: { archivedAt: null },
        after: { archivedAt: facility.archivedAt.toISOString() },
        services: ids,
        sessionsRemoved: removed,
      },
    });
    await ctx.em.flush();
    return done({ facilityId: facility.id, sessionsRemoved: removed });
  },
);

export interface BookingPolicyFields {
  opensAt?: Date | null;
  opensDaysBefore?: number | null;
  closesDaysBefore?: number | null;
  closesAtTime?: string | null;
  closesOnWorkingDays?: boolean | null;
  cancellationNoticeDays?: number | null;
  billsUnjustifiedAbsence?: boolean | null;
  allowsWalkIns?: boolean | null;
}

export interface ServiceFields {
  name?: string | null;
  defaultCapacity?: number | null;
  bookingPolicy?: BookingPolicyFields | null;
  waitlistOrdering?: WaitlistOrdering | null;
  waitlistPromotion?: WaitlistPromotion | null;
  waitlistOfferHours?: number | null;
}

/** Applies the booking policy fields given onto `policy` (checked first). */
function applyPolicy(
  checks: Checks,
  policy: BookingPolicy,
  given: BookingPolicyFields | null | undefined,
): void {
  if (!given) return;
  const at = (f: string) => ['bookingPolicy', f];
  checks.range(given.opensDaysBefore, at('opensDaysBefore'), 1, 400);
  checks.range(given.closesDaysBefore, at('closesDaysBefore'), 0, 60);
  checks.range(given.cancellationNoticeDays, at('cancellationNoticeDays'), 0, 60);
  if (given.closesAtTime != null && !/^([01]\d|2[0-3]):[0-5]\d$/.test(given.closesAtTime)) {
    checks.add({
      code: UserErrorCode.INVALID,
      message: msg('admin.notTime', { field: 'bookingPolicy.closesAtTime' }),
      field: at('closesAtTime'),
    });
  }
  const year = given.opensAt ? given.opensAt.getUTCFullYear() : null;
  if (year !== null && (Number.isNaN(year) || year < 2000 || year > 2199)) {
    checks.add({
      code: UserErrorCode.INVALID,
      message: msg('admin.auditInstantYears', { field: 'bookingPolicy.opensAt', min: 2000, max: 2199 }),
      field: at('opensAt'),
    });
  }
  if (given.opensAt && given.opensDaysBefore != null) {
    checks.add({
      code: UserErrorCode.INVALID,
      message: msg('input.eitherOr', { first: '"opensAt"', second: '"opensDaysBefore"' }),
      field: at('opensDaysBefore'),
    });
  }
  if (given.opensAt !== undefined) policy.opensAt = given.opensAt;
  if (given.opensAt) policy.opensDaysBefore = null;
  if (given.opensDaysBefore != null) {
    policy.opensDaysBefore = given.opensDaysBefore;
    policy.opensAt = null;
  }
  for (const key of [
    'closesDaysBefore',
    'closesAtTime',
    'closesOnWorkingDays',
    'cancellationNoticeDays',
    'billsUnjustifiedAbsence',
    'allowsWalkIns',
  ] as const) {
    if (given[key] != null) (policy as unknown as Record<string, unknown>)[key] = given[key];
  }
}

function checkService(checks: Checks, input: ServiceFields): void {
  checks.range(input.defaultCapacity, ['defaultCapacity'], 0, MAX_CAPACITY);
  checks.range(input.waitlistOfferHours, ['waitlistOfferHours'], 1, 336);
}

const serviceSnapshot = (s: Service) => ({
  name: s.name,
  kind: s.kind,
  unit: s.unit,
  defaultCapacity: s.defaultCapacity,
  bookingPolicy: { ...s.bookingPolicy, opensAt: s.bookingPolicy.opensAt?.toISOString() ?? null },
  waitlistOrdering: s.waitlistOrdering ?? null,
  waitlistPromotion: s.waitlistPromotion ?? null,
  waitlistOfferHours: s.waitlistOfferHours ?? null,
});

/**
 * Creates a service at a facility, with the audience and calendars of its kind (a canteen follows
 * school days) and its booking policy. Tenant admins; audited.
 */
export const createService = idempotentMutation(
  'createService',
  async (
    ctx: TenantContext,
    input: ServiceFields & {
      facilityId: string;
      kind: ServiceKind;
      name: string;
      unit: BillingUnit;
      defaultCapacity: number;
    },
  ): Promise<Outcome<{ serviceId: string }>> => {
    const checks = new Checks();
    const name = checks.text(input.name, ['name']);
    checkService(checks, input);
    const policy = new BookingPolicy();
    applyPolicy(checks, policy, input.bookingPolicy);
    const facility = await ctx.em.findOne(Facility, { id: input.facilityId, archivedAt: null });
    if (!facility) return notFound('Facility', 'facilityId');
    if (!checks.ok) return { value: null, userErrors: checks.errors };
    const service = ctx.em.create(Service, {
      tenantId: ctx.tenant.id,
      facility: facility.id,
      kind: input.kind,
      name,
      unit: input.unit,
      defaultCapacity: input.defaultCapacity,
      bookingPolicy: policy,
      ...defaultAudience(input.kind),
      ...defaultClosures(input.kind),
      waitlistOrdering: input.waitlistOrdering ?? null,
      waitlistPromotion: input.waitlistPromotion ?? null,
      waitlistOfferHours: input.waitlistOfferHours ?? null,
    });
    audit(ctx, {
      action: 'SERVICE_CREATED',
      subjectId: service.id,
      details: { before: null, after: { facilityId: facility.id, ...serviceSnapshot(service) } },
    });
    await ctx.em.flush();
    return done({ serviceId: service.id });
  },
);

/** Changes a service's name, default capacity, booking policy or waitlist settings. Tenant admins; audited. */
export const updateService = idempotentMutation(
  'updateService',
  async (
    ctx: TenantContext,
    input: ServiceFields & { serviceId: string },
  ): Promise<Outcome<{ serviceId: string }>> => {
    const service = await ctx.em.findOne(Service, { id: input.serviceId, archivedAt: null });
    if (!service) return notFound('Service', 'serviceId');
    const before = serviceSnapshot(service);
    const checks = new Checks();
    const name = input.name != null ? checks.text(input.name, ['name']) : service.name;
    checkService(checks, input);
    const policy = Object.assign(new BookingPolicy(), service.bookingPolicy);
    applyPolicy(checks, policy, input.bookingPolicy);
    if (!checks.ok) return { value: null, userErrors: checks.errors };
    service.name = name;
    service.bookingPolicy = policy;
    if (input.defaultCapacity != null) service.defaultCapacity = input.defaultCapacity;
    if (input.waitlistOrdering) service.waitlistOrdering = input.waitlistOrdering;
    if (input.waitlistPromotion) service.waitlistPromotion = input.waitlistPromotion;
    if (input.waitlistOfferHours != null) service.waitlistOfferHours = input.waitlistOfferHours;
    audit(ctx, {
      action: 'SERVICE_UPDATED',
      subjectId: service.id,
      details: { before, after: serviceSnapshot(service) },
    });
    await ctx.em.flush();
    return done({ serviceId: service.id });
  },
);

/** Archives a service: out of the catalogue, its unbooked future sessions removed; refused while one is booked. */
export const archiveService = idempotentMutation(
  'archiveService',
  async (
    ctx: TenantContext,
    input: { serviceId: string },
  ): Promise<Outcome<{ serviceId: string; sessionsRemoved: number }>> => {
    const service = await ctx.em.findOne(Service, { id: input.serviceId, archivedAt: null });
    if (!service) return notFound('Service', 'serviceId');
    const check = await clearFutureSessions(ctx, [service.id], true);
    if (check.booked)
      return refuse(UserErrorCode.NOT_ALLOWED, msg('admin.archiveBookedSessions', { count: check.booked }), [
        'serviceId',
      ]);
    const { removed } = await clearFutureSessions(ctx, [service.id], false);
    service.archivedAt = ctx.now();
    audit(ctx, {
      action: 'SERVICE_ARCHIVED',
      subjectId: service.id,
      details: {
        before: { archivedAt: null },
        after: { archivedAt: service.archivedAt.toISOString() },
        sessionsRemoved: removed,
      },
    });
    await ctx.em.flush();
    return done({ serviceId: service.id, sessionsRemoved: removed });
  },
);
