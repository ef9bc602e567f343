import type { TenantContext } from '../auth/context';
import type { ChildFacts } from '../facilities/eligibility';
import { FacilityKind } from '../facilities/facility.entity';
import { Service } from '../facilities/service.entity';
import { executePrepared, type PreparedParam } from '../db/prepared-statements';
import { executeTogether, type SqlStatement } from '../db/sql-prepared';
import { Child } from '../families/child.entity';
import { childFacts } from '../families/families.service';
import { Session } from '../sessions/session.entity';
import { lightMap } from '../shared/light-entities';
import type { BookingFacts } from './booking-status';

/** A child as booking reads it: the child (a light, read-only entity) and its eligibility facts. */
export interface BookingChild {
  child: Child;
  attendee: ChildFacts;
}

/** The tenant's live child `childId` (a merged child's kept one) with its school's kind: see `loadBookingChild`. */
const BOOKING_CHILD = `select c.*, f.kind as school_kind,
       exists (select 1 from child_households h
               join families hf on hf.tenant_id = h.tenant_id and hf.id = h.family_id and hf.archived_at is null
               where h.tenant_id = c.tenant_id and h.child_id = c.id and h.family_id = ?::uuid) as _other_household
     from children c
     join families fa on fa.tenant_id = c.tenant_id and fa.id = c.family_id
     left join facilities f on f.tenant_id = c.tenant_id and f.id = c.school_id
     where c.tenant_id = ? and c.archived_at is null and c.merged_into_id is null and fa.archived_at is null
       and c.id = any(array(select coalesce(m.merged_into_id, m.id) from children m where m.tenant_id = ? and m.id = ?::uuid))`;

function bookingChildStatement(
  ctx: TenantContext,
  childId: string,
  householdId?: string | null,
): SqlStatement {
  // The booking household: a parent's own; for staff, the one named (shared custody at the counter).
  const household = ctx.viewer.familyId ?? householdId ?? null;
  // `= any(array(…))`: an index condition even under row-level security (docs/performance.md).
  return { sql: BOOKING_CHILD, params: [household, ctx.tenant.id, ctx.tenant.id, childId] };
}

function bookingChildFrom(
  ctx: TenantContext,
  row: Record<string, unknown> | undefined,
  household: string | null,
) {
  if (!row) return null;
  if (row._other_household) row.family_id = household;
  const child = lightMap(ctx.em, Child, row);
  return {
    child,
    attendee: {
      birthDate: child.birthDate,
      schoolId: (row.school_id as string | null) ?? null,
      atSchool: row.school_kind === FacilityKind.SCHOOL,
    },
  };
}

/**
 * The tenant's child `childId` (the kept child when `childId` was merged into another: a merge is
 * one hop) with its school's kind, in one statement; null when there is none,
 * or when the child or its household is archived (archived records cannot book). In shared
 * custody a parent books for their own household (staff for the one they name): the child's
 * `family` is then that household (the light entity is never written), so the reservation and
 * its charge carry it.
 */
export async function loadBookingChild(
  ctx: TenantContext,
  childId: string,
  householdId?: string | null,
): Promise<BookingChild | null> {
  const { sql, params } = bookingChildStatement(ctx, childId, householdId);
  const [row] = await executePrepared<Record<string, unknown>>(ctx.em, sql, params as PreparedParam[]);
  return bookingChildFrom(ctx, row, (params[0] as string | null) ?? null);
}

/**
 * `loadBookingChild` and `loadBookingFacts` for the same child in one round trip (the facts read
 * the child's kept id themselves): what a booking reads before deciding. The facts are of no use
 * when the child is null.
 */
export async function loadBookingChildWithFacts(
  ctx: TenantContext,
  childId: string,
  householdId: string | null | undefined,
  sessionIds: string[],
): Promise<{ found: BookingChild | null; facts: Map<string, BookingFacts> }> {
  const childStatement = bookingChildStatement(ctx, childId, householdId);
  const ids = [...new Set(sessionIds)];
  if (ids.length === 0) return { found: await loadBookingChild(ctx, childId, householdId), facts: new Map() };
  const [childRows, sessionRows] = await executeTogether(ctx.em, [
    childStatement,
    bookingFactsStatement(ctx, childId, ids),
  ]);
  const found = bookingChildFrom(ctx, childRows[0], (childStatement.params[0] as string | null) ?? null);
  return { found, facts: found ? factsFrom(ctx, sessionRows as FactsRow[], found.attendee) : new Map() };
}

