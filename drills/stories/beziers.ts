import { DateTime } from 'luxon';
import { Role } from '../../src/auth/viewer';
import { capacityNeverExceeded, placesGivenInRankOrder, tenantId } from '../invariants';
import type { DrillOptions } from '../main';
import { key, mutate, read, tokenFor } from '../support/client';
import { allNodes, today, withPostgresRestart } from '../support/kit';
import { Timeline } from '../support/timeline';
import { beziersImport } from './beziers-import';
import type { World } from '../support/world';

const SLUG = 'beziers';
const ZONE = 'Europe/Paris';

const RESERVE = `mutation($i: ReserveInput!) { reserve(input: $i) {
  reservations { id status } waitlistEntries { id rank status } userErrors { code reason } } }`;
const WAITLIST = `query($id: ID!) { node(id: $id) { ... on Session { capacity placesTaken placesLeft
  waitlist { count promoted entries(first: 100) { rank status child { id } togetherWith { id } } } } } }`;

const ageInMonths = (birth: string, on: string) =>
  Math.floor(DateTime.fromISO(on).diff(DateTime.fromISO(birth), 'months').months);

/**
 * Béziers: a broken migration, then more demand than places. The old software's export goes in
 * (beziers-import.ts: a dry run naming every bad line, the corrections, the import, the same file
 * again changing nothing). The Wednesday centre aéré opens booking; N parents race for M
 * places at the opening instant (those who miss it join the waitlist, brothers and sisters
 * together); cancellations pass places on in rank order; then the portal goes counter-only for a
 * day and agents book for families.
 */
