import fc from 'fast-check';
import {
  blockingPairs,
  deferredAcceptance,
  type Applicant,
  type Slot,
} from '../src/placements/allocation/deferred-acceptance';

/**
 * The allocation rule on its own (src/placements/allocation): hand-checked cases, then properties
 * on random instances — stable, no slot over its places, best stable result for every applicant
 * (against every stable matching found by brute force on small instances), and no applicant gains
 * by reordering its list.
 */
const slot = (key: string, capacity: number, ranked: string[]): Slot => ({
  key,
  capacity,
  rank: new Map(ranked.map((id, i) => [id, i + 1])),
});
const own = (m: { assigned: Map<string, string> }) => Object.fromEntries(m.assigned);

describe('deferred acceptance, by hand', () => {
  it('gives each family its first choice when places allow', () => {
    const applicants: Applicant[] = [
      { id: 'a', preferences: ['X', 'Y'] },
      { id: 'b', preferences: ['Y', 'X'] },
    ];
    const slots = [slot('X', 1, ['b', 'a']), slot('Y', 1, ['a', 'b'])];
    // Both facilities prefer the other family, but the families' choices decide: a→X, b→Y.
    expect(own(deferredAcceptance(applicants, slots))).toEqual({ a: 'X', b: 'Y' });
  });

  it('a better-ranked later proposer displaces the held one, who moves on to its next choice', () => {
    const applicants: Applicant[] = [
      { id: 'a', preferences: ['X', 'Y'] },
      { id: 'b', preferences: ['X'] },
      { id: 'c', preferences: ['Y'] },
    ];
    const slots = [slot('X', 1, ['b', 'a']), slot('Y', 1, ['a', 'c'])];
    const matching = deferredAcceptance(applicants, slots);
    expect(own(matching)).toEqual({ b: 'X', a: 'Y' });
    expect(matching.held.get('Y')).toEqual(['a']);
    expect(blockingPairs(applicants, slots, matching)).toEqual([]);
  });

  it('never places a child where the facility does not rank it (wrong age group) nor past capacity', () => {
    const applicants: Applicant[] = [
      { id: 'a', preferences: ['X'] },
      { id: 'b', preferences: ['X'] },
      { id: 'c', preferences: ['X', 'Z'] },
    ];
    const slots = [slot('X', 2, ['c', 'a']), slot('Z', 0, ['c'])];
    const matching = deferredAcceptance(applicants, slots);
    expect(own(matching)).toEqual({ c: 'X', a: 'X' });
    expect(matching.held.get('X')).toEqual(['c', 'a']);
  });

  it('is applicant-optimal where two stable matchings exist', () => {
    // Stable: {a→X, b→Y} (families' favourites) and {a→Y, b→X} (facilities' favourites).
    const applicants: Applicant[] = [
      { id: 'a', preferences: ['X', 'Y'] },
      { id: 'b', preferences: ['Y', 'X'] },
    ];
    const slots = [slot('X', 1, ['b', 'a']), slot('Y', 1, ['a', 'b'])];
    const matching = deferredAcceptance(applicants, slots);
    expect(own(matching)).toEqual({ a: 'X', b: 'Y' });
    const other = {
      assigned: new Map([
        ['a', 'Y'],
        ['b', 'X'],
      ]),
      held: new Map([
        ['X', ['b']],
        ['Y', ['a']],
      ]),
    };
    expect(blockingPairs(applicants, slots, other)).toEqual([]);
  });

  it('finds the blocking pair of an unstable matching', () => {
    const applicants: Applicant[] = [{ id: 'a', preferences: ['X'] }];
    const slots = [slot('X', 1, ['a'])];
    const empty = { assigned: new Map<string, string>(), held: new Map<string, string[]>() };
    expect(blockingPairs(applicants, slots, empty)).toEqual([{ applicantId: 'a', slotKey: 'X' }]);
  });
});