type FactsRow = Record<string, unknown> & {
  _booked: boolean;
  _overlapping: string | null;
  _service: unknown;
};

/**
 * The sessions `ids` with their services, and for the child (`childId`, or the child it was merged
 * into) its live reservation on each and its live reservation elsewhere at overlapping hours.
 */
const BOOKING_FACTS = `with ch as (select coalesce(m.merged_into_id, m.id) as id from children m where m.tenant_id = ? and m.id = ?::uuid)
     select s.*,
       exists (select 1 from reservations r where r.tenant_id = s.tenant_id and r.session_id = s.id
               and r.child_id = (select id from ch) and r.status <> 'CANCELLED') as _booked,
       (select o.session_id from reservations o where o.tenant_id = s.tenant_id and o.child_id = (select id from ch)
          and o.status <> 'CANCELLED' and o.session_id <> s.id
          and o.slot && guichet_session_slot(s.date, s.period)
        order by o.session_id limit 1) as _overlapping,
       row_to_json(sv) as _service
     from sessions s
     join services sv on sv.tenant_id = s.tenant_id and sv.id = s.service_id
     where s.tenant_id = ? and s.id = any(array(select value::uuid from json_array_elements_text(?::json)))`;

function bookingFactsStatement(ctx: TenantContext, childId: string, ids: string[]): SqlStatement {
  return { sql: BOOKING_FACTS, params: [ctx.tenant.id, childId, ctx.tenant.id, JSON.stringify(ids)] };
}

function factsFrom(
  ctx: TenantContext,
  rows: FactsRow[],
  childFactsOf: ChildFacts,
): Map<string, BookingFacts> {
  const sessions = rows.map((row) => ({ row, session: lightMap(ctx.em, Session, row) }));
  // Each service once, from its first session's row (its columns by name, as a row of its own).
  const serviceById = new Map<string, Service>();
  for (const { row, session } of sessions) {
    if (serviceById.has(session.service.id)) continue;
    const columns = typeof row._service === 'string' ? JSON.parse(row._service) : row._service;
    serviceById.set(session.service.id, lightMap(ctx.em, Service, columns as Record<string, unknown>));
  }
  const now = ctx.now();
  const facts = new Map<string, BookingFacts>();
  for (const { row, session } of sessions) {
    const service = serviceById.get(session.service.id);
    if (!service) continue;
    facts.set(session.id, {
      viewer: ctx.viewer,
      tenant: ctx.tenant,
      service,
      session,
      child: childFactsOf,
      now,
      alreadyBooked: row._booked,
      overlappingSessionId: row._overlapping,
    });
  }
  return facts;
}

/**
 * What deciding one child's booking on each of `sessionIds` needs, in one statement whatever
 * their number: the sessions with their services, the child's live reservation on each and its
 * live reservation elsewhere at overlapping hours (`reservations.slot`, the hours PostgreSQL also
 * holds with an exclusion constraint). Sessions and services are light, read-only entities
 * (nothing to flush). Sessions that do not exist are absent. `attendee`: the child's eligibility
 * facts when the caller has them (`loadBookingChild`), else read here.
 */
export async function loadBookingFacts(
  ctx: TenantContext,
  child: Child,
  sessionIds: string[],
  attendee?: ChildFacts,
): Promise<Map<string, BookingFacts>> {
  const ids = [...new Set(sessionIds)];
  if (ids.length === 0) return new Map();
  const { sql, params } = bookingFactsStatement(ctx, child.id, ids);
  const rows = await executePrepared<FactsRow>(ctx.em, sql, params as PreparedParam[]);
  return factsFrom(ctx, rows, attendee ?? (await childFacts(ctx, child)));
}
