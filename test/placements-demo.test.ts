import type { Client } from 'pg';
import { DEMO_ACTIVITY } from '../seeds/DatabaseSeeder';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * The Québec demo's childcare places (seeds/placements.ts), as `npm start` seeds them: applications
 * across its CPEs with their criteria, the children already placed counted in each age group, and
 * the temporary centre's urgent places in the report.
 */
describe('the Québec demo’s childcare places', () => {
  const SLUG = 'test-placements-demo';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;

  beforeAll(async () => {
    tenantId = await seedTestTenant('quebec', { slug: SLUG }, new Date(), 1, DEMO_ACTIVITY);
    owner = await rawClient('owner');
    app = await startTestApp();
  }, 120_000);
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('seeds applications over the CPEs, placements within capacity, and urgent places in a temporary centre', async () => {
    const { rows } = await owner.query(
      `select (select count(*)::int from placement_applications where tenant_id = $1) as applications,
              (select count(distinct facility_id)::int from placement_preferences where tenant_id = $1) as facilities,
              (select count(*)::int from application_criteria where tenant_id = $1 and status = 'VERIFIED') as verified,
              (select count(*)::int from facility_age_groups g where tenant_id = $1 and places_taken <> (
                 select count(*) from placements p where p.tenant_id = g.tenant_id and p.facility_id = g.facility_id
                   and p.age_group = g.age_group and p.status = 'ACTIVE')) as miscounted`,
      [tenantId],
    );
    expect(rows[0].applications).toBeGreaterThan(20);
    expect(rows[0].facilities).toBe(8);
    expect(rows[0].verified).toBeGreaterThan(0);
    expect(rows[0].miscounted).toBe(0);
    const agent = await token(SLUG, Role.AGENT);
    const today = new Date().toISOString().slice(0, 10);
    const res = await app.gql(
      `query($d: LocalDate!) { urgentPlacements(from: $d, to: $d) { urgentReason facility { name temporaryUntil } } }`,
      { d: today },
      { token: agent },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.urgentPlacements.length).toBeGreaterThanOrEqual(1);
    expect(res.data.urgentPlacements[0].facility).toMatchObject({ name: 'Centre temporaire de Limoilou' });
    const queue = await app.gql(
      `{ facilities(first: 1, kind: CHILDCARE_CENTRE) { nodes { id placementAgeGroups { ageGroup capacity placesTaken } } } }`,
      {},
      { token: agent },
    );
    expect(queue.data.facilities.nodes[0].placementAgeGroups).toHaveLength(3);
  });
});
