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
 * Offers reach families (docs/placements.md): an offer made, accepted, declined or expired writes a
 * line in the family's notification log (in the reader's language) and a webhook event in the
 * outbox, in the transaction of the change; a refused answer writes neither.
 */
describe('placement offers reach families', () => {
  const SLUG = 'test-placements-news';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let w: PlacementWorld;
  let toddlers: PlacementWorld['families'];
  const apps: string[] = [];

  const OFFER =
    'mutation($i: OfferPlaceInput!) { offerPlace(input: $i) { placementOffer { id } userErrors { code } } }';
  const answer = (verb: 'accept' | 'decline') =>
    `mutation($i: PlacementOfferInput!) { ${verb}PlacementOffer(input: $i) { placementOffer { id status } placement { id } userErrors { code } } }`;

  const notes = async (familyId: string, language?: string) =>
    (
      await app.gql(
        '{ viewer { family { notifications(first: 10) { nodes { kind message } } } } }',
        {},
        {
          token: await w.parent(familyId),
          headers: language ? { 'accept-language': language } : {},
        },
      )
    ).data.viewer.family.notifications.nodes as { kind: string; message: string }[];
  const events = async (type: string) =>
    (
      await owner.query(
        `select aggregate_id, payload from webhook_events where tenant_id = $1 and type = $2 order by seq`,
        [tenantId, type],
      )
    ).rows;

  beforeAll(async () => {
    tenantId = await seedTestTenant('quebec', { slug: SLUG }, new Date(), 1);
    owner = await rawClient('owner');
    app = await startTestApp();
    w = await placementWorld(app, SLUG, 1);
    toddlers = familiesIn(w, 'TODDLER').slice(0, 3);
    for (const [i, f] of toddlers.entries()) {
      const res = await w.gql(
        APPLY,
        application(f.children[0].id, [w.cpes[0].id], `news-${i}`),
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

  const offerNext = async (key: string) => {
    const res = await w.gql(
      OFFER,
      { i: { facilityId: w.cpes[0].id, ageGroup: 'TODDLER', startDate: START, idempotencyKey: key } },
      w.agent,
    );
    expect(res.offerPlace.userErrors).toEqual([]);
    return res.offerPlace.placementOffer.id as string;
  };

  it('an offer made tells the family, in its language, and the webhooks', async () => {
    const offerId = await offerNext('news-offer-1');
    const [note] = await notes(toddlers[0].id);
    expect(note.kind).toBe('PLACEMENT_OFFER_MADE');
    expect(note.message).toMatch(
      new RegExp(
        `^Une place d’accueil est proposée pour .+ à « ${w.cpes[0].name} » à partir du mercredi 1(er)? septembre 2027\\. Acceptez-la ou refusez-la avant le .+ ; sans réponse, elle revient à la liste\\.$`,
      ),
    );
    const [english] = await notes(toddlers[0].id, 'en');
    expect(english.message).toMatch(
      new RegExp(
        `^A childcare place is offered to .+ at “${w.cpes[0].name}” from Wednesday 1 September 2027\\.`,
      ),
    );
    // Nobody else heard of it.
    expect(await notes(toddlers[1].id)).toEqual([]);
    const [event] = await events('placement.offered');
    expect(event.aggregate_id).toBe(offerId);
    expect(event.payload).toMatchObject({
      placementOfferId: offerId,
      placementApplicationId: apps[0],
      familyId: expect.stringMatching(/^Family_/),
      facilityId: w.cpes[0].id,
      ageGroup: 'TODDLER',
      startDate: START,
      placementId: null,
    });
  });

  it('a decline and an acceptance tell the family and the webhooks; a refused answer writes nothing', async () => {
    const first = (await owner.query(`select id from placement_offers where tenant_id = $1`, [tenantId]))
      .rows[0];
    const offers = await w.gql(
      'query($id: ID!) { node(id: $id) { ... on PlacementApplication { offers { id status } } } }',
      { id: apps[0] },
      w.agent,
    );
    const offerId = offers.node.offers[0].id;
    expect(fromGlobalId(offerId)!.id).toBe(first.id);
    const declined = await w.gql(
      answer('decline'),
      { i: { offerId, idempotencyKey: 'news-decline' } },
      await w.parent(toddlers[0].id),
    );
    expect(declined.declinePlacementOffer.userErrors).toEqual([]);
    const [note] = await notes(toddlers[0].id);
    expect(note).toEqual({
      kind: 'PLACEMENT_OFFER_DECLINED',
      message: expect.stringMatching(/La demande garde son rang dans les autres établissements choisis\.$/),
    });
    expect((await events('placement.declined')).map((e) => e.payload.applicationWithdrawn)).toEqual([false]);

    // Answering again is refused: no notification, no event.
    const before = await count(owner, 'notifications', tenantId);
    const again = await w.gql(
      answer('accept'),
      { i: { offerId, idempotencyKey: 'news-accept-declined' } },
      await w.parent(toddlers[0].id),
    );
    expect(again.acceptPlacementOffer.userErrors).toEqual([{ code: 'INVALID' }]);
    expect(await count(owner, 'notifications', tenantId)).toBe(before);
    expect(await count(owner, 'webhook_events', tenantId, `type = 'placement.accepted'`)).toBe(0);

    // The place goes to the next family, which accepts it.
    const nextId = await offerNext('news-offer-2');
    const accepted = await w.gql(
      answer('accept'),
      { i: { offerId: nextId, idempotencyKey: 'news-accept' } },
      await w.parent(toddlers[1].id),
    );
    const placementId = accepted.acceptPlacementOffer.placement.id;
    const [made, acceptedNote] = [...(await notes(toddlers[1].id))].reverse();
    expect(made.kind).toBe('PLACEMENT_OFFER_MADE');
    expect(acceptedNote).toEqual({
      kind: 'PLACEMENT_OFFER_ACCEPTED',
      message: expect.stringMatching(
        new RegExp(`^.+ a une place à « ${w.cpes[0].name} » à partir du mercredi`),
      ),
    });
    const [event] = await events('placement.accepted');
    expect(event).toMatchObject({ aggregate_id: nextId, payload: { placementId } });
  });

  it('an offer expiring on the job queue tells the family and the webhooks', async () => {
    // A second place, offered to the third family, which does not answer.
    const cpe0 = fromGlobalId(w.cpes[0].id)!.id;
    await owner.query(
      `update facility_age_groups set capacity = 2 where tenant_id = $1 and facility_id = $2 and age_group = 'TODDLER'`,
      [tenantId, cpe0],
    );
    const offerId = await offerNext('news-offer-3');
    const { rows } = await owner.query(
      `select id, expires_at from placement_offers where tenant_id = $1 and status = 'OFFERED'`,
      [tenantId],
    );
    expect(fromGlobalId(offerId)!.id).toBe(rows[0].id);
    expect(
      await runPlacementOfferExpiry(
        app.orm.em,
        { tenantId, offerId: rows[0].id },
        new Date(rows[0].expires_at),
      ),
    ).toBe(true);
    const [note] = await notes(toddlers[2].id, 'en');
    expect(note).toEqual({
      kind: 'PLACEMENT_OFFER_EXPIRED',
      message: `The place offered to ${note.message.split(' ')[4]} at “${w.cpes[0].name}” expired without an answer: it went back to the list and the application is closed.`,
    });
    expect((await events('placement.expired')).map((e) => e.aggregate_id)).toEqual([offerId]);
    expect(await count(owner, 'webhook_events', tenantId, `type like 'placement.%'`)).toBe(6);
  });
});
