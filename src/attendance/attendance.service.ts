import { ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { audit } from '../audit/audit.service';
import { can, isStaff, Role, Scope } from '../auth/viewer';
import { effectiveOperatingMode } from '../facilities/facilities.service';
import { Service } from '../facilities/service.entity';
import { Child } from '../families/child.entity';
import { CONFLICT, idempotencyConflict, idempotent } from '../idempotency/idempotency.service';
import { modeRefusal } from '../reservations/booking-rules';
import { billableReason, ChargeBook } from '../reservations/pricing';
import { Reservation, ReservationChannel, ReservationStatus } from '../reservations/reservation.entity';
import { visibleReservation } from '../reservations/reservations.service';
import { Session } from '../sessions/session.entity';
import { todayIn } from '../shared/dates';
import { BadInputError, ForbiddenError } from '../shared/errors';
import { requireTenant, type ServiceContext } from '../shared/service-context';
import { userError, UserErrorCode, type UserErrorData } from '../shared/user-errors';
import { OperatingMode } from '../tenants/tenant.entity';
import { AbsenceReason } from './absence-reason.entity';

/** A roll call names at most this many children (beyond any facility's physical capacity). */
export const MAX_ROLL_CALL = 1000;

function assertCanTakeRoll(ctx: ServiceContext): void {
  if (!can(ctx.viewer, Scope.ATTENDANCE_WRITE)) throw new ForbiddenError('Only agents take the roll call.');
}

export interface AttendanceResult {
  session: Session | null;
  reservations: Reservation[];
  userErrors: UserErrorData[];
}

interface StoredAttendance {
  sessionId: string | null;
  reservationIds: string[];
  userErrors: UserErrorData[];
}

/**
 * The roll call (appel) of one session. Booked and present → ATTENDED; booked and absent →
 * ABSENT_UNJUSTIFIED (a justified absence stays justified); present without a reservation → a
 * WALK_IN reservation when the service runs in WALK_IN mode or allows walk-ins, refused otherwise.
 * Walk-ins go beyond the booked capacity only up to the facility's physical capacity. Each outcome
 * sets the reservation's one charge. Taking the roll again corrects it, until a charge is invoiced.
 */
export async function recordAttendance(
  ctx: ServiceContext,
  input: { sessionId: string; present: string[]; absent: string[]; idempotencyKey: string },
): Promise<AttendanceResult> {
  requireTenant(ctx);
  assertCanTakeRoll(ctx);
  if (input.present.length + input.absent.length > MAX_ROLL_CALL) {
    throw new BadInputError(`A roll call names at most ${MAX_ROLL_CALL} children.`, ['present']);
  }
  const stored = await idempotent<StoredAttendance>(
    ctx,
    'recordAttendance',
    input.idempotencyKey,
    { sessionId: input.sessionId, present: input.present, absent: input.absent },
    () => takeRoll(ctx, input),
  );
  if (stored === CONFLICT) return { session: null, reservations: [], userErrors: [idempotencyConflict()] };
  const session = stored.sessionId
    ? await ctx.em.findOne(Session, { id: stored.sessionId }, { refresh: true })
    : null;
  const reservations = stored.reservationIds.length
    ? await ctx.em.find(Reservation, { id: { $in: stored.reservationIds } }, { refresh: true })
    : [];
  const order = new Map(stored.reservationIds.map((id, i) => [id, i]));
  reservations.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return { session, reservations, userErrors: stored.userErrors };
}

async function takeRoll(
  ctx: ServiceContext,
  input: { sessionId: string; present: string[]; absent: string[] },
): Promise<StoredAttendance> {
  const tenant = requireTenant(ctx);
  const none = (error: UserErrorData): StoredAttendance => ({
    sessionId: null,
    reservationIds: [],
    userErrors: [error],
  });
  // Lock the session: two roll calls of one session (or a late booking) wait for each other.
  const [locked] = await ctx.em.execute<{ id: string }[]>(
    `select id from sessions where tenant_id = ? and id = ? for update`,
    [tenant.id, input.sessionId],
    'all',
    ctx.em.getLoggerContext(),
  );
  if (!locked) return none(userError(UserErrorCode.NOT_FOUND, 'Session not found.', ['sessionId']));
  const session = await ctx.em.findOneOrFail(Session, { id: input.sessionId }, { refresh: true });
  const service = await ctx.em.findOneOrFail(Service, { id: session.service.id });
  const mode = effectiveOperatingMode(service, tenant);
  const refusal = modeRefusal(mode, ctx.viewer);
  if (refusal) return none(userError(refusal.code, refusal.message, ['sessionId']));
  if (session.date > todayIn(tenant.timeZone, ctx.now())) {
    return none(
      userError(UserErrorCode.NOT_OPEN, `The roll call of ${session.date} opens on that day.`, ['sessionId']),
    );
  }

  const userErrors: UserErrorData[] = [];
  // Each child once: named twice (or in both lists) is a mistake the agent must see.
  const seen = new Set<string>();
  const named: { childId: string; present: boolean; field: string[] }[] = [];
  for (const [list, present] of [
    ['present', true],
    ['absent', false],
  ] as const) {
    for (const [index, childId] of input[list].entries()) {
      const field = [list, String(index)];
      if (seen.has(childId)) {
        userErrors.push(
          userError(UserErrorCode.INVALID, 'This child is named twice in the roll call.', field),
        );
        continue;
      }
      seen.add(childId);
      named.push({ childId, present, field });
    }
  }
  const childIds = named.map((n) => n.childId);
  const [children, live] = await Promise.all([
    childIds.length ? ctx.em.find(Child, { id: { $in: childIds } }) : Promise.resolve([]),
    childIds.length
      ? ctx.em.find(Reservation, {
          session: session.id,
          child: { $in: childIds },
          status: { $ne: ReservationStatus.CANCELLED },
        })
      : Promise.resolve([]),
  ]);
  const childById = new Map(children.map((c) => [c.id, c]));
  const reservationByChild = new Map(live.map((r) => [r.child.id, r]));
  const walkInsAllowed = mode === OperatingMode.WALK_IN || service.bookingPolicy.allowsWalkIns;
  const walkIns = named.filter(
    (n) => n.present && childById.has(n.childId) && !reservationByChild.has(n.childId),
  );
  const charges = await ChargeBook.load(
    ctx,
    session,
    live,
    walkInsAllowed ? walkIns.map((n) => childById.get(n.childId)!.family.id) : [],
  );
  const granted = walkInsAllowed && walkIns.length ? await admitWalkIns(ctx, session, walkIns.length) : 0;
  const now = new Date();
  const touched: string[] = [];
  let admitted = 0;

  for (const { childId, present, field } of named) {
    const child = childById.get(childId);
    if (!child) {
      userErrors.push(userError(UserErrorCode.NOT_FOUND, 'Child not found.', field));
      continue;
    }
    let reservation = reservationByChild.get(childId);
    if (!reservation) {
      if (!present) {
        userErrors.push(
          userError(UserErrorCode.NOT_FOUND, 'This child has no reservation for the session.', field),
        );
        continue;
      }
      if (!walkInsAllowed) {
        userErrors.push(
          userError(
            UserErrorCode.NOT_ALLOWED_IN_MODE,
            'This child has no reservation, and the service takes no walk-ins in its current mode.',
            field,
          ),
        );
        continue;
      }
      if (admitted >= granted) {
        userErrors.push(userError(UserErrorCode.FULL, "The facility's physical capacity is reached.", field));
        continue;
      }
      admitted++;
      reservation = ctx.em.create(Reservation, {
        id: randomUUID(),
        tenantId: tenant.id,
        session: session.id,
        child: child.id,
        family: child.family.id,
        status: ReservationStatus.ATTENDED,
        channel: ReservationChannel.WALK_IN,
        createdBy: ctx.viewer.subject ?? 'anonymous',
        createdAt: now,
        updatedAt: now,
        attendanceRecordedAt: now,
      });
      charges.settle(reservation, billableReason(reservation, service));
      touched.push(reservation.id);
      continue;
    }
    const outcome = nextOutcome(reservation.status, present);
    if (outcome !== reservation.status) {
      if (charges.isLocked(reservation)) {
        userErrors.push(
          userError(
            UserErrorCode.OUTCOME_LOCKED,
            `This reservation is invoiced as ${reservation.status}: correct it with a credit note.`,
            field,
          ),
        );
        continue;
      }
      reservation.status = outcome;
      if (outcome !== ReservationStatus.ABSENT_JUSTIFIED) {
        reservation.absenceReason = null;
        reservation.absenceDocumentRef = null;
      }
      charges.settle(reservation, billableReason(reservation, service));
    }
    reservation.attendanceRecordedAt = now;
    touched.push(reservation.id);
  }
  audit(ctx, {
    action: 'ATTENDANCE_RECORDED',
    subjectId: session.id,
    details: {
      date: session.date,
      present: input.present.length,
      absent: input.absent.length,
      walkIns: admitted,
      refused: userErrors.length,
    },
  });
  await ctx.em.flush();
  return { sessionId: session.id, reservationIds: touched, userErrors };
}

/**
 * The outcome a roll call gives a reservation. Present always means ATTENDED (a late-cancelled
 * child who came after all ate the meal); absent keeps a justification or a late cancellation.
 */
function nextOutcome(status: ReservationStatus, present: boolean): ReservationStatus {
  if (present) return ReservationStatus.ATTENDED;
  if (status === ReservationStatus.ABSENT_JUSTIFIED || status === ReservationStatus.LATE_CANCELLED)
    return status;
  return ReservationStatus.ABSENT_UNJUSTIFIED;
}

/**
 * Counts up to `wanted` walk-ins in, within the facility's physical capacity (or the session's
 * capacity when larger): a conditional UPDATE of the locked session row. Returns how many fit.
 */
async function admitWalkIns(ctx: ServiceContext, session: Session, wanted: number): Promise<number> {
  const tenant = requireTenant(ctx);
  const [row] = await ctx.em.execute<{ granted: number }[]>(
    `with room as (
       select s.id, least(?::int, greatest(
         greatest(s.capacity, coalesce(f.capacity, 0)) - s.places_taken - s.walk_ins, 0)) as granted
       from sessions s
       left join facilities f on f.tenant_id = s.tenant_id and f.id = s.facility_id
       where s.tenant_id = ? and s.id = ?
     )
     update sessions s set walk_ins = s.walk_ins + room.granted
     from room where s.tenant_id = ? and s.id = room.id
     returning room.granted`,
    [wanted, tenant.id, session.id, tenant.id],
    'all',
    ctx.em.getLoggerContext(),
  );
  return row?.granted ?? 0;
}

export interface JustifyResult {
  reservation: Reservation | null;
  userErrors: UserErrorData[];
}

/** Who may justify: agents (and attendance keys) always, parents for their own children where allowed. */
function assertCanJustify(ctx: ServiceContext): void {
  const tenant = requireTenant(ctx);
  if (can(ctx.viewer, Scope.ATTENDANCE_WRITE)) return;
  if (ctx.viewer.familyId && tenant.config.parentsMayJustifyAbsences) return;
  throw new ForbiddenError(
    ctx.viewer.familyId
      ? 'This town takes absence justifications at the counter only.'
      : 'This caller may not justify absences.',
  );
}

const JUSTIFIABLE = new Set([
  ReservationStatus.BOOKED,
  ReservationStatus.LATE_CANCELLED,
  ReservationStatus.ABSENT_UNJUSTIFIED,
  ReservationStatus.ABSENT_JUSTIFIED,
]);

/**
 * Justifies an absence (justificatif): the reservation becomes ABSENT_JUSTIFIED and is billed only
 * if the tenant bills that reason. Works before the day (a planned absence) and after it.
 */
export async function justifyAbsence(
  ctx: ServiceContext,
  input: { reservationId: string; reason: string; documentRef?: string | null; idempotencyKey: string },
): Promise<JustifyResult> {
  const tenant = requireTenant(ctx);
  assertCanJustify(ctx);
  const documentRef = input.documentRef?.trim() || null;
  if (documentRef && documentRef.length > 255) {
    throw new BadInputError('"documentRef" is at most 255 characters.', ['documentRef']);
  }
  const stored = await idempotent<{ reservationId: string | null; userErrors: UserErrorData[] }>(
    ctx,
    'justifyAbsence',
    input.idempotencyKey,
    { reservationId: input.reservationId, reason: input.reason, documentRef },
    async () => {
      const refuse = (code: UserErrorCode, message: string, field: string) => ({
        reservationId: null,
        userErrors: [userError(code, message, [field])],
      });
      const reservation = await visibleReservation(ctx, input.reservationId);
      if (!reservation) return refuse(UserErrorCode.NOT_FOUND, 'Reservation not found.', 'reservationId');
      const reason = await ctx.em.findOne(AbsenceReason, { code: input.reason, active: true });
      if (!reason) return refuse(UserErrorCode.NOT_FOUND, `No absence reason "${input.reason}".`, 'reason');
      if (reason.requiresDocument && !documentRef) {
        return refuse(UserErrorCode.INVALID, `"${reason.label}" needs a supporting document.`, 'documentRef');
      }
      const session = await ctx.em.findOneOrFail(Session, { id: reservation.session.id });
      const service = await ctx.em.findOneOrFail(Service, { id: session.service.id });
      const refusal = modeRefusal(effectiveOperatingMode(service, tenant), ctx.viewer);
      if (refusal) return refuse(refusal.code, refusal.message, 'reservationId');
      if (!JUSTIFIABLE.has(reservation.status)) {
        return refuse(
          UserErrorCode.INVALID,
          `This reservation is ${reservation.status}: there is no absence to justify.`,
          'reservationId',
        );
      }
      const charges = await ChargeBook.load(ctx, session, [reservation]);
      if (charges.isLocked(reservation)) {
        return refuse(
          UserErrorCode.OUTCOME_LOCKED,
          'This reservation is invoiced: correct it with a credit note.',
          'reservationId',
        );
      }
      const previous = reservation.status;
      reservation.status = ReservationStatus.ABSENT_JUSTIFIED;
      reservation.absenceReason = ref(reason);
      reservation.absenceDocumentRef = documentRef;
      charges.settle(reservation, billableReason(reservation, service, reason));
      if (isStaff(ctx.viewer) || !ctx.viewer.familyId) {
        audit(ctx, {
          action: 'ABSENCE_JUSTIFIED',
          channel: ReservationChannel.COUNTER,
          familyId: reservation.family.id,
          subjectId: reservation.id,
          details: { reason: reason.code, previous, documentRef },
        });
      }
      await ctx.em.flush();
      return { reservationId: reservation.id, userErrors: [] };
    },
  );
  if (stored === CONFLICT) return { reservation: null, userErrors: [idempotencyConflict()] };
  const reservation = stored.reservationId
    ? await ctx.em.findOne(Reservation, { id: stored.reservationId }, { refresh: true })
    : null;
  return { reservation, userErrors: stored.userErrors };
}

/** The tenant's absence reasons, active first. */
export function listAbsenceReasons(ctx: ServiceContext): Promise<AbsenceReason[]> {
  requireTenant(ctx);
  return ctx.em.find(AbsenceReason, {}, { orderBy: { active: 'desc', code: 'asc' } });
}

/** Creates or updates a reason by its code (tenant admins). Audited. */
export async function setAbsenceReason(
  ctx: ServiceContext,
  input: { code: string; label: string; billable: boolean; requiresDocument: boolean; active: boolean },
): Promise<{ reason: AbsenceReason | null; userErrors: UserErrorData[] }> {
  const tenant = requireTenant(ctx);
  if (!isStaff(ctx.viewer) || !ctx.viewer.roles.includes(Role.TENANT_ADMIN)) {
    throw new ForbiddenError('Only tenant administrators configure absence reasons.');
  }
  if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(input.code)) {
    return {
      reason: null,
      userErrors: [userError(UserErrorCode.INVALID, 'A code is upper case letters, digits and _.', ['code'])],
    };
  }
  const label = input.label.trim();
  if (!label || label.length > 255) {
    return {
      reason: null,
      userErrors: [userError(UserErrorCode.INVALID, 'A label is 1 to 255 characters.', ['label'])],
    };
  }
  let reason = await ctx.em.findOne(AbsenceReason, { code: input.code });
  const before = reason ? { ...reason } : null;
  reason ??= ctx.em.create(AbsenceReason, {
    tenantId: tenant.id,
    code: input.code,
    label,
    billable: input.billable,
    requiresDocument: input.requiresDocument,
    active: input.active,
  });
  Object.assign(reason, {
    label,
    billable: input.billable,
    requiresDocument: input.requiresDocument,
    active: input.active,
  });
  audit(ctx, {
    action: 'ABSENCE_REASON_SET',
    subjectId: reason.id,
    details: {
      code: input.code,
      before: before && {
        billable: before.billable,
        requiresDocument: before.requiresDocument,
        active: before.active,
      },
      after: { billable: input.billable, requiresDocument: input.requiresDocument, active: input.active },
    },
  });
  await ctx.em.flush();
  return { reason, userErrors: [] };
}
