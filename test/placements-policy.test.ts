import { startTestApp, type TestApp } from './support/app';
import { placementWorld, type PlacementWorld } from './support/placements';
import { seedTestTenant } from './support/tenants';

/**
 * The admission policy is readable (docs/placements.md): families and agents read the tenant's
 * rules, its criteria with their points and each facility's own values, and each facility's age
 * groups with their places — what a commission publishes.
 */
describe('the published admission policy', () => {
  const SLUG = 'test-placements-policy';
  let app: TestApp;
  let w: PlacementWorld;

  beforeAll(async () => {
    await seedTestTenant('quebec', { slug: SLUG }, new Date(), 1);
    app = await startTestApp();
    w = await placementWorld(app, SLUG, 2);
  }, 120_000);
  afterAll(async () => {
    await app.close();
  });

  const POLICY = `{ admissionPolicy { applicationsOpen maxPreferences offerDays urgentDeadlineDays declineWithdraws
    criteria { code label points facilities { label points facility { id } } }
    facilities { endsOn facility { id } ageGroups { ageGroup minMonths maxMonths capacity placesTaken } } } }`;

  it('families and agents read the criteria with their points, per-facility values and age groups', async () => {
    // The second CPE values siblings more; the rules change: 3 facilities at most, 10 days to answer.
    const set = await w.gql(
      'mutation($i: SetAdmissionCriterionInput!) { setAdmissionCriterion(input: $i) { userErrors { code } } }',
      { i: { code: 'SIBLING', label: 'Frère ou sœur au CPE', points: 40, facilityId: w.cpes[1].id } },
    );
    expect(set.setAdmissionCriterion.userErrors).toEqual([]);
    await w.gql(
      'mutation($i: SetAdmissionCriterionInput!) { setAdmissionCriterion(input: $i) { userErrors { code } } }',
      { i: { code: 'DISABILITY', label: 'Enfant ayant des besoins particuliers', points: 50 } },
    );
    await w.gql(
      'mutation($i: SetPlacementPolicyInput!) { setPlacementPolicy(input: $i) { userErrors { code } } }',
      { i: { maxPreferences: 3, offerDays: 10 } },
    );
    const family = w.families[0].id;
    const read = await w.gql(POLICY, {}, await w.parent(family));
    const policy = read.admissionPolicy;
    expect(policy).toMatchObject({
      applicationsOpen: true,
      maxPreferences: 3,
      offerDays: 10,
      urgentDeadlineDays: 30,
      declineWithdraws: false,
    });
    // The criteria, highest first; staff children count at the first CPE only.
    expect(policy.criteria.map((c: any) => [c.code, c.points])).toEqual([
      ['DISABILITY', 50],
      ['SIBLING', 30],
      ['STAFF_CHILD', null],
    ]);
    expect(policy.criteria.find((c: any) => c.code === 'SIBLING').facilities).toEqual([
      { label: 'Frère ou sœur au CPE', points: 40, facility: { id: w.cpes[1].id } },
    ]);
    expect(policy.criteria.find((c: any) => c.code === 'STAFF_CHILD').facilities).toEqual([
      { label: 'Enfant du personnel', points: 50, facility: { id: w.cpes[0].id } },
    ]);
    const first = policy.facilities.find((f: any) => f.facility.id === w.cpes[0].id);
    expect(first).toEqual({
      endsOn: null,
      facility: { id: w.cpes[0].id },
      ageGroups: [
        { ageGroup: 'INFANT', minMonths: 0, maxMonths: 18, capacity: 2, placesTaken: 0 },
        { ageGroup: 'TODDLER', minMonths: 18, maxMonths: 36, capacity: 2, placesTaken: 0 },
        { ageGroup: 'PRESCHOOL', minMonths: 36, maxMonths: 84, capacity: 2, placesTaken: 0 },
      ],
    });
    // Agents read the same.
    expect((await w.gql(POLICY, {}, w.agent)).admissionPolicy).toEqual(policy);
    // Nobody signed out.
    const anonymous = await app.gql(POLICY, {}, {});
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
