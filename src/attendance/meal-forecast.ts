import type { Diet } from '../families/child.entity';

/**
 * The kitchen's forecast where nobody books (a canteen in WALK_IN mode): how many children of a
 * diet will eat at a school on a date, from the roll calls of that school.
 *
 * The rule, in full:
 * 1. the basis is the school's last FORECAST_SESSIONS (4) days **before** the date, on the **same
 *    weekday**, whose roll call was taken, within FORECAST_LOOKBACK_DAYS (16 weeks: the last four
 *    open weeks, across a fortnight's holiday or a summer's; a school year ago is another school);
 * 2. the forecast of a diet is the mean of the children of that diet present on those days
 *    (walk-ins included; a day where none of that diet came counts 0), **rounded up**: a kitchen
 *    would rather cook one meal too many;
 * 3. never fewer than the children of that diet already booked for the date (agents book at the
 *    counter in WALK_IN mode);
 * 4. without any such day the forecast is 0 (or the bookings), with a basis of 0 days: the caller
 *    sees that it rests on nothing.
 */
export const FORECAST_SESSIONS = 4;
export const FORECAST_LOOKBACK_DAYS = 16 * 7;

/** A past day of one school whose roll call was taken: children present, per diet. */
export interface RollCallDay {
  date: string;
  present: Partial<Record<Diet, number>>;
}

export interface Forecast {
  /** Meals to cook. */
  count: number;
  /** How many past days it rests on (0 to FORECAST_SESSIONS). */
  basis: number;
}

/** The mean of whole counts rounded up to a whole meal; 0 for no history. */
export function meanRoundedUp(counts: readonly number[]): number {
  if (counts.length === 0) return 0;
  const sum = counts.reduce((total, n) => total + n, 0);
  // Integer arithmetic: no floating-point rounding on the way to a whole meal.
  return Math.floor((sum + counts.length - 1) / counts.length);
}

/** Days since 1970-01-01 of a calendar date: same weekday ⇔ a multiple of 7 apart. */
const dayNumber = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);

/** The days a forecast for `date` rests on, most recent first (rule 1). */
export function forecastBasis(date: string, history: readonly RollCallDay[]): RollCallDay[] {
  const target = dayNumber(date);
  return history
    .filter((d) => {
      const before = target - dayNumber(d.date);
      return before > 0 && before <= FORECAST_LOOKBACK_DAYS && before % 7 === 0;
    })
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
    .slice(0, FORECAST_SESSIONS);
}

/** The forecast of one diet from the days it rests on (rules 2–4). */
export function forecastFromBasis(basis: readonly RollCallDay[], diet: Diet, booked = 0): Forecast {
  const mean = meanRoundedUp(basis.map((d) => d.present[diet] ?? 0));
  return { count: Math.max(mean, booked), basis: basis.length };
}

/** The forecast of one diet at one school on one date (rules 1–4). */
export function forecastMeals(
  date: string,
  diet: Diet,
  history: readonly RollCallDay[],
  booked = 0,
): Forecast {
  return forecastFromBasis(forecastBasis(date, history), diet, booked);
}
