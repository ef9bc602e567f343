import type { Client } from 'pg';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { APPLY, application, familiesIn, placementWorld, START } from './support/placements';
import { seedTestTenant } from './support/tenants';

/**
 * A placement is billed monthly through the existing billing run: one PLACEMENT_MONTH charge per
 * placement and month, priced from the CPE's grid (Québec's reduced contribution per day) for the
 * days it runs, invoiced with the family's other charges; running the month again adds nothing.
 */
describe('placements in the monthly billing run', () => {
  const SLUG = 'test-placements-billing';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;

  beforeAll(async () => {
    tenantId = await seedTestTenant('quebec', { slug: SLUG }, new Date(), 1);
    owner = await rawClient('owner');
    app = await startTestApp();
  }, 120_000);
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('charges each running placement once per month, for its days, and invoices it', async () => {
    const w = await placementWorld(app, SLUG, 1);
    const family = familiesIn(w, 'TODDLER')[0];
    const applied = await w.gql(
      APPLY,
      application(family.children[0].id, [w.cpes[0].id], 'bill-apply'),
      await w.parent(family.id),
    );
    const applicationId = applied.applyForPlacement.placementApplication.id;
    const offered = await w.gql(
      'mutation($i: OfferPlaceInput!) { offerPlace(input: $i) { placementOffer { id } userErrors { code } } }',
      {
        i: { facilityId: w.cpes[0].id, ageGroup: 'TODDLER', startDate: START, idempotencyKey: 'bill-offer' },
      },
      w.agent,
    );
    const accepted = await w.gql(
      'mutation($i: PlacementOfferInput!) { acceptPlacementOffer(input: $i) { placement { id startDate } userErrors { code } } }',
      { i: { offerId: offered.offerPlace.placementOffer.id, idempotencyKey: 'bill-accept' } },
      await w.parent(family.id),
    );
    expect(accepted.acceptPlacementOffer.placement.startDate).toBe(START);
    expect(applicationId).toBeTruthy();
    // September 2027 ends; the month-end run bills it (the app's clock is set after it).
    app.setNow('2027-10-02T12:00:00Z');
    const admin = await token(SLUG, Role.TENANT_ADMIN);
    const RUN =
      'mutation($i: RunBillingInput!) { runBilling(input: $i) { billingRun { invoicesCreated } userErrors { code } } }';
    const first = await app.gql(
      RUN,
      { i: { period: '2027-09', idempotencyKey: 'bill-run-1' } },
      { token: admin },
    );
    expect(first.errors).toBeUndefined();
    const { rows } = await owner.query(
      `select c.reason, c.quantity, c.unit_price, c.amount, c.date::text, c.invoice_id is not null as invoiced
       from charges c where c.tenant_id = $1 and c.placement_id is not null`,
      [tenantId],
    );
    // 22 weekdays in September 2027, five days a week, at the CPE's 9.35 $ a day.
    expect(rows).toEqual([
      {
        reason: 'PLACEMENT_MONTH',
        quantity: 22,
        unit_price: 935,
        amount: 22 * 935,
        date: START,
        invoiced: true,
      },
    ]);
    const again = await app.gql(
      RUN,
      { i: { period: '2027-09', idempotencyKey: 'bill-run-2' } },
      { token: admin },
    );
    expect(again.errors).toBeUndefined();
    const count = await owner.query(
      `select count(*)::int as n from charges where tenant_id = $1 and placement_id is not null`,
      [tenantId],
    );
    expect(count.rows[0].n).toBe(1);
    app.setNow(null);
  });

  it('declining withdraws the application where the tenant says so, and offers last its offer days', async () => {
    const w = await placementWorld(app, SLUG, 1);
    const POLICY = `mutation($i: SetPlacementPolicyInput!) { setPlacementPolicy(input: $i) {
      placementPolicy { offerDays declineWithdraws maxPreferences } userErrors { code field } } }`;
    const bad = await w.gql(POLICY, { i: { offerDays: 0 } });
    expect(bad.setPlacementPolicy.userErrors).toEqual([{ code: 'INVALID', field: ['offerDays'] }]);
    const set = await w.gql(POLICY, { i: { offerDays: 3, declineWithdraws: true } });
    expect(set.setPlacementPolicy.placementPolicy).toEqual({
      offerDays: 3,
      declineWithdraws: true,
      maxPreferences: 5,
    });
    const forbidden = await app.gql(POLICY, { i: { offerDays: 4 } }, { token: w.agent });
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const family = familiesIn(w, 'PRESCHOOL')[0];
    const parent = await w.parent(family.id);
    const applied = await w.gql(
      APPLY,
      application(family.children[0].id, [w.cpes[2].id, w.cpes[3].id], 'decline-apply'),
      parent,
    );
    const applicationId = applied.applyForPlacement.placementApplication.id;
    const before = Date.now();
    const offered = await w.gql(
      'mutation($i: OfferPlaceInput!) { offerPlace(input: $i) { placementOffer { id expiresAt } userErrors { code } } }',
      {
        i: {
          facilityId: w.cpes[2].id,
          ageGroup: 'PRESCHOOL',
          startDate: START,
          idempotencyKey: 'decline-offer',
        },
      },
      w.agent,
    );
    const offer = offered.offerPlace.placementOffer;
    expect(Date.parse(offer.expiresAt) - before).toBeGreaterThan(3 * 86_400_000 - 60_000);
    expect(Date.parse(offer.expiresAt) - before).toBeLessThan(3 * 86_400_000 + 60_000);
    const declined = await w.gql(
      'mutation($i: PlacementOfferInput!) { declinePlacementOffer(input: $i) { placementOffer { status application { status } } userErrors { code } } }',
      { i: { offerId: offer.id, idempotencyKey: 'decline-1' } },
      parent,
    );
    expect(declined.declinePlacementOffer.placementOffer).toEqual({
      status: 'DECLINED',
      application: { status: 'WITHDRAWN' },
    });
    const { rows } = await owner.query(
      `select count(*)::int as n from audit_events where tenant_id = $1 and action = 'PLACEMENT_POLICY_SET'`,
      [tenantId],
    );
    expect(rows[0].n).toBe(1);
    expect(applicationId).toBeTruthy();
  });
});
