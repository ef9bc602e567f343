import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../auth/context';
import { audit } from '../audit/audit.service';
import { emitEvents, gid, type DomainEvent } from '../events/emit';
import { effectiveOperatingMode } from '../facilities/facilities.service';
import { Service } from '../facilities/service.entity';
import { Child } from '../families/child.entity';
import { idempotentMutation } from '../idempotency/idempotency.service';
import { billableReason, ChargeBook } from '../reservations/pricing';
import { Reservation, ReservationChannel, ReservationStatus } from '../reservations/reservation.entity';
import { Session } from '../sessions/session.entity';
import { todayIn } from '../shared/dates';
import {
  done,
  refuse,
  userError,
  UserErrorCode,
  type Outcome,
  type UserErrorData,
} from '../shared/user-errors';
import { OperatingMode } from '../tenants/tenant.entity';
import { day, msg } from '../shared/i18n';
import { billedLock, hasUnlock } from './day-lock.service';

/** A roll call names at most this many children (beyond any facility's physical capacity). */
export const MAX_ROLL_CALL = 1000;

/** What a roll call touched: the session and the reservations whose outcome it recorded. */
export interface RollTaken {
  sessionId: string;
  reservationIds: string[];
}

/**
 * The roll call (appel) of one session (staff, `attendance:write` keys such as a school's
 * tablet). Booked and present → ATTENDED; booked and absent → ABSENT_UNJUSTIFIED (a justified
 * absence stays justified); present without a reservation → a WALK_IN reservation when the service
 * runs in WALK_IN mode or allows walk-ins, refused otherwise. Walk-ins go beyond the booked
 * capacity only up to the facility's physical capacity. Each outcome sets the reservation's one
 * charge. Taking the roll again corrects it, until a billing run covers the day (DAY_BILLED); after
 * an agent's unlock, an invoiced outcome is corrected by a reversing charge and a new one. Children come in every
 * mode but READ_ONLY, so the roll is taken in NORMAL, WALK_IN and COUNTER_ONLY alike.
 */
export const recordAttendance = idempotentMutation(
  'recordAttendance',
  async (ctx: TenantContext, input: { sessionId: string; present: string[]; absent: string[] }) =>
    takeRoll(ctx, input),
);

