import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import type { ReminderLevel } from '../../tenants/tenant.entity';
import { tenantToChange } from '../../tenants/tenants.service';

export const MAX_LEVELS = 5;
const MAX_FEE = 100_000;

/**
 * Sets the tenant's reminder levels and hand-over delay (tenant admins; audited). Levels come in
 * order, each later than the one before; the hand-over comes after the last level.
 */
export async function setReminderPolicy(
  ctx: TenantContext,
  input: { levels: ReminderLevel[]; handOverDays: number },
): Promise<Outcome<true>> {
  const levels = input.levels.map((l) => ({ days: l.days, fee: l.fee }));
  const ordered = levels.every(
    (l, i) =>
      Number.isInteger(l.days) &&
      l.days >= 1 &&
      l.days <= 365 &&
      Number.isInteger(l.fee) &&
      l.fee >= 0 &&
      l.fee <= MAX_FEE &&
      (i === 0 || l.days > levels[i - 1].days),
  );
  if (levels.length < 1 || levels.length > MAX_LEVELS || !ordered) {
    return refuse(UserErrorCode.INVALID, msg('reminders.levels', { max: MAX_LEVELS }), ['levels']);
  }
  const min = levels[levels.length - 1].days + 1;
  if (!Number.isInteger(input.handOverDays) || input.handOverDays < min || input.handOverDays > 730) {
    return refuse(UserErrorCode.INVALID, msg('reminders.handOverDays', { min }), ['handOverDays']);
  }
  Object.assign((await tenantToChange(ctx)).config, {
    reminderLevels: levels,
    handOverDays: input.handOverDays,
  });
  audit(ctx, { action: 'REMINDER_POLICY_SET', details: { levels, handOverDays: input.handOverDays } });
  await ctx.em.flush();
  return done(true);
}

/**
 * When the next step of a debt is due. A level is sent `days` after the due date, and never less
 * than the gap between its days and the previous level's after that one was sent: after an outage
 * (the job did not run for weeks) a debt climbs one level per batch, each letter leaving the family
 * the time the tenant meant to give, never straight to the last level or to the treasury.
 */
export function stepDue(
  dueDate: string,
  steps: number[],
  done: { level: number; sentOn: string | null },
  today: string,
  addDays: (date: string, days: number) => string,
): boolean {
  const next = done.level; // index of the next step in `steps`
  if (next >= steps.length) return false;
  if (today < addDays(dueDate, steps[next])) return false;
  if (next === 0 || !done.sentOn) return true;
  return today >= addDays(done.sentOn, steps[next] - steps[next - 1]);
}
