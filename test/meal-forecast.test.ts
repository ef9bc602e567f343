import fc from 'fast-check';
import {
  FORECAST_LOOKBACK_DAYS,
  FORECAST_SESSIONS,
  forecastBasis,
  forecastMeals,
  meanRoundedUp,
  type RollCallDay,
} from '../src/attendance/meal-forecast';
import { daysIn, mealCountsQuery } from '../src/attendance/meal-counts.service';
import { expectedMealCountRows } from '../src/attendance/meal-counts.types';
import { demoNationalCode, isNationalCode, uaiCheckLetter } from '../src/facilities/national-code';
import { Diet } from '../src/families/child.entity';
import { addDays } from '../src/shared/dates';

/** The forecast rule of WALK_IN canteens and the caterer's grid arguments, without a database. */
describe('meal forecast', () => {
  const counts = fc.array(fc.nat({ max: 400 }), { minLength: 1, maxLength: 12 });

  it('is the mean rounded up: between the smallest and the largest day, within one meal of the mean', () => {
    fc.assert(
      fc.property(counts, (history) => {
        const forecast = meanRoundedUp(history);
        const mean = history.reduce((a, b) => a + b, 0) / history.length;
        expect(forecast).toBeGreaterThanOrEqual(Math.min(...history));
        expect(forecast).toBeLessThanOrEqual(Math.max(...history));
        expect(forecast).toBeGreaterThanOrEqual(mean);
        expect(forecast - mean).toBeLessThan(1);
      }),
    );
  });

  it('is exact for a constant history and 0 without history', () => {
    fc.assert(
      fc.property(fc.nat({ max: 400 }), fc.integer({ min: 1, max: 8 }), (n, k) => {
        expect(meanRoundedUp(Array(k).fill(n))).toBe(n);
      }),
    );
    expect(meanRoundedUp([])).toBe(0);
    expect(forecastMeals('2026-12-10', Diet.STANDARD, [])).toEqual({ count: 0, basis: 0 });
    expect(forecastMeals('2026-12-10', Diet.STANDARD, [], 7)).toEqual({ count: 7, basis: 0 });
  });

  // A school's roll-call days: any dates in the 30 weeks before the forecast date (or after it).
  const target = '2026-12-10';
  const day = fc.record({
    offset: fc.integer({ min: -210, max: 14 }),
    standard: fc.nat({ max: 200 }),
    vegetarian: fc.option(fc.nat({ max: 30 }), { nil: undefined }),
  });
  const historyOf = (days: { offset: number; standard: number; vegetarian?: number }[]): RollCallDay[] => {
    const byDate = new Map<string, RollCallDay>();
    for (const d of days) {
      const date = addDays(target, d.offset);
      byDate.set(date, {
        date,
        present: {
          STANDARD: d.standard,
          ...(d.vegetarian === undefined ? {} : { VEGETARIAN: d.vegetarian }),
        },
      });
    }
    return [...byDate.values()];
  };

  it('rests on the last four earlier days of the same weekday within sixteen weeks, nothing else', () => {
    fc.assert(
      fc.property(fc.array(day, { maxLength: 40 }), fc.nat({ max: 20 }), (days, booked) => {
        const history = historyOf(days);
        const eligible = history
          .filter((d) => d.date < target && d.date >= addDays(target, -FORECAST_LOOKBACK_DAYS))
          .filter((d) => (Date.parse(target) - Date.parse(d.date)) % (7 * 86_400_000) === 0)
          .sort((a, b) => b.date.localeCompare(a.date))
          .slice(0, FORECAST_SESSIONS);
        expect(forecastBasis(target, history).map((d) => d.date)).toEqual(eligible.map((d) => d.date));

        const standard = forecastMeals(target, Diet.STANDARD, history, booked);
        expect(standard.basis).toBe(eligible.length);
        const used = eligible.map((d) => d.present.STANDARD ?? 0);
        expect(standard.count).toBe(Math.max(booked, meanRoundedUp(used)));
        expect(standard.count).toBeGreaterThanOrEqual(booked);
        if (used.length) expect(standard.count).toBeLessThanOrEqual(Math.max(booked, ...used));
        // A day where nobody of a diet came counts as 0 for it.
        const vegetarian = forecastMeals(target, Diet.VEGETARIAN, history);
        expect(vegetarian.count).toBe(meanRoundedUp(eligible.map((d) => d.present.VEGETARIAN ?? 0)));
        // The order the history comes in does not matter.
        expect(forecastMeals(target, Diet.STANDARD, [...history].reverse(), booked)).toEqual(standard);
      }),
    );
  });

  it('forecasts a Thursday from the four Thursdays before it', () => {
    const history: RollCallDay[] = [
      { date: '2026-11-05', present: { STANDARD: 99 } }, // fifth Thursday back: not used
      { date: '2026-11-12', present: { STANDARD: 10, VEGETARIAN: 1 } },
      { date: '2026-11-19', present: { STANDARD: 12 } },
      { date: '2026-11-26', present: { STANDARD: 8, VEGETARIAN: 2 } },
      { date: '2026-12-03', present: { STANDARD: 13, VEGETARIAN: 1 } },
      { date: '2026-12-04', present: { STANDARD: 50 } }, // a Friday
      { date: '2026-12-17', present: { STANDARD: 50 } }, // after the date
    ];
    expect(forecastMeals('2026-12-10', Diet.STANDARD, history)).toEqual({ count: 11, basis: 4 });
    expect(forecastMeals('2026-12-10', Diet.VEGETARIAN, history)).toEqual({ count: 1, basis: 4 });
    expect(forecastMeals('2026-12-10', Diet.ALLERGY_PLAN, history)).toEqual({ count: 0, basis: 4 });
    expect(forecastMeals('2026-12-11', Diet.STANDARD, history)).toEqual({ count: 50, basis: 1 });
    expect(forecastMeals('2026-12-07', Diet.STANDARD, history)).toEqual({ count: 0, basis: 0 });
  });
});

