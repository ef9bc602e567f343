/**
 * Child-proposing deferred acceptance (Gale and Shapley, 1962), the allocation rule of
 * docs/placements.md. Pure: no database, no clock, so the rule can be read, tested and benchmarked
 * on its own.
 *
 * Each applicant proposes to the slots it chose (a facility and age group), in its own order; each
 * slot holds, up to its free places, the best-ranked applicants who proposed so far and rejects the
 * rest; a rejected applicant proposes to its next choice. It ends when nobody rejected has a choice
 * left. The result is stable (no applicant and slot would both rather have each other than what
 * they got) and the best stable result for every applicant; and no applicant gains by misreporting
 * its order (Dubins–Freedman, Roth).
 */

export interface Applicant {
  id: string;
  /** Slot keys, most wanted first; slots that do not rank the applicant are skipped. */
  preferences: string[];
}

export interface Slot {
  key: string;
  /** Free places to fill (0 or more). */
  capacity: number;
  /** The slot's ranking: applicant id → rank (1 is best). An applicant it does not rank, it never takes. */
  rank: Map<string, number>;
}

export interface Matching {
  /** Applicant id → the slot key it got (absent: none). */
  assigned: Map<string, string>;
  /** Slot key → the applicants it holds, best first. */
  held: Map<string, string[]>;
}

/** A max-heap of ranks: the worst held applicant on top, so a better one can replace it. */
class WorstFirst {
  private items: { id: string; rank: number }[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): { id: string; rank: number } | undefined {
    return this.items[0];
  }
  push(item: { id: string; rank: number }): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent].rank >= a[i].rank) break;
      [a[parent], a[i]] = [a[i], a[parent]];
      i = parent;
    }
  }
  pop(): { id: string; rank: number } | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let worst = i;
        if (l < a.length && a[l].rank > a[worst].rank) worst = l;
        if (r < a.length && a[r].rank > a[worst].rank) worst = r;
        if (worst === i) break;
        [a[worst], a[i]] = [a[i], a[worst]];
        i = worst;
      }
    }
    return top;
  }
  ids(): { id: string; rank: number }[] {
    return [...this.items].sort((x, y) => x.rank - y.rank);
  }
}

/** The applicant-optimal stable matching of `applicants` to `slots`. */
export function deferredAcceptance(applicants: Applicant[], slots: Slot[]): Matching {
  const slotByKey = new Map(slots.map((s) => [s.key, s]));
  const holding = new Map(slots.map((s) => [s.key, new WorstFirst()]));
  const next = new Map<string, number>(applicants.map((a) => [a.id, 0]));
  const byId = new Map(applicants.map((a) => [a.id, a]));
  const free: string[] = applicants.map((a) => a.id).reverse();
  while (free.length > 0) {
    const id = free.pop()!;
    const applicant = byId.get(id)!;
    let placed = false;
    for (let i = next.get(id)!; i < applicant.preferences.length && !placed; i++) {
      next.set(id, i + 1);
      const slot = slotByKey.get(applicant.preferences[i]);
      const rank = slot?.rank.get(id);
      if (!slot || rank === undefined || slot.capacity <= 0) continue;
      const heap = holding.get(slot.key)!;
      if (heap.size < slot.capacity) {
        heap.push({ id, rank });
        placed = true;
      } else if (heap.peek()!.rank > rank) {
        const rejected = heap.pop()!;
        heap.push({ id, rank });
        free.push(rejected.id);
        placed = true;
      }
    }
  }
  const assigned = new Map<string, string>();
  const held = new Map<string, string[]>();
  for (const [key, heap] of holding) {
    const ids = heap.ids().map((h) => h.id);
    held.set(key, ids);
    for (const id of ids) assigned.set(id, key);
  }
  return { assigned, held };
}

/** A pair that would both rather have each other than what the matching gave them. */
export interface BlockingPair {
  applicantId: string;
  slotKey: string;
}

/**
 * The blocking pairs of a matching (none: it is stable). An applicant blocks with a slot it
 * prefers to its own when that slot ranks it and has a free place left, or holds someone it ranks
 * below it. Also checks that no slot holds more than its places nor an applicant it does not rank.
 */
export function blockingPairs(applicants: Applicant[], slots: Slot[], matching: Matching): BlockingPair[] {
  const slotByKey = new Map(slots.map((s) => [s.key, s]));
  const worstHeld = new Map<string, number>();
  for (const slot of slots) {
    const held = matching.held.get(slot.key) ?? [];
    if (held.length > slot.capacity) throw new Error(`slot ${slot.key} holds more than its places`);
    let worst = -Infinity;
    for (const id of held) {
      const rank = slot.rank.get(id);
      if (rank === undefined) throw new Error(`slot ${slot.key} holds ${id}, whom it does not rank`);
      worst = Math.max(worst, rank);
    }
    worstHeld.set(slot.key, held.length < slot.capacity ? Infinity : worst);
  }
  const pairs: BlockingPair[] = [];
  for (const applicant of applicants) {
    const own = matching.assigned.get(applicant.id);
    for (const key of applicant.preferences) {
      if (key === own) break;
      const slot = slotByKey.get(key);
      const rank = slot?.rank.get(applicant.id);
      if (!slot || rank === undefined || slot.capacity <= 0) continue;
      if (rank < worstHeld.get(key)!) pairs.push({ applicantId: applicant.id, slotKey: key });
    }
  }
  return pairs;
}