export async function beziers(world: World, options: DrillOptions) {
  const t = new Timeline(SLUG, options.chaos, options.scale);
  const tenant = await tenantId(world.owner, SLUG);
  const admin = await tokenFor(SLUG, [Role.TENANT_ADMIN], undefined, 'admin');
  const agent = await tokenFor(SLUG, [Role.AGENT], undefined, 'agent-accueil');
  const places = 15 * options.scale;
  await beziersImport(world, t, tenant, admin);

  const setup = await t.step(
    'a Wednesday not open yet, its capacity set, the children old enough for it',
    async () => {
      const service = (
        await read(world.url, agent, '{ services(first: 5, kind: LEISURE_CENTRE) { nodes { id } } }')
      ).services.nodes[0].id;
      const sessions = await allNodes(
        world,
        agent,
        'sessions',
        'id date bookingOpensAt placesTaken',
        `filter: { serviceId: "${service}", from: "${today(world, ZONE)}" }`,
      );
      const now = world.clock().toISOString();
      const closed = sessions.filter((s) => s.bookingOpensAt > now && s.placesTaken === 0);
      if (closed.length < 2) throw new Error('no Wednesday left whose booking has not opened');
      const [session, other] = closed.slice(-2).reverse();
      const set = await mutate(
        world.url,
        admin,
        'setSessionCapacity',
        `mutation($i: SetSessionCapacityInput!) { setSessionCapacity(input: $i) { session { capacity } userErrors { code message } } }`,
        { i: { sessionId: session.id, capacity: places, idempotencyKey: key() } },
      );
      if (set.userErrors.length) throw new Error(JSON.stringify(set.userErrors));
      const families = await allNodes(world, agent, 'families', 'id children { id birthDate }');
      const eligible = families
        .map((f) => ({
          family: f.id,
          children: f.children
            .filter(
              (c: any) =>
                ageInMonths(c.birthDate, session.date) >= 36 && ageInMonths(c.birthDate, session.date) < 156,
            )
            .map((c: any) => c.id),
        }))
        .filter((f) => f.children.length > 0);
      return { service, session, other, eligible };
    },
    (s) =>
      `${s.session.date}: ${places} places, opening ${s.session.bookingOpensAt}; ${s.eligible.length} families with a child of age`,
  );
  if (!setup) return t.result();
  const { session, other } = setup;
  // Families with two children of age wait together; the others race with one child each.
  const pairs = setup.eligible.filter((f) => f.children.length >= 2).slice(0, 2 * options.scale);
  const racers = setup.eligible.filter((f) => !pairs.includes(f)).slice(0, 4 * places);
  const parents = await Promise.all(
    racers.map(async (f) => ({ ...f, token: await tokenFor(SLUG, [Role.PARENT], f.family) })),
  );

  const rush = await t.step(
    `${parents.length} parents race for ${places} places at the opening instant`,
    async () => {
      world.setClock(new Date(Date.parse(session.bookingOpensAt) + 500));
      const race = () =>
        Promise.all(
          parents.map((p) =>
            mutate(world.url, p.token, 'reserve', RESERVE, {
              i: {
                childId: p.children[0],
                sessionIds: [session.id],
                waitlistIfFull: true,
                idempotencyKey: `rush-${p.family}`,
              },
            }),
          ),
        );
      let answers;
      if (options.chaos) {
        t.fault('PostgreSQL restarted in the middle of the rush');
        answers = await withPostgresRestart(world, 1500, race);
      } else answers = await race();
      const booked = answers.filter((a) => a.reservations.length === 1).length;
      const waiting = answers.filter((a) => a.waitlistEntries.length === 1).length;
      const refused = answers.filter((a) => a.userErrors.length > 0);
      if (booked !== places || booked + waiting !== parents.length) {
        throw new Error(
          `${booked} booked, ${waiting} waiting, refusals ${JSON.stringify(refused.slice(0, 3).map((a) => a.userErrors))}`,
        );
      }
      return { booked, waiting, answers };
    },
    (r) => `${r.booked} booked, ${r.waiting} on the waitlist`,
  );

  await t.step(
    'brothers and sisters join the waitlist together',
    async () => {
      for (const pair of pairs) {
        const parent = await tokenFor(SLUG, [Role.PARENT], pair.family);
        const joined = await mutate(
          world.url,
          parent,
          'joinWaitlist',
          `mutation($i: JoinWaitlistInput!) { joinWaitlist(input: $i) { waitlistEntries { rank togetherWith { id } } userErrors { code message } } }`,
          {
            i: {
              childId: pair.children[0],
              siblingIds: [pair.children[1]],
              sessionIds: [session.id],
              idempotencyKey: key(),
            },
          },
        );
        if (joined.userErrors.length || joined.waitlistEntries[0]?.togetherWith.length !== 1)
          throw new Error(JSON.stringify(joined));
      }
      return pairs.length;
    },
    (n) => `${n} sibling groups waiting`,
  );

  await t.step(
    'cancellations pass each freed place to the next in rank',
    async () => {
      const bookedParents = parents
        .filter((_, i) => rush?.answers[i].reservations.length === 1)
        .slice(0, 5 * options.scale);
      let given = 0;
      for (const p of bookedParents) {
        const before = (await read(world.url, agent, WAITLIST, { id: session.id })).node.waitlist.entries;
        // One place: the first entry waiting alone (a group lets a single place pass).
        const next = before.find((e: any) => e.status === 'WAITING' && e.togetherWith.length === 0);
        const reservation = rush!.answers[parents.indexOf(p)].reservations[0].id;
        const cancelled = await mutate(
          world.url,
          p.token,
          'cancelReservation',
          `mutation($i: CancelReservationInput!) { cancelReservation(input: $i) { reservation { status } userErrors { code } } }`,
          { i: { reservationId: reservation, idempotencyKey: key() } },
        );
        if (cancelled.reservation?.status !== 'CANCELLED')
          throw new Error(`cancellation: ${JSON.stringify(cancelled)}`);
        const after = (await read(world.url, agent, WAITLIST, { id: session.id })).node;
        if (after.placesLeft !== 0) throw new Error(`a freed place stayed free (${after.placesLeft} left)`);
        if (
          next &&
          after.waitlist.entries.some((e: any) => e.child.id === next.child.id && e.status === 'WAITING')
        ) {
          throw new Error(`rank ${next.rank} still waits after a place was freed`);
        }
        if (next) given++;
      }
      return given;
    },
    (n) => `${n} places passed on, each to the head of the list`,
  );

  await t.step(
    'a counter-only day: families refused online, agents book for them',
    async () => {
      const modeQuery = `mutation($i: SetOperatingModeInput!) { setOperatingMode(input: $i) { tenant { operatingMode } userErrors { code message } } }`;
      await mutate(world.url, admin, 'setOperatingMode', modeQuery, {
        i: {
          mode: 'COUNTER_ONLY',
          reason: 'drill: portal down for the day',
          notice: 'Inscriptions au guichet uniquement aujourd’hui.',
        },
      });
      const directory = await read(world.url, null, '{ tenants { slug operatingMode publicNotice } }');
      const town = directory.tenants.find((x: any) => x.slug === SLUG);
      if (town.operatingMode !== 'COUNTER_ONLY') throw new Error(`directory says ${town.operatingMode}`);
      // The Wednesday before the rush's: its booking opened a week earlier (the clock never goes back).
      const families = parents.slice(0, 3 * options.scale);
      const online = await mutate(world.url, families[0].token, 'reserve', RESERVE, {
        i: { childId: families[0].children[0], sessionIds: [other.id], idempotencyKey: key() },
      });
      if (online.userErrors[0]?.code !== 'NOT_ALLOWED_IN_MODE')
        throw new Error(`online: ${JSON.stringify(online)}`);
      let booked = 0;
      for (const f of families) {
        const counter = await mutate(world.url, agent, 'reserve', RESERVE, {
          i: { childId: f.children[0], sessionIds: [other.id], idempotencyKey: key() },
        });
        booked += counter.reservations.length;
      }
      await mutate(world.url, admin, 'setOperatingMode', modeQuery, {
        i: { mode: 'NORMAL', reason: 'drill: portal back', notice: '' },
      });
      const { rows } = await world.owner.query(
        `select count(*)::int as n from audit_events where tenant_id = $1 and channel = 'COUNTER' and created_at > now() - interval '1 hour'`,
        [tenant],
      );
      if (rows[0].n < booked) throw new Error(`${booked} counter bookings, ${rows[0].n} audited`);
      return booked;
    },
    (n) => `online refused (NOT_ALLOWED_IN_MODE), ${n} booked at the counter and audited`,
  );

  await t.invariant('capacity never exceeded', capacityNeverExceeded(world.owner, tenant));
  await t.invariant(
    'every freed place given once, in rank order',
    placesGivenInRankOrder(world.owner, tenant),
  );
  return t.result();
}