describe("the caterer's grid arguments", () => {
  it('takes a range of at most 31 days, or the deprecated single date', () => {
    expect(mealCountsQuery({ from: '2026-12-01', to: '2026-12-31' })).toEqual({
      from: '2026-12-01',
      to: '2026-12-31',
      facilityIds: null,
    });
    expect(mealCountsQuery({ date: '2026-12-03', facilityId: 'f' })).toEqual({
      from: '2026-12-03',
      to: '2026-12-03',
      facilityIds: ['f'],
    });
    const refused = (args: Parameters<typeof mealCountsQuery>[0]) => {
      try {
        mealCountsQuery(args);
      } catch (error) {
        return (error as { field?: string[] }).field;
      }
      return 'accepted';
    };
    expect(refused({ from: '2026-12-01', to: '2027-01-01' })).toEqual(['to']);
    expect(refused({ from: '2026-12-02', to: '2026-12-01' })).toEqual(['to']);
    expect(refused({ from: '2026-12-01' })).toEqual(['to']);
    expect(refused({})).toEqual(['from']);
    expect(refused({ date: '2026-12-01', from: '2026-12-01', to: '2026-12-01' })).toEqual(['date']);
    expect(refused({ from: '2026-12-01', to: '2026-12-01', facilityId: 'a', facilityIds: ['b'] })).toEqual([
      'facilityId',
    ]);
    expect(daysIn('2026-12-01', '2026-12-31')).toBe(31);
    expect(daysIn('2027-03-28', '2027-03-29')).toBe(2);
  });

  it('costs what it may return: open days × schools × diets', () => {
    expect(expectedMealCountRows({ from: '2026-12-01', to: '2026-12-31' })).toBe(23 * 100 * 4);
    expect(expectedMealCountRows({ from: '2026-12-01', to: '2026-12-07', facilityIds: ['a', 'b'] })).toBe(
      5 * 2 * 4,
    );
    expect(expectedMealCountRows({ date: '2026-12-01' })).toBe(100 * 4);
    expect(expectedMealCountRows({ date: '2026-12-01', facilityId: 'a' })).toBe(4);
    // A range refused later still costs no more than a month.
    expect(expectedMealCountRows({ from: '2026-01-01', to: '2026-12-31' })).toBe(23 * 100 * 4);
  });
});

describe('school national codes (UAI)', () => {
  it('checks the letter of real codes', () => {
    expect(isNationalCode('0750654D')).toBe(true); // lycée Louis-le-Grand
    expect(isNationalCode('0750699C')).toBe(true); // lycée Henri-IV
    expect(isNationalCode('0750654E')).toBe(false);
    expect(isNationalCode('750654D')).toBe(false);
    expect(isNationalCode('0750654d')).toBe(false);
    expect(() => uaiCheckLetter('12')).toThrow(RangeError);
  });

  it('gives demo schools distinct valid codes of their département', () => {
    const codes = Array.from({ length: 200 }, (_, i) => demoNationalCode('030', i));
    expect(new Set(codes).size).toBe(200);
    for (const code of codes) {
      expect(code).toMatch(/^030[0-9]{4}[A-Z]$/);
      expect(isNationalCode(code)).toBe(true);
    }
    expect(demoNationalCode('034', 0)).toBe('0341001D');
  });
});
