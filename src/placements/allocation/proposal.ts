import { blockingPairs, deferredAcceptance, type Applicant, type Slot } from './deferred-acceptance';

/** One row of `placement_candidates`: an application waiting at one facility, in one age group. */
export interface Candidate {
  applicationId: string;
  facilityId: string;
  ageGroup: string;
  /** The family's order (1: most wanted). */
  preference: number;
  /** The facility's order in that age group (1: first). */
  rank: number;
}

/** A facility age group's free places for the round. */
export interface GroupFree {
  facilityId: string;
  ageGroup: string;
  free: number;
}

export interface ProposedPlace {
  applicationId: string;
  facilityId: string;
  ageGroup: string;
  preference: number;
  rank: number;
}

export interface Proposal {
  places: ProposedPlace[];
  /** Applications that took part (had at least one facility of the round). */
  applications: number;
  freePlaces: number;
  /** Checked on the result: no blocking pair, no group over its free places. */
  stable: boolean;
}

export const slotKey = (facilityId: string, ageGroup: string) => `${facilityId}:${ageGroup}`;

/**
 * The round's proposal: deferred acceptance over the candidates of its facilities, each group
 * holding up to its free places, minus the pairs the facilities refused (`excluded`, as
 * `applicationId:facilityId`). Stability is checked on the result, not assumed.
 */
export function propose(
  candidates: Candidate[],
  groups: GroupFree[],
  excluded: Set<string> = new Set(),
): Proposal {
  const kept = candidates.filter((c) => !excluded.has(`${c.applicationId}:${c.facilityId}`));
  const slots = new Map<string, Slot>();
  for (const g of groups) {
    slots.set(slotKey(g.facilityId, g.ageGroup), {
      key: slotKey(g.facilityId, g.ageGroup),
      capacity: g.free,
      rank: new Map(),
    });
  }
  const lists = new Map<string, Candidate[]>();
  for (const c of kept) {
    const slot = slots.get(slotKey(c.facilityId, c.ageGroup));
    if (!slot) continue;
    slot.rank.set(c.applicationId, c.rank);
    const list = lists.get(c.applicationId) ?? [];
    list.push(c);
    lists.set(c.applicationId, list);
  }
  const applicants: Applicant[] = [];
  const byPair = new Map<string, Candidate>();
  for (const [id, list] of lists) {
    list.sort((a, b) => a.preference - b.preference);
    applicants.push({ id, preferences: list.map((c) => slotKey(c.facilityId, c.ageGroup)) });
    for (const c of list) byPair.set(`${id}|${slotKey(c.facilityId, c.ageGroup)}`, c);
  }
  const slotList = [...slots.values()];
  const matching = deferredAcceptance(applicants, slotList);
  let stable: boolean;
  try {
    stable = blockingPairs(applicants, slotList, matching).length === 0;
  } catch {
    stable = false;
  }
  const places: ProposedPlace[] = [];
  for (const [id, key] of matching.assigned) {
    const c = byPair.get(`${id}|${key}`)!;
    places.push({
      applicationId: id,
      facilityId: c.facilityId,
      ageGroup: c.ageGroup,
      preference: c.preference,
      rank: c.rank,
    });
  }
  return {
    places,
    applications: applicants.length,
    freePlaces: slotList.reduce((sum, s) => sum + s.capacity, 0),
    stable,
  };
}
