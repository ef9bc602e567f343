import { userError, UserErrorCode, type UserErrorData } from '../../shared/user-errors';

/** One line of a grid as an admin gives it: [minQuotient, maxQuotient) → unitPrice. */
export interface BracketInput {
  minQuotient: number;
  /** Null: no upper bound (the top bracket, also families without a quotient). */
  maxQuotient?: number | null;
  /** Integer minor units. */
  unitPrice: number;
}

export const MAX_BRACKETS = 50;
export const MAX_UNIT_PRICE = 1_000_000;

/**
 * Why a grid cannot price every quotient exactly once, each error naming the offending bracket by
 * its position in the input (`["brackets", "2", "minQuotient"]`): brackets must start at 0, each
 * one where the previous ends (no gap, no overlap), and the last one have no upper bound.
 * Empty when the grid is sound.
 */
export function gridErrors(brackets: readonly BracketInput[]): UserErrorData[] {
  const errors: UserErrorData[] = [];
  const at = (i: number, field: string) => ['brackets', String(i), field];
  const bad = (i: number, field: string, message: string) =>
    errors.push(userError(UserErrorCode.INVALID, message, at(i, field)));
  if (brackets.length === 0 || brackets.length > MAX_BRACKETS) {
    return [userError(UserErrorCode.INVALID, `Give 1 to ${MAX_BRACKETS} brackets.`, ['brackets'])];
  }
  brackets.forEach((b, i) => {
    if (!Number.isInteger(b.minQuotient) || b.minQuotient < 0) {
      bad(i, 'minQuotient', `Bracket ${i + 1}: the lower bound must be a whole number from 0.`);
    }
    if (b.maxQuotient != null && (!Number.isInteger(b.maxQuotient) || b.maxQuotient <= b.minQuotient)) {
      bad(
        i,
        'maxQuotient',
        `Bracket ${i + 1}: the upper bound (${b.maxQuotient}) must be above its lower bound (${b.minQuotient}).`,
      );
    }
    if (!Number.isInteger(b.unitPrice) || b.unitPrice < 0 || b.unitPrice > MAX_UNIT_PRICE) {
      bad(i, 'unitPrice', `Bracket ${i + 1}: the price must be 0 to ${MAX_UNIT_PRICE} minor units.`);
    }
  });
  if (errors.length) return errors;
  const order = brackets
    .map((b, i) => ({ ...b, i }))
    .sort((a, b) => a.minQuotient - b.minQuotient || a.i - b.i);
  if (order[0].minQuotient !== 0) {
    bad(
      order[0].i,
      'minQuotient',
      `Bracket ${order[0].i + 1} starts at ${order[0].minQuotient}: quotients from 0 to ${order[0].minQuotient} have no price.`,
    );
  }
  for (let k = 1; k < order.length; k++) {
    const prev = order[k - 1];
    const next = order[k];
    if (prev.maxQuotient == null) {
      bad(
        prev.i,
        'maxQuotient',
        `Bracket ${prev.i + 1} has no upper bound but bracket ${next.i + 1} starts at ${next.minQuotient}: they overlap.`,
      );
    } else if (prev.maxQuotient < next.minQuotient) {
      bad(
        next.i,
        'minQuotient',
        `Bracket ${next.i + 1} starts at ${next.minQuotient} but bracket ${prev.i + 1} ends at ${prev.maxQuotient}: quotients from ${prev.maxQuotient} to ${next.minQuotient} have no price.`,
      );
    } else if (prev.maxQuotient > next.minQuotient) {
      bad(
        next.i,
        'minQuotient',
        `Bracket ${next.i + 1} starts at ${next.minQuotient}, inside bracket ${prev.i + 1} (${prev.minQuotient} to ${prev.maxQuotient}): they overlap.`,
      );
    }
  }
  const last = order[order.length - 1];
  if (last.maxQuotient != null) {
    bad(
      last.i,
      'maxQuotient',
      `Bracket ${last.i + 1} ends at ${last.maxQuotient}: quotients from ${last.maxQuotient} up have no price (leave the last upper bound empty).`,
    );
  }
  return errors;
}
