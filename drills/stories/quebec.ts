import { Role } from '../../src/auth/viewer';
import { capacityNeverExceeded, placesGivenInRankOrder, tenantId } from '../invariants';
import type { DrillOptions } from '../main';
import { gql, key, mutate, read, tokenFor } from '../support/client';
import { addDays, allNodes, today, withApiKilled, withPostgresRestart } from '../support/kit';
import { Timeline } from '../support/timeline';
import { quebecPlaces } from './quebec-places';
import type { World } from '../support/world';

const SLUG = 'quebec';
const ZONE = 'America/Toronto';
const RESERVE = `mutation($i: ReserveInput!) { reserve(input: $i) {
  reservations { id } waitlistEntries { id rank } userErrors { code message } } }`;
const QUEUE = `query($id: ID!) { node(id: $id) { ... on Session { placesLeft
  waitlist { entries(first: 100) { rank joinedAt status child { id } } } } } }`;
const MODE = `mutation($i: SetOperatingModeInput!) { setOperatingMode(input: $i) { tenant { operatingMode } userErrors { code message } } }`;

/**
 * Québec: the single window closed for weeks. First the directory in fr-CA and a childcare
 * service whose requests queue (a full day's places, a waitlist in arrival order), the portal
 * closed (families refused in Québec French, agents keep registering at the counter), then
 * reopened with every rank and registration instant intact. Then the childcare places themselves
 * (quebec-places.ts): applications, the window closed, urgent places, reopening, a round.
 */