/** A random instance: up to `n` applicants over up to `k` slots, rankings by random scores. */
const instance = (n: number, k: number) =>
  fc
    .record({
      nApplicants: fc.integer({ min: 1, max: n }),
      nSlots: fc.integer({ min: 1, max: k }),
      seed: fc.array(fc.nat(1000), { minLength: n * k * 3, maxLength: n * k * 3 }),
    })
    .map(({ nApplicants, nSlots, seed }) => {
      let i = 0;
      const rnd = () => seed[i++ % seed.length];
      const keys = Array.from({ length: nSlots }, (_, s) => `S${s}`);
      const applicants: Applicant[] = Array.from({ length: nApplicants }, (_, a) => ({
        id: `A${a}`,
        preferences: keys
          .map((key) => ({ key, r: rnd() }))
          .filter((x) => x.r % 4 !== 0)
          .sort((x, y) => x.r - y.r)
          .map((x) => x.key),
      }));
      const slots: Slot[] = keys.map((key) => {
        const ranked = applicants
          .filter((a) => a.preferences.includes(key) && rnd() % 7 !== 0)
          .map((a) => ({ id: a.id, r: rnd() }))
          .sort((x, y) => x.r - y.r || x.id.localeCompare(y.id));
        return { key, capacity: rnd() % 3, rank: new Map(ranked.map((x, j) => [x.id, j + 1])) };
      });
      return { applicants, slots };
    });

/** Every matching of a small instance (each applicant: nothing or one of its slots), stable ones kept. */
function stableMatchings(applicants: Applicant[], slots: Slot[]) {
  const found: Map<string, string>[] = [];
  const walk = (i: number, assigned: Map<string, string>) => {
    if (i === applicants.length) {
      const held = new Map<string, string[]>();
      for (const [id, key] of assigned) held.set(key, [...(held.get(key) ?? []), id]);
      try {
        if (blockingPairs(applicants, slots, { assigned, held }).length === 0) found.push(new Map(assigned));
      } catch {
        // over capacity or unranked: not a matching
      }
      return;
    }
    walk(i + 1, assigned);
    for (const key of applicants[i].preferences) {
      assigned.set(applicants[i].id, key);
      walk(i + 1, assigned);
      assigned.delete(applicants[i].id);
    }
  };
  walk(0, new Map());
  return found;
}

const position = (a: Applicant, key: string | undefined) =>
  key === undefined ? a.preferences.length : a.preferences.indexOf(key);

describe('deferred acceptance, on random instances (fast-check)', () => {
  it('is stable and respects every slot’s places', () => {
    fc.assert(
      fc.property(instance(30, 8), ({ applicants, slots }) => {
        const matching = deferredAcceptance(applicants, slots);
        expect(blockingPairs(applicants, slots, matching)).toEqual([]);
        for (const s of slots)
          expect((matching.held.get(s.key) ?? []).length).toBeLessThanOrEqual(s.capacity);
      }),
      { numRuns: 300 },
    );
  });

  it('gives every applicant its best place over all stable matchings', () => {
    fc.assert(
      fc.property(instance(5, 3), ({ applicants, slots }) => {
        const mine = deferredAcceptance(applicants, slots).assigned;
        for (const other of stableMatchings(applicants, slots)) {
          for (const a of applicants) {
            expect(position(a, mine.get(a.id))).toBeLessThanOrEqual(position(a, other.get(a.id)));
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('lets no applicant gain by reordering or shortening its list', () => {
    fc.assert(
      fc.property(instance(6, 4), fc.nat(), fc.nat(), ({ applicants, slots }, who, how) => {
        const liar = applicants[who % applicants.length];
        const truthful = position(liar, deferredAcceptance(applicants, slots).assigned.get(liar.id));
        const lie = [...liar.preferences]
          .map((key, i) => ({ key, r: (how * (i + 7)) % 13 }))
          .sort((x, y) => x.r - y.r)
          .slice(0, 1 + (how % Math.max(1, liar.preferences.length)))
          .map((x) => x.key);
        const lied = applicants.map((a) => (a === liar ? { ...a, preferences: lie } : a));
        const got = deferredAcceptance(lied, slots).assigned.get(liar.id);
        expect(position(liar, got)).toBeGreaterThanOrEqual(truthful);
      }),
      { numRuns: 300 },
    );
  });
});
