import { ref } from '@mikro-orm/core';
import type { TenantContext } from '../auth/context';
import { can, isStaff, Role, Scope } from '../auth/viewer';
import { audit } from '../audit/audit.service';
import { effectiveOperatingMode } from '../facilities/facilities.service';
import { Service } from '../facilities/service.entity';
import { idempotentMutation } from '../idempotency/idempotency.service';
import { modeRefusal } from '../reservations/booking-rules';
import { billableReason, ChargeBook } from '../reservations/pricing';
import { ReservationChannel, ReservationStatus } from '../reservations/reservation.entity';
import { visibleReservation } from '../reservations/cancel.service';
import { Session } from '../sessions/session.entity';
import { done, refuse, UserErrorCode, type Outcome } from '../shared/user-errors';
import { OperatingMode } from '../tenants/tenant.entity';
import { AbsenceReason } from '../reservations/absence-reason.entity';
import { msg } from '../shared/i18n';
import { forbidden } from '../auth/requirement';

const JUSTIFIABLE = new Set([
  ReservationStatus.BOOKED,
  ReservationStatus.LATE_CANCELLED,
  ReservationStatus.ABSENT_UNJUSTIFIED,
  ReservationStatus.ABSENT_JUSTIFIED,
]);

/**
 * Justifies an absence (justificatif) — staff and `attendance:write` keys, and parents for their
 * own children where the tenant lets them (`parentsMayJustifyAbsences`): the reservation becomes
 * ABSENT_JUSTIFIED and is billed only if the tenant bills that reason. Works before the day (a
 * planned absence) and after it. A late cancellation is excused only by a reason the tenant marks
 * `excusesLateCancellation`; a reason that requires a document always needs one.
 */
export const justifyAbsence = idempotentMutation(
  'justifyAbsence',
  async (
    ctx: TenantContext,
    input: { reservationId: string; reason: string; documentRef?: string | null },
  ): Promise<Outcome<{ reservationId: string }>> => {
    const tenant = ctx.tenant;
    if (ctx.viewer.familyId && !isStaff(ctx.viewer) && !tenant.config.parentsMayJustifyAbsences) {
      throw forbidden('access.absenceAtCounter', {
        roles: [Role.AGENT, Role.TENANT_ADMIN],
        scopes: [Scope.ATTENDANCE_WRITE],
      });
    }
    const documentRef = input.documentRef?.trim() || null;
    const reservation = await visibleReservation(ctx, input.reservationId);
    if (!reservation)
      return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Reservation' }), ['reservationId']);
    const reason = await ctx.em.findOne(AbsenceReason, { code: input.reason, active: true });
    if (!reason)
      return refuse(UserErrorCode.NOT_FOUND, msg('absence.unknownReason', { reason: input.reason }), [
        'reason',
      ]);
    if (reason.requiresDocument && !documentRef) {
      return refuse(UserErrorCode.INVALID, msg('absence.documentRequired', { label: reason.label }), [
        'documentRef',
      ]);
    }
    const session = await ctx.em.findOneOrFail(Session, { id: reservation.session.id });
    const service = await ctx.em.findOneOrFail(Service, { id: session.service.id });
    // School staff (agents, attendance keys) justify in every mode but READ_ONLY; families as they book.
    const mode = effectiveOperatingMode(service, tenant);
    const refusal =
      can(ctx.viewer, Scope.ATTENDANCE_WRITE) && mode !== OperatingMode.READ_ONLY
        ? null
        : modeRefusal(mode, ctx.viewer);
    if (refusal) return { value: null, userErrors: [{ ...refusal, field: ['reservationId'] }] };
    if (!JUSTIFIABLE.has(reservation.status)) {
      return refuse(UserErrorCode.INVALID, msg('absence.nothingToJustify', { status: reservation.status }), [
        'reservationId',
      ]);
    }
    if (reservation.status === ReservationStatus.LATE_CANCELLED && !reason.excusesLateCancellation) {
      return refuse(UserErrorCode.INVALID, msg('absence.doesNotExcuseLate', { label: reason.label }), [
        'reason',
      ]);
    }
    const charges = await ChargeBook.load(ctx, session, [reservation]);
    if (charges.isLocked(reservation)) {
      return refuse(UserErrorCode.OUTCOME_LOCKED, msg('absence.locked'), ['reservationId']);
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
    return done({ reservationId: reservation.id });
  },
);

/** The tenant's absence reasons, active first. */
export function listAbsenceReasons(ctx: TenantContext): Promise<AbsenceReason[]> {
  return ctx.em.find(AbsenceReason, {}, { orderBy: { active: 'desc', code: 'asc' } });
}

export interface AbsenceReasonInput {
  code: string;
  label: string;
  billable: boolean;
  requiresDocument: boolean;
  excusesLateCancellation: boolean;
  active: boolean;
}

/** Creates or updates a reason by its code (tenant admins, declared on the mutation). Audited. */
export async function setAbsenceReason(
  ctx: TenantContext,
  input: AbsenceReasonInput,
): Promise<Outcome<{ absenceReasonId: string }>> {
  if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(input.code)) {
    return refuse(UserErrorCode.INVALID, msg('absence.codeFormat', { max: 64 }), ['code']);
  }
  const label = input.label.trim();
  if (!label) return refuse(UserErrorCode.INVALID, msg('absence.labelLength', { max: 255 }), ['label']);
  const settings = {
    label,
    billable: input.billable,
    requiresDocument: input.requiresDocument,
    excusesLateCancellation: input.excusesLateCancellation,
    active: input.active,
  };
  let reason = await ctx.em.findOne(AbsenceReason, { code: input.code });
  const before = reason
    ? {
        billable: reason.billable,
        requiresDocument: reason.requiresDocument,
        excusesLateCancellation: reason.excusesLateCancellation,
        active: reason.active,
      }
    : null;
  reason ??= ctx.em.create(AbsenceReason, { tenantId: ctx.tenant.id, code: input.code, ...settings });
  Object.assign(reason, settings);
  audit(ctx, {
    action: 'ABSENCE_REASON_SET',
    subjectId: reason.id,
    details: { code: input.code, before, after: { ...settings, label: undefined } },
  });
  await ctx.em.flush();
  return done({ absenceReasonId: reason.id });
}
