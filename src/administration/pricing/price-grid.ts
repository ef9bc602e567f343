import { msg, type Message } from '../../shared/i18n';
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
  const bad = (i: number, field: string, message: Message) =>
    errors.push(userError(UserErrorCode.INVALID, message, at(i, field)));
  if (brackets.length === 0 || brackets.length > MAX_BRACKETS) {
    return [userError(UserErrorCode.INVALID, msg('grid.count', { max: MAX_BRACKETS }), ['brackets'])];
  }
  brackets.forEach((b, i) => {
    if (!Number.isInteger(b.minQuotient) || b.minQuotient < 0) {
      bad(i, 'minQuotient', msg('grid.lowerBound', { n: i + 1 }));
    }
    if (b.maxQuotient != null && (!Number.isInteger(b.maxQuotient) || b.maxQuotient <= b.minQuotient)) {
      bad(
        i,
        'maxQuotient',
        msg('grid.upperBound', { n: i + 1, max: String(b.maxQuotient), min: b.minQuotient }),
      );
    }
    if (!Number.isInteger(b.unitPrice) || b.unitPrice < 0 || b.unitPrice > MAX_UNIT_PRICE) {
      bad(i, 'unitPrice', msg('grid.price', { n: i + 1, max: MAX_UNIT_PRICE }));
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
      msg('grid.startsAboveZero', { n: order[0].i + 1, min: order[0].minQuotient }),
    );
  }
  for (let k = 1; k < order.length; k++) {
    const prev = order[k - 1];
    const next = order[k];
    if (prev.maxQuotient == null) {
      bad(
        prev.i,
        'maxQuotient',
        msg('grid.openOverlap', { n: prev.i + 1, next: next.i + 1, min: next.minQuotient }),
      );
    } else if (prev.maxQuotient < next.minQuotient) {
      bad(
        next.i,
        'minQuotient',
        msg('grid.gap', { n: next.i + 1, min: next.minQuotient, prev: prev.i + 1, end: prev.maxQuotient }),
      );
    } else if (prev.maxQuotient > next.minQuotient) {
      bad(
        next.i,
        'minQuotient',
        msg('grid.overlap', {
          n: next.i + 1,
          min: next.minQuotient,
          prev: prev.i + 1,
          from: prev.minQuotient,
          to: prev.maxQuotient,
        }),
      );
    }
  }
  const last = order[order.length - 1];
  if (last.maxQuotient != null) {
    bad(last.i, 'maxQuotient', msg('grid.openEnd', { n: last.i + 1, end: last.maxQuotient }));
  }
  return errors;
}
