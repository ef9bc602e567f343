import { Role } from '../../src/auth/viewer';
import { fromGlobalId } from '../../src/shared/ids';
import type { DrillOptions } from '../main';
import {
  expiredOffersPassedOn,
  placementQueues,
  placementsWithinCapacity,
  ranksUnchanged,
  roundStable,
  urgentPlacesAudited,
} from '../placement-invariants';
import { gql, key, mutate, read, tokenFor } from '../support/client';
import { addDays, today, waitUntil, withApiKilled } from '../support/kit';
import type { Timeline } from '../support/timeline';
import type { World } from '../support/world';

const SLUG = 'quebec';
const ZONE = 'America/Toronto';
const APPLY = `mutation($i: ApplyForPlacementInput!) { applyForPlacement(input: $i) {
  placementApplication { id channel } userErrors { code message } } }`;
const WINDOW = `mutation($i: SetPlacementApplicationsOpenInput!) { setPlacementApplicationsOpen(input: $i) {
  placementApplicationsOpen userErrors { code message } } }`;
const URGENT = `mutation($i: AllocateUrgentPlaceInput!) { allocateUrgentPlace(input: $i) {
  placement { id urgent } userErrors { code message } } }`;
const ROUND = `allocationRound { id status stable applications freePlaces
  proposals { ageGroup facility { id } application { id family { id } offers { id status expiresAt } } } }
  userErrors { code message }`;
const OFFER = `mutation($i: PlacementOfferInput!) { acceptPlacementOffer(input: $i) {
  placement { id } userErrors { code message } } }`;
const OFFER_PLACE = `mutation($i: OfferPlaceInput!) { offerPlace(input: $i) {
  placementOffer { id application { id } } userErrors { code message } } }`;
const FIRST = `query($f: ID!, $g: PlacementAgeGroup!) { placementQueue(facilityId: $f, ageGroup: $g, first: 1) {
  freePlaces entries { application { id } } } }`;

interface Roles {
  tenant: string;
  admin: string;
  agent: string;
}

/**
 * Québec's single window for childcare places (issue #13), after the service's own queue: babies'
 * applications arrive over several CPEs; the window closes (families refused, agents keep
 * applying for them); urgent places are given by hand in the temporary centre; the window reopens
 * with every rank and registration instant intact; the commission's round proposes by deferred
 * acceptance (stable, checked in SQL against the draft), its offers go out, some are accepted,
 * some expire and their places pass to the next in line.
 */
