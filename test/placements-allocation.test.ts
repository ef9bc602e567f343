import type { Client } from 'pg';
import { runPlacementOfferExpiry } from '../src/jobs/placement-jobs';
import { fromGlobalId } from '../src/shared/ids';
import { rawClient, startTestApp, type TestApp } from './support/app';
import {
  APPLY,
  application,
  count,
  familiesIn,
  placementWorld,
  START,
  type PlacementWorld,
} from './support/placements';
import { seedTestTenant } from './support/tenants';

/**
 * Allocation through the API (docs/placements.md) on a Québec copy with one place per age group:
 * a round proposes by deferred acceptance, a facility refuses a proposed child (the place moves on),
 * confirmation issues offers that expire on the job queue, an expired offer passes the place to the
 * next, and two acceptances of the last place give exactly one placement.
 */
describe('placement allocation', () => {
  const SLUG = 'test-placements-alloc';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let w: PlacementWorld;
  let toddlers: PlacementWorld['families'];
  const apps: string[] = [];

  const ROUND = `allocationRound { id status stable applications freePlaces
    proposals { id ageGroup preference rank application { id } facility { id } } exclusions { reason } }
    userErrors { code reason }`;

  beforeAll(async () => {
    tenantId = await seedTestTenant('quebec', { slug: SLUG }, new Date(), 1);
    owner = await rawClient('owner');
    app = await startTestApp();
    w = await placementWorld(app, SLUG, 1);
    toddlers = familiesIn(w, 'TODDLER').slice(0, 4);
    // Four toddlers, all wanting CPE 0 first then CPE 1, registered in this order.
    for (const [i, f] of toddlers.entries()) {
      const res = await w.gql(
        APPLY,
        application(f.children[0].id, [w.cpes[0].id, w.cpes[1].id], `alloc-${i}`),
        await w.parent(f.id),
      );
      expect(res.applyForPlacement.userErrors).toEqual([]);
      apps.push(res.applyForPlacement.placementApplication.id);
    }
  }, 120_000);
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('proposes a stable draft by deferred acceptance; a refusal moves the place on; confirming issues offers on the queue', async () => {
    const proposed = await w.gql(
      `mutation($i: ProposeAllocationInput!) { proposeAllocation(input: $i) { ${ROUND} } }`,
      { i: { facilityIds: [w.cpes[0].id, w.cpes[1].id], startDate: START, idempotencyKey: 'round-1' } },
      w.agent,
    );
    const round = proposed.proposeAllocation.allocationRound;
    expect(round).toMatchObject({ status: 'DRAFT', stable: true, applications: 4, freePlaces: 6 });
    // One toddler place at each CPE: the first two registered get their first and second choice.
    const byApp = Object.fromEntries(round.proposals.map((p: any) => [p.application.id, p.facility.id]));
    expect(byApp).toEqual({ [apps[0]]: w.cpes[0].id, [apps[1]]: w.cpes[1].id });
    expect(await count(owner, 'placement_offers', tenantId)).toBe(0);

    // CPE 1 refuses the second child: it moves on (nowhere left), the third gets the place.
    const refused = round.proposals.find((p: any) => p.application.id === apps[1]);
    const adjusted = await w.gql(
      `mutation($i: AdjustAllocationProposalInput!) { adjustAllocationProposal(input: $i) { ${ROUND} } }`,
      {
        i: {
          proposalId: refused.id,
          reason: 'Besoins particuliers hors de notre agrément',
          idempotencyKey: 'adjust-1',
        },
      },
      w.agent,
    );
    const after = adjusted.adjustAllocationProposal.allocationRound;
    expect(Object.fromEntries(after.proposals.map((p: any) => [p.application.id, p.facility.id]))).toEqual({
      [apps[0]]: w.cpes[0].id,
      [apps[2]]: w.cpes[1].id,
    });
    expect(after.exclusions).toEqual([{ reason: 'Besoins particuliers hors de notre agrément' }]);
    expect(await count(owner, 'audit_events', tenantId, `action = 'ALLOCATION_ADJUSTED'`)).toBe(1);

    const confirmed = await w.gql(
      `mutation($i: AllocationRoundInput!) { confirmAllocation(input: $i) { ${ROUND} } }`,
      { i: { roundId: round.id, idempotencyKey: 'confirm-1' } },
      w.agent,
    );
    expect(confirmed.confirmAllocation.allocationRound.status).toBe('CONFIRMED');
    const { rows } = await owner.query(
      `select o.id, o.application_id, j.run_at = o.expires_at as on_time from placement_offers o
       join graphile_worker._private_jobs j on j.key = 'placement-offer:' || o.id where o.tenant_id = $1`,
      [tenantId],
    );
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.on_time)).toBe(true);
    expect(await count(owner, 'placement_applications', tenantId, `status = 'OFFERED'`)).toBe(2);
    // Each family offered a place hears of it, and so do the webhooks, in the confirmation's transaction.
    expect(await count(owner, 'notifications', tenantId, `kind = 'PLACEMENT_OFFER_MADE'`)).toBe(2);
    expect(await count(owner, 'webhook_events', tenantId, `type = 'placement.offered'`)).toBe(2);
    // Confirming twice is refused (the round is no longer a draft).
    const again = await w.gql(
      `mutation($i: AllocationRoundInput!) { confirmAllocation(input: $i) { ${ROUND} } }`,
      { i: { roundId: round.id, idempotencyKey: 'confirm-2' } },
      w.agent,
    );
    expect(again.confirmAllocation.userErrors).toMatchObject([{ code: 'INVALID' }]);
  });

  const offerOf = async (applicationId: string) =>
    (
      await w.gql(
        'query($id: ID!) { node(id: $id) { ... on PlacementApplication { status offers { id status expiresAt } } } }',
        { id: applicationId },
        w.agent,
      )
    ).node;

  it('an accepted offer becomes a placement holding a place; an expired one passes the place to the next', async () => {
    const first = await offerOf(apps[0]);
    const accepted = await w.gql(
      'mutation($i: PlacementOfferInput!) { acceptPlacementOffer(input: $i) { placement { id startDate ageGroup } placementOffer { status } userErrors { code } } }',
      { i: { offerId: first.offers[0].id, idempotencyKey: 'accept-0' } },
      await w.parent(toddlers[0].id),
    );
    expect(accepted.acceptPlacementOffer).toMatchObject({
      placement: { startDate: START, ageGroup: 'TODDLER' },
      placementOffer: { status: 'ACCEPTED' },
      userErrors: [],
    });
    const { rows } = await owner.query(
      `select places_taken from facility_age_groups where tenant_id = $1 and facility_id = (select facility_id from placements where tenant_id = $1)
         and age_group = 'TODDLER'`,
      [tenantId],
    );
    expect(rows[0].places_taken).toBe(1);

    // The third family does not answer: the job expires the offer at its deadline, not before.
    const third = await offerOf(apps[2]);
    const offerId = await owner.query(
      `select id from placement_offers where tenant_id = $1 and application_id = $2`,
      [tenantId, fromGlobalId(apps[2])!.id],
    );
    const payload = { tenantId, offerId: offerId.rows[0].id };
    const deadline = Date.parse(third.offers[0].expiresAt);
    expect(await runPlacementOfferExpiry(app.orm.em, payload, new Date(deadline - 1000))).toBe(false);
    expect(await runPlacementOfferExpiry(app.orm.em, payload, new Date(deadline))).toBe(true);
    expect(await runPlacementOfferExpiry(app.orm.em, payload, new Date(deadline))).toBe(false);
    expect((await offerOf(apps[2])).status).toBe('EXPIRED');
    // The freed place at CPE 1 goes to the next in its queue: the refused one was refused in the
    // round only, so the second family, first-ranked, is offered it.
    const queue = await w.gql(
      'query($f: ID!) { placementQueue(facilityId: $f, ageGroup: TODDLER) { freePlaces length entries { rank registeredAt urgentDaysLeft criteria { code } application { id } } } }',
      { f: w.cpes[1].id },
      w.agent,
    );
    expect(queue.placementQueue.freePlaces).toBe(1);
    expect(queue.placementQueue.entries.map((e: any) => e.application.id)).toEqual([apps[1], apps[3]]);
    const OFFER =
      'mutation($i: OfferPlaceInput!) { offerPlace(input: $i) { placementOffer { id } userErrors { code field } } }';
    const skipping = {
      facilityId: w.cpes[1].id,
      ageGroup: 'TODDLER',
      startDate: START,
      applicationId: apps[3],
    };
    const noReason = await w.gql(OFFER, { i: { ...skipping, idempotencyKey: 'skip-no-reason' } }, w.agent);
    expect(noReason.offerPlace.userErrors).toEqual([{ code: 'INVALID', field: ['reason'] }]);
    expect(await count(owner, 'placement_offers', tenantId, `status = 'OFFERED'`)).toBe(0);
    const single = await w.gql(
      'mutation($i: OfferPlaceInput!) { offerPlace(input: $i) { placementOffer { id application { id } } userErrors { code } } }',
      { i: { facilityId: w.cpes[1].id, ageGroup: 'TODDLER', startDate: START, idempotencyKey: 'single-1' } },
      w.agent,
    );
    expect(single.offerPlace.placementOffer.application.id).toBe(apps[1]);
  });

  it('two acceptances of the last place give exactly one placement', async () => {
    // A second toddler place at CPE 1 for the fourth family (out of order, with a reason), then the
    // facility loses a place: two open offers, one place left.
    const cpe1 = fromGlobalId(w.cpes[1].id)!.id;
    const group = `tenant_id = '${tenantId}' and facility_id = '${cpe1}' and age_group = 'TODDLER'`;
    await owner.query(`update facility_age_groups set capacity = 2 where ${group}`);
    const skip = await w.gql(
      'mutation($i: OfferPlaceInput!) { offerPlace(input: $i) { placementOffer { id } userErrors { code } } }',
      {
        i: {
          facilityId: w.cpes[1].id,
          ageGroup: 'TODDLER',
          startDate: START,
          applicationId: apps[3],
          reason: 'Fratrie : la sœur aînée quitte le groupe',
          idempotencyKey: 'single-2',
        },
      },
      w.agent,
    );
    expect(skip.offerPlace.userErrors).toEqual([]);
    // The fourth family is first in the queue now: no reason needed, none recorded.
    expect(await count(owner, 'placement_offers', tenantId, `out_of_order_reason is not null`)).toBe(0);
    await owner.query(`update facility_age_groups set capacity = 1 where ${group}`);
    const offers = await Promise.all([apps[1], apps[3]].map(offerOf));
    const answers = await Promise.all(
      [1, 3].map(async (i, k) =>
        w.gql(
          'mutation($i: PlacementOfferInput!) { acceptPlacementOffer(input: $i) { placement { id } userErrors { code } } }',
          { i: { offerId: offers[k].offers[0].id, idempotencyKey: `race-${i}` } },
          await w.parent(toddlers[i].id),
        ),
      ),
    );
    const codes = answers.map((a) => a.acceptPlacementOffer.userErrors[0]?.code ?? 'OK').sort();
    expect(codes).toEqual(['FULL', 'OK']);
    expect(await count(owner, 'placements', tenantId, `facility_id = '${cpe1}'`)).toBe(1);
    const { rows } = await owner.query(
      `select places_taken, capacity from facility_age_groups where ${group}`,
    );
    expect(rows[0]).toEqual({ places_taken: 1, capacity: 1 });
    // The refused family keeps its application, ACTIVE, for the next place.
    expect(await count(owner, 'placement_applications', tenantId, `status = 'ACTIVE'`)).toBe(1);
    // The commission's dashboard says as much.
    const stats = await w.gql(
      `{ placementStatistics { offered accepted declined expired withdrawn medianDaysToPlacement urgentPastDeadline
         groups { ageGroup capacity placesTaken waiting facility { id } } } }`,
      {},
      w.agent,
    );
    const { groups, ...figures } = stats.placementStatistics;
    expect(figures).toEqual({
      offered: 0,
      accepted: 2,
      declined: 0,
      expired: 1,
      withdrawn: 1,
      medianDaysToPlacement: 0,
      urgentPastDeadline: 0,
    });
    expect(groups.find((g: any) => g.facility.id === w.cpes[1].id && g.ageGroup === 'TODDLER')).toEqual({
      ageGroup: 'TODDLER',
      capacity: 1,
      placesTaken: 1,
      waiting: 1,
      facility: { id: w.cpes[1].id },
    });
  });
});