export async function quebec(world: World, options: DrillOptions) {
  const t = new Timeline(SLUG, options.chaos, options.scale);
  const tenant = await tenantId(world.owner, SLUG);
  const admin = await tokenFor(SLUG, [Role.TENANT_ADMIN], undefined, 'admin');
  const agent = await tokenFor(SLUG, [Role.AGENT], undefined, 'agent-guichet');
  const places = 3 * options.scale;

  await t.step(
    'the public directory lists Québec in fr-CA, on its own time zone',
    async () => {
      const data = await read(world.url, null, '{ tenants { slug locale timeZone operatingMode } }');
      const town = data.tenants.find((x: any) => x.slug === SLUG);
      if (town?.locale !== 'fr-CA' || town.timeZone !== ZONE) throw new Error(JSON.stringify(town));
      return town;
    },
    (town) => `${town.locale}, ${town.timeZone}, ${town.operatingMode}`,
  );

  const setup = await t.step(
    `a day of the childcare service with ${places} places, opened by the administration`,
    async () => {
      const service = (
        await read(world.url, admin, '{ services(first: 5, kind: CHILDCARE_PLACE) { nodes { id } } }')
      ).services.nodes[0].id;
      const day = addDays(today(world, ZONE), 7);
      const made = await mutate(
        world.url,
        admin,
        'generateSessions',
        `mutation($i: GenerateSessionsInput!) { generateSessions(input: $i) { created userErrors { code message } } }`,
        {
          i: {
            serviceId: service,
            from: day,
            to: addDays(day, 6),
            weekdays: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'],
            period: 'FULL_DAY',
            capacity: places,
            idempotencyKey: key(),
          },
        },
      );
      if (made.userErrors.length) throw new Error(JSON.stringify(made.userErrors));
      const sessions = await allNodes(
        world,
        admin,
        'sessions',
        'id date',
        `filter: { serviceId: "${service}" }`,
      );
      const families = await allNodes(world, agent, 'families', 'id children { id birthDate }');
      const young = families
        .map((f) => ({
          family: f.id,
          child: f.children.find(
            (c: any) => Date.parse(sessions[0].date) - Date.parse(c.birthDate) < 70 * 30.4 * 86400000,
          ),
        }))
        .filter((f) => f.child);
      return { session: sessions[0], young };
    },
    (s) => `${s.session.date}; ${s.young.length} families with a child under six`,
  );
  if (!setup) return t.result();
  const { session } = setup;
  const applicants = setup.young.slice(0, 4 * places);
  const tokens = await Promise.all(applicants.map((a) => tokenFor(SLUG, [Role.PARENT], a.family)));

  await t.step(
    'requests arrive while the window is open: places taken, then a queue in arrival order',
    async () => {
      let waiting = 0;
      const arrive = async () => {
        for (const [i, a] of applicants.entries()) {
          const r = await mutate(world.url, tokens[i], 'reserve', RESERVE, {
            i: {
              childId: a.child.id,
              sessionIds: [session.id],
              waitlistIfFull: true,
              idempotencyKey: `qc-${a.family}`,
            },
          });
          if (r.userErrors.length) throw new Error(JSON.stringify(r.userErrors));
          waiting += r.waitlistEntries.length;
        }
      };
      if (options.chaos) {
        t.fault('PostgreSQL restarted while the requests arrive');
        await withPostgresRestart(world, 1500, arrive);
      } else await arrive();
      return waiting;
    },
    (n) => `${places} places taken, ${n} waiting`,
  );
  const before = (await read(world.url, agent, QUEUE, { id: session.id })).node.waitlist.entries;

  const late = setup.young[applicants.length];
  await t.step(
    'the window closes: families refused in Québec French, agents keep registering at the counter',
    async () => {
      const closed = await mutate(world.url, admin, 'setOperatingMode', MODE, {
        i: {
          mode: 'COUNTER_ONLY',
          reason: 'drill: guichet unique fermé',
          notice: 'Le guichet unique est fermé : adressez-vous au comptoir.',
        },
      });
      if (closed.tenant.operatingMode !== 'COUNTER_ONLY') throw new Error(JSON.stringify(closed));
      const banner = (
        await read(world.url, null, '{ tenants { slug operatingMode publicNotice } }')
      ).tenants.find((x: any) => x.slug === SLUG);
      if (banner.operatingMode !== 'COUNTER_ONLY' || !banner.publicNotice)
        throw new Error(`directory: ${JSON.stringify(banner)}`);
      const parent = await tokenFor(SLUG, [Role.PARENT], late.family);
      const variables = {
        i: { childId: late.child.id, sessionIds: [session.id], waitlistIfFull: true, idempotencyKey: key() },
      };
      const refused = (await gql(world.url, parent, RESERVE, variables)).data.reserve.userErrors[0];
      if (refused?.code !== 'NOT_ALLOWED_IN_MODE') throw new Error(`family: ${JSON.stringify(refused)}`);
      const english = await fetch(world.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${parent}`,
          'accept-language': 'en',
        },
        body: JSON.stringify({ query: RESERVE, variables: { i: { ...variables.i, idempotencyKey: key() } } }),
      }).then((r) => r.json() as Promise<any>);
      if (english.data.reserve.userErrors[0].message === refused.message)
        throw new Error('the refusal is not in the tenant’s French');
      const counter = await mutate(world.url, agent, 'reserve', RESERVE, {
        i: { ...variables.i, idempotencyKey: key() },
      });
      if (counter.waitlistEntries.length !== 1) throw new Error(`counter: ${JSON.stringify(counter)}`);
      return refused.message as string;
    },
    (message) => `« ${message.slice(0, 70)} »; the agent queued the child at the counter`,
  );

  await t.step(
    'the window reopens with every rank and registration instant intact',
    async () => {
      if (options.chaos) {
        t.fault('the API killed with SIGKILL while the window is closed, then started again');
        await withApiKilled(world, 0, async () => undefined);
      }
      await mutate(world.url, admin, 'setOperatingMode', MODE, {
        i: { mode: 'NORMAL', reason: 'drill: réouverture', notice: '' },
      });
      const after = (await read(world.url, agent, QUEUE, { id: session.id })).node.waitlist.entries;
      const changed = before.filter((b: any) => {
        const a = after.find((x: any) => x.child.id === b.child.id);
        return !a || a.rank !== b.rank || a.joinedAt !== b.joinedAt;
      });
      await t.invariant(
        'ranks unchanged by the closure',
        changed.map((c: any) => `rank ${c.rank} (${c.child.id}) moved`),
      );
      const last = after[after.length - 1];
      if (last.child.id !== late.child.id) throw new Error('the counter registration is not last in line');
      return after.length;
    },
    (n) => `${n} in line, the counter registration last`,
  );

  await quebecPlaces(world, options, t, { tenant, admin, agent });

  await t.invariant('capacity never exceeded', capacityNeverExceeded(world.owner, tenant, 'CHILDCARE_PLACE'));
  await t.invariant(
    'every freed place given once, in rank order',
    placesGivenInRankOrder(world.owner, tenant),
  );
  return t.result();
}