async function takeRoll(
  ctx: TenantContext,
  input: { sessionId: string; present: string[]; absent: string[] },
): Promise<Outcome<RollTaken>> {
  const tenant = ctx.tenant;
  if (input.present.length + input.absent.length > MAX_ROLL_CALL) {
    return refuse(UserErrorCode.INVALID, msg('rollCall.tooMany', { max: MAX_ROLL_CALL }), ['present']);
  }
  // Lock the session: two roll calls of one session (or a late booking) wait for each other.
  const [locked] = await ctx.em.execute<{ id: string }[]>(
    `select id from sessions where tenant_id = ? and id = ? for update`,
    [tenant.id, input.sessionId],
    'all',
    ctx.em.getLoggerContext(),
  );
  if (!locked) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Session' }), ['sessionId']);
  const session = await ctx.em.findOneOrFail(Session, { id: input.sessionId }, { refresh: true });
  const service = await ctx.em.findOneOrFail(Service, { id: session.service.id });
  const mode = effectiveOperatingMode(service, tenant);
  if (mode === OperatingMode.READ_ONLY) {
    return refuse(UserErrorCode.NOT_ALLOWED_IN_MODE, msg('rollCall.readOnly'), ['sessionId'], {
      reason: 'OPERATING_MODE',
      mode,
    });
  }
  if (session.date > todayIn(tenant.timeZone, ctx.now())) {
    return refuse(
      UserErrorCode.NOT_OPEN,
      msg('rollCall.notYet', { date: day(session.date) }),
      ['sessionId'],
      {
        date: session.date,
      },
    );
  }

  // A billed day changes only after an agent's explicit unlock (then as reversing charges).
  const billed = await billedLock(ctx, session);
  if (billed) {
    return refuse(
      UserErrorCode.DAY_BILLED,
      msg('rollCall.dayBilled', { date: day(session.date), through: day(billed.through) }),
      ['sessionId'],
      { date: session.date },
    );
  }

  const unlocked = await hasUnlock(ctx, session.id);

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
        userErrors.push(userError(UserErrorCode.INVALID, msg('rollCall.namedTwice'), field));
        continue;
      }
      seen.add(childId);
      named.push({ childId, present, field });
    }
  }
  const childIds = named.map((n) => n.childId);
  const children = childIds.length ? await ctx.em.find(Child, { id: { $in: childIds } }) : [];
  const live = childIds.length
    ? await ctx.em.find(Reservation, {
        session: session.id,
        child: { $in: childIds },
        status: { $ne: ReservationStatus.CANCELLED },
      })
    : [];
  const childById = new Map(children.map((c) => [c.id, c]));
  const reservationByChild = new Map(live.map((r) => [r.child.id, r]));
  const walkInsAllowed = mode === OperatingMode.WALK_IN || service.bookingPolicy.allowsWalkIns;
  const candidates = named.filter(
    (n) => n.present && childById.has(n.childId) && !reservationByChild.has(n.childId),
  );
  // A child booked elsewhere at overlapping hours cannot walk in here (PostgreSQL would refuse it).
  const elsewhere = walkInsAllowed
    ? await bookedElsewhere(
        ctx,
        session,
        candidates.map((n) => n.childId),
      )
    : new Map();
  const walkIns = candidates.filter((n) => !elsewhere.has(n.childId));
  const charges = await ChargeBook.load(
    ctx,
    session,
    live,
    walkInsAllowed ? walkIns.map((n) => childById.get(n.childId)!.family.id) : [],
  );
  const granted = walkInsAllowed && walkIns.length ? await admitWalkIns(ctx, session, walkIns.length) : 0;
  const now = ctx.now();
  const touched: string[] = [];
  // What vendors hear of this roll call: children now ATTENDED who were not, and walk-ins.
  const events: DomainEvent[] = [];
  const event = (type: DomainEvent['type'], reservation: Reservation): void => {
    const reservationId = gid('Reservation', reservation.id);
    events.push({
      type,
      aggregateId: reservationId,
      data: {
        reservationId,
        sessionId: gid('Session', session.id),
        childId: gid('Child', reservation.child.id),
        familyId: gid('Family', reservation.family.id),
        date: session.date,
      },
    });
  };
  let admitted = 0;

  for (const { childId, present, field } of named) {
    const child = childById.get(childId);
    if (!child) {
      userErrors.push(userError(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Child' }), field));
      continue;
    }
    let reservation = reservationByChild.get(childId);
    if (!reservation) {
      if (!present) {
        userErrors.push(userError(UserErrorCode.NOT_FOUND, msg('rollCall.noReservation'), field));
        continue;
      }
      if (!walkInsAllowed) {
        userErrors.push(
          userError(UserErrorCode.NOT_ALLOWED_IN_MODE, msg('rollCall.noWalkIns'), field, { mode }),
        );
        continue;
      }
      const overlapping = elsewhere.get(childId);
      if (overlapping) {
        userErrors.push(
          userError(UserErrorCode.OVERLAP, msg('rollCall.bookedElsewhere'), field, {
            reason: 'OVERLAP',
            related: { type: 'Session', id: overlapping },
          }),
        );
        continue;
      }
      if (admitted >= granted) {
        userErrors.push(userError(UserErrorCode.FULL, msg('rollCall.capacityReached'), field));
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
      event('walkIn.recorded', reservation);
      continue;
    }
    const outcome = nextOutcome(reservation.status, present);
    if (outcome !== reservation.status) {
      // Invoiced but unlocked (no billing run covers the day since the agent's unlock): corrected.
      const correcting = charges.isLocked(reservation) && unlocked;
      if (charges.isLocked(reservation) && !correcting) {
        userErrors.push(
          userError(
            UserErrorCode.OUTCOME_LOCKED,
            msg('rollCall.locked', { status: reservation.status }),
            field,
          ),
        );
        continue;
      }
      reservation.status = outcome;
      if (outcome === ReservationStatus.ATTENDED) event('reservation.attended', reservation);
      if (outcome !== ReservationStatus.ABSENT_JUSTIFIED) {
        reservation.absenceReason = null;
        reservation.absenceDocumentRef = null;
      }
      if (correcting) charges.correct(reservation, billableReason(reservation, service));
      else charges.settle(reservation, billableReason(reservation, service));
    }
    reservation.attendanceRecordedAt = now;
    touched.push(reservation.id);
  }
  await emitEvents(ctx, events);
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
  return done({ sessionId: session.id, reservationIds: touched }, userErrors);
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
async function admitWalkIns(ctx: TenantContext, session: Session, wanted: number): Promise<number> {
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
    [wanted, ctx.tenant.id, session.id, ctx.tenant.id],
    'all',
    ctx.em.getLoggerContext(),
  );
  return row?.granted ?? 0;
}

/** The children (of `childIds`) holding a live reservation at hours overlapping the session's: child → that session. */
async function bookedElsewhere(
  ctx: TenantContext,
  session: Session,
  childIds: string[],
): Promise<Map<string, string>> {
  if (childIds.length === 0) return new Map();
  const rows = await ctx.em.execute<{ child_id: string; session_id: string }[]>(
    `select distinct on (o.child_id) o.child_id, o.session_id
     from reservations o join sessions s on s.tenant_id = o.tenant_id and s.id = ?
     where o.tenant_id = ? and o.status <> 'CANCELLED' and o.session_id <> s.id
       and o.child_id = any(array(select value::uuid from json_array_elements_text(?::json)))
       and o.slot && guichet_session_slot(s.date, s.period)
     order by o.child_id, o.session_id`,
    [session.id, ctx.tenant.id, JSON.stringify(childIds)],
    'all',
    ctx.em.getLoggerContext(),
  );
  return new Map(rows.map((r) => [r.child_id, r.session_id]));
}
