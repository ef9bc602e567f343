import type { Client } from 'pg';
import { Role, token, type TestApp } from './app';

/** What a placements suite works with: tokens, the Québec copy's CPEs and its families' children. */
export interface PlacementWorld {
  admin: string;
  agent: string;
  cpes: { id: string; name: string }[];
  families: { id: string; children: { id: string; birthDate: string }[] }[];
  parent(familyId: string): Promise<string>;
  gql(query: string, variables?: Record<string, unknown>, as?: string): Promise<any>;
}

export const START = '2027-09-01';

/**
 * Sets up a Québec copy for placements through the API, as its admin would: three age groups on
 * each CPE (INFANT 0–18 months, TODDLER 18–36, PRESCHOOL 36–84) with `capacity` places each, and
 * two criteria: SIBLING (+30, the tenant's) and STAFF_CHILD (+50, at the first CPE only).
 */
export async function placementWorld(app: TestApp, slug: string, capacity = 2): Promise<PlacementWorld> {
  const admin = await token(slug, Role.TENANT_ADMIN);
  const agent = await token(slug, Role.AGENT);
  const gql = async (query: string, variables: Record<string, unknown> = {}, as = admin) => {
    const res = await app.gql(query, variables, { token: as });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const facilities = await gql('{ facilities(first: 50, kind: CHILDCARE_CENTRE) { nodes { id name } } }');
  const cpes = facilities.facilities.nodes as { id: string; name: string }[];
  for (const cpe of cpes) {
    for (const [ageGroup, minMonths, maxMonths] of [
      ['INFANT', 0, 18],
      ['TODDLER', 18, 36],
      ['PRESCHOOL', 36, 84],
    ]) {
      const res = await gql(
        'mutation($i: SetFacilityAgeGroupInput!) { setFacilityAgeGroup(input: $i) { userErrors { code } } }',
        { i: { facilityId: cpe.id, ageGroup, minMonths, maxMonths, capacity } },
      );
      expect(res.setFacilityAgeGroup.userErrors).toEqual([]);
    }
  }
  const criterion =
    'mutation($i: SetAdmissionCriterionInput!) { setAdmissionCriterion(input: $i) { code userErrors { code } } }';
  await gql(criterion, { i: { code: 'SIBLING', label: 'Frère ou sœur fréquentant le CPE', points: 30 } });
  await gql(criterion, {
    i: { code: 'STAFF_CHILD', label: 'Enfant du personnel', points: 50, facilityId: cpes[0].id },
  });
  const fams = await gql('{ families(first: 100) { nodes { id children { id birthDate } } } }', {}, agent);
  return {
    admin,
    agent,
    cpes,
    families: (fams.families.nodes as PlacementWorld['families']).filter((f) => f.children.length > 0),
    parent: (familyId) => token(slug, Role.PARENT, familyId),
    gql,
  };
}

export const APPLY = `mutation($i: ApplyForPlacementInput!) { applyForPlacement(input: $i) {
  placementApplication { id status registeredAt channel standings { rank ahead queueLength points urgent ageGroup
    facility { id name } criteria { code label points } } }
  userErrors { code field reason message } } }`;

/** An application's input, for the first child of a family. */
export const application = (
  childId: string,
  facilityIds: string[],
  key: string,
  extra: Record<string, unknown> = {},
) => ({
  i: {
    childId,
    desiredStartDate: START,
    daysPerWeek: 5,
    fullTime: true,
    facilityIds,
    criteria: [],
    idempotencyKey: key,
    ...extra,
  },
});

/** The age group a child falls in on START, by the groups placementWorld sets. */
export function groupAtStart(birthDate: string): string {
  const [y, m, d] = birthDate.split('-').map(Number);
  const [sy, sm, sd] = START.split('-').map(Number);
  const months = (sy - y) * 12 + (sm - m) - (sd < d ? 1 : 0);
  return months < 18 ? 'INFANT' : months < 36 ? 'TODDLER' : 'PRESCHOOL';
}

/** Families whose first child is in `group` on START (suites pick their actors from them). */
export function familiesIn(world: PlacementWorld, group: string): PlacementWorld['families'] {
  return world.families.filter((f) => groupAtStart(f.children[0].birthDate) === group);
}

/** Counts rows of a table for the tenant (the owner's connection sees every tenant). */
export async function count(owner: Client, table: string, tenantId: string, where = 'true'): Promise<number> {
  const { rows } = await owner.query(
    `select count(*)::int as n from ${table} where tenant_id = $1 and ${where}`,
    [tenantId],
  );
  return rows[0].n;
}