export async function quebecPlaces(
  world: World,
  options: DrillOptions,
  t: Timeline,
  who: Roles,
): Promise<void> {
  const { tenant, admin, agent } = who;
  const since = world.clock();
  const babies = 4 * options.scale;
  const setup = await t.step(
    `${babies + 1} babies enrolled by the agents, the CPEs and the temporary centre listed`,
    async () => {
      const facilities = (
        await read(
          world.url,
          agent,
          '{ facilities(first: 50, kind: CHILDCARE_CENTRE) { nodes { id endsOn } } }',
        )
      ).facilities.nodes as { id: string; endsOn: string | null }[];
      const cpes = facilities.filter((f) => !f.endsOn).map((f) => f.id);
      const centre = facilities.find((f) => f.endsOn)?.id;
      if (cpes.length < 3 || !centre) throw new Error(`facilities: ${JSON.stringify(facilities)}`);
      const families = (await read(world.url, agent, '{ families(first: 50) { nodes { id } } }')).families
        .nodes;
      const born = today(world, ZONE);
      const children: { family: string; child: string }[] = [];
      for (let i = 0; i <= babies; i++) {
        const family = families[i % families.length].id as string;
        const added = await mutate(
          world.url,
          agent,
          'addChild',
          `mutation($i: AddChildInput!) { addChild(input: $i) { child { id } userErrors { code message } } }`,
          {
            i: {
              familyId: family,
              firstName: `Bébé ${i + 1}`,
              lastName: 'Exercice',
              birthDate: addDays(born, -30 - 7 * i),
              idempotencyKey: `qc-baby-${i}`,
            },
          },
        );
        if (added.userErrors.length) throw new Error(JSON.stringify(added.userErrors));
        children.push({ family, child: added.child.id });
      }
      return { cpes, centre, children };
    },
    (s) => `${s.cpes.length} CPEs and a temporary centre`,
  );
  if (!setup) return;
  const { cpes, centre, children } = setup;
  const start = addDays(today(world, ZONE), 150);
  const apply = (token: string, c: { child: string }, i: number) =>
    gql(world.url, token, APPLY, {
      i: {
        childId: c.child,
        desiredStartDate: start,
        daysPerWeek: 5,
        fullTime: true,
        // Three CPEs in the family's own order, Les Lucioles (the first) first.
        facilityIds: [0, 1 + (i % (cpes.length - 2)), 2 + (i % (cpes.length - 2))].map((k) => cpes[k]),
        criteria: [],
        idempotencyKey: `qc-apply-${i}`,
      },
    });

  await t.step(
    'applications arrive while the window is open, each over three CPEs in the family’s order',
    async () => {
      for (const [i, c] of children.slice(0, babies).entries()) {
        const made = (await apply(await tokenFor(SLUG, [Role.PARENT], c.family), c, i)).data
          .applyForPlacement;
        if (made.userErrors.length) throw new Error(JSON.stringify(made.userErrors));
      }
      return babies;
    },
    (n) => `${n} applications`,
  );
  const before = await placementQueues(world.owner, tenant);

  await t.step(
    'the placement window closes: a family is refused, an agent applies for it',
    async () => {
      const closed = await mutate(world.url, admin, 'setPlacementApplicationsOpen', WINDOW, {
        i: { open: false, reason: 'Drill : plateforme compromise, guichet fermé' },
      });
      if (closed.placementApplicationsOpen !== false) throw new Error(JSON.stringify(closed));
      const directory = (await read(world.url, null, '{ tenants { slug placementApplicationsOpen } }'))
        .tenants;
      if (directory.find((x: any) => x.slug === SLUG)?.placementApplicationsOpen !== false)
        throw new Error('the directory does not show the window closed');
      const late = children[babies];
      const refused = (await apply(await tokenFor(SLUG, [Role.PARENT], late.family), late, babies)).data
        .applyForPlacement.userErrors[0];
      if (refused?.code !== 'CLOSED') throw new Error(`family: ${JSON.stringify(refused)}`);
      const counter = (await apply(agent, late, babies + 1)).data.applyForPlacement;
      if (counter.userErrors.length) throw new Error(`agent: ${JSON.stringify(counter.userErrors)}`);
      return refused.message as string;
    },
    (message) => `« ${message.slice(0, 60)} »; the agent applied at the counter`,
  );

  const urgent = 2 * options.scale;
  await t.step(
    `${urgent} urgent places given by hand in the temporary centre`,
    async () => {
      for (const c of children.slice(0, urgent)) {
        const given = await mutate(world.url, admin, 'allocateUrgentPlace', URGENT, {
          i: {
            childId: c.child,
            facilityId: centre,
            ageGroup: 'TODDLER',
            startDate: today(world, ZONE),
            reason: 'Drill : retour au travail imprévu, parent seul',
            idempotencyKey: `qc-urgent-${c.child}`,
          },
        });
        if (given.userErrors.length || !given.placement.urgent) throw new Error(JSON.stringify(given));
      }
      const report = await read(
        world.url,
        agent,
        'query($d: LocalDate!) { urgentPlacements(from: $d, to: $d) { id } }',
        {
          d: today(world, ZONE),
        },
      );
      return report.urgentPlacements.length as number;
    },
    (n) => `${n} urgent places in today's report`,
  );
  await t.invariant('every urgent place audited', urgentPlacesAudited(world.owner, tenant, since));

  await t.step(
    'the window reopens with every rank and registration instant intact',
    async () => {
      if (options.chaos) {
        t.fault('the API killed with SIGKILL while the placement window is closed, then started again');
        await withApiKilled(world, 0, async () => undefined);
      }
      await mutate(world.url, admin, 'setPlacementApplicationsOpen', WINDOW, {
        i: { open: true, reason: 'Drill : plateforme rétablie' },
      });
      await t.invariant(
        'ranks unchanged by the closure',
        ranksUnchanged(before, await placementQueues(world.owner, tenant)),
      );
      return Object.keys(before).length;
    },
    (n) => `${n} applications compared`,
  );

  const tight = options.scale;
  await t.step(
    `the first CPE has ${tight} place(s) per age group this month (setFacilityAgeGroup)`,
    async () => {
      const groups = (
        await read(
          world.url,
          agent,
          'query($id: ID!) { node(id: $id) { ... on Facility { placementAgeGroups { ageGroup minMonths maxMonths placesTaken } } } }',
          { id: cpes[0] },
        )
      ).node.placementAgeGroups as any[];
      for (const g of groups) {
        const set = await mutate(
          world.url,
          admin,
          'setFacilityAgeGroup',
          `mutation($i: SetFacilityAgeGroupInput!) { setFacilityAgeGroup(input: $i) { userErrors { code message } } }`,
          {
            i: {
              facilityId: cpes[0],
              ageGroup: g.ageGroup,
              minMonths: g.minMonths,
              maxMonths: g.maxMonths,
              capacity: g.placesTaken + tight,
            },
          },
        );
        if (set.userErrors.length) throw new Error(JSON.stringify(set.userErrors));
      }
      return groups.length;
    },
    (n) => `${n} age groups`,
  );

  const round = await t.step(
    'the commission’s round: a stable draft by deferred acceptance, then its offers',
    async () => {
      const draft = (
        await mutate(
          world.url,
          agent,
          'proposeAllocation',
          `mutation($i: ProposeAllocationInput!) { proposeAllocation(input: $i) { ${ROUND} } }`,
          { i: { facilityIds: [cpes[0]], startDate: addDays(start, 30), idempotencyKey: key() } },
        )
      ).allocationRound;
      if (!draft.stable || !draft.proposals.length)
        throw new Error(`draft: ${JSON.stringify(draft).slice(0, 300)}`);
      const [{ id }] = (
        await world.owner.query(
          `select id from allocation_rounds where tenant_id = $1 and status = 'DRAFT' order by created_at desc limit 1`,
          [tenant],
        )
      ).rows;
      await t.invariant('the round stable', roundStable(world.owner, tenant, id));
      const confirm = () =>
        mutate(
          world.url,
          agent,
          'confirmAllocation',
          `mutation($i: AllocationRoundInput!) { confirmAllocation(input: $i) { ${ROUND} } }`,
          { i: { roundId: draft.id, idempotencyKey: `qc-confirm-${draft.id}` } },
        );
      let confirmed;
      if (options.chaos) {
        t.fault('the API killed with SIGKILL while the round is confirmed; the commission retries');
        confirmed = await withApiKilled(world, 30, confirm);
      } else confirmed = await confirm();
      if (confirmed.allocationRound.status !== 'CONFIRMED')
        throw new Error(JSON.stringify(confirmed.userErrors));
      return { draft, proposals: confirmed.allocationRound.proposals as any[] };
    },
    (r) =>
      `${r.draft.applications} applications, ${r.draft.freePlaces} free places, ${r.proposals.length} offers`,
  );
  if (!round) return;

  await t.step(
    'families answer: some accept, some let their offer expire and the place passes to the next in line',
    async () => {
      // One age group's offers are accepted, the others' left to expire.
      const accepting = round.proposals.filter((p) => p.ageGroup === round.proposals[0].ageGroup);
      const lapsing = round.proposals.filter((p) => p.ageGroup !== round.proposals[0].ageGroup);
      if (!lapsing.length) throw new Error('the round offered places in one age group only');
      for (const p of accepting) {
        const parent = await tokenFor(SLUG, [Role.PARENT], p.application.family.id);
        const accepted = await mutate(world.url, parent, 'acceptPlacementOffer', OFFER, {
          i: { offerId: p.application.offers[0].id, idempotencyKey: `qc-accept-${p.application.id}` },
        });
        if (accepted.userErrors.length) throw new Error(`accept: ${JSON.stringify(accepted.userErrors)}`);
      }
      const last = Math.max(...lapsing.map((p) => Date.parse(p.application.offers[0].expiresAt)));
      world.setClock(new Date(last + 3600_000));
      // The scheduler's part: the expiry jobs, due at the deadlines, are run now (same job keys).
      const offers = lapsing.map((p) => fromGlobalId(p.application.offers[0].id)!.id);
      await world.owner.query(
        `select graphile_worker.add_job('placement_offer_expiry', json_build_object('tenantId', $1::uuid,
           'offerId', id), job_key := 'placement-offer:' || id) from unnest($2::uuid[]) as id`,
        [tenant, offers],
      );
      await waitUntil('the offers expire on the job queue', async () => {
        const { rows } = await world.owner.query(
          `select count(*)::int as n from placement_offers where id = any($1::uuid[]) and status = 'EXPIRED'`,
          [offers],
        );
        return rows[0].n === offers.length;
      });
      // Each place freed goes to the first in line, as the queue names them.
      for (const p of lapsing) {
        const group = { f: p.facility.id, g: p.ageGroup };
        const head = (await read(world.url, agent, FIRST, group)).placementQueue;
        const offered = await mutate(world.url, agent, 'offerPlace', OFFER_PLACE, {
          i: {
            facilityId: p.facility.id,
            ageGroup: p.ageGroup,
            startDate: addDays(start, 30),
            idempotencyKey: key(),
          },
        });
        if (offered.userErrors.length) throw new Error(`offerPlace: ${JSON.stringify(offered.userErrors)}`);
        if (offered.placementOffer.application.id !== head.entries[0]?.application.id)
          throw new Error(
            `the place went to ${offered.placementOffer.application.id}, not the first in line`,
          );
      }
      return { answered: accepting.length, lapsing };
    },
    (r) => `${r.answered} accepted, ${r.lapsing.length} expired and offered to the next in line`,
  );
  await t.invariant(
    'placements within each age group’s capacity',
    placementsWithinCapacity(world.owner, tenant),
  );
  await t.invariant(
    'every expired offer’s place passed on',
    expiredOffersPassedOn(world.owner, tenant, since),
  );
}
