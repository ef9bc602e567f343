import { DateTime } from 'luxon';
import type { Client } from 'pg';
import { fromGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
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
 * Placements end (docs/placements.md): by default the day before the child leaves its age group;
 * earlier when an agent ends one (audited). Free places per group and month count placements by
 * their dates and open offers by their start; the dashboard and the queue show the same figures;
 * a placement past its last day gives its place back; the monthly charge stops after the end.
 */
describe('placements end, and free places by month', () => {
  const SLUG = 'test-placements-ending';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let w: PlacementWorld;
  let a: PlacementWorld['families'][number];
  let b: PlacementWorld['families'][number];
  let ageOut: string;
  let placementId: string;

  /** The day before the child turns 36 months (the TODDLER group's bound), as PostgreSQL adds months. */
  const lastToddlerDay = (birthDate: string) =>
    DateTime.fromISO(birthDate, { zone: 'UTC' }).plus({ months: 36 }).minus({ days: 1 }).toISODate()!;
  const nextMonth = (month: string) =>
    DateTime.fromISO(`${month}-01`, { zone: 'UTC' }).plus({ months: 1 }).toFormat('yyyy-MM');
  const MONTHS = 'month capacity placed offered free';
  const freeAt = async (facilityId: string, from: string, to: string) =>
    (
      await w.gql(
        `query($f: ID!, $from: YearMonth!, $to: YearMonth!) { placementFreePlaces(facilityId: $f, ageGroup: TODDLER, from: $from, to: $to) {
           ageGroup facility { id } months { ${MONTHS} } } }`,
        { f: facilityId, from, to },
        w.agent,
      )
    ).placementFreePlaces;
  const monthsOf = async (from: string, to: string) =>
    Object.fromEntries(
      (await freeAt(w.cpes[0].id, from, to))[0].months.map((m: any) => [m.month, m]),
    ) as Record<string, { placed: number; offered: number; free: number; capacity: number }>;
  const offer = async (facilityId: string, key: string) =>
    (
      await w.gql(
        'mutation($i: OfferPlaceInput!) { offerPlace(input: $i) { placementOffer { id } userErrors { code } } }',
        { i: { facilityId, ageGroup: 'TODDLER', startDate: START, idempotencyKey: key } },
        w.agent,
      )
    ).offerPlace;

  beforeAll(async () => {
    tenantId = await seedTestTenant('quebec', { slug: SLUG }, new Date(), 1);
    owner = await rawClient('owner');
    app = await startTestApp();
    w = await placementWorld(app, SLUG, 2);
    // Two toddlers who stay toddlers until after January 2028.
    [a, b] = familiesIn(w, 'TODDLER').filter((f) => lastToddlerDay(f.children[0].birthDate) > '2028-01-31');
    ageOut = lastToddlerDay(a.children[0].birthDate);
    for (const [i, f] of [a, b].entries()) {
      const res = await w.gql(
        APPLY,
        application(f.children[0].id, [w.cpes[0].id], `end-apply-${i}`),
        await w.parent(f.id),
      );
      expect(res.applyForPlacement.userErrors).toEqual([]);
    }
  }, 120_000);
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('a placement ends when its child leaves the age group; free places by month count it and open offers', async () => {
    const offered = await offer(w.cpes[0].id, 'end-offer-a');
    const accepted = await w.gql(
      'mutation($i: PlacementOfferInput!) { acceptPlacementOffer(input: $i) { placement { id startDate endDate status } userErrors { code } } }',
      { i: { offerId: offered.placementOffer.id, idempotencyKey: 'end-accept-a' } },
      await w.parent(a.id),
    );
    const placement = accepted.acceptPlacementOffer.placement;
    expect(placement).toMatchObject({ startDate: START, endDate: ageOut, status: 'ACTIVE' });
    placementId = placement.id;
    // B is offered the second place and has not answered yet.
    expect((await offer(w.cpes[0].id, 'end-offer-b')).userErrors).toEqual([]);

    const lastMonth = ageOut.slice(0, 7);
    const after = nextMonth(lastMonth);
    const months = await monthsOf('2027-08', after);
    // Two places: none held in August; A placed and B offered from September, until A ages out.
    expect(months['2027-08']).toEqual({ month: '2027-08', capacity: 2, placed: 0, offered: 0, free: 2 });
    expect(months['2027-09']).toEqual({ month: '2027-09', capacity: 2, placed: 1, offered: 1, free: 0 });
    expect(months[lastMonth]).toMatchObject({ placed: 1, offered: 1, free: 0 });
    expect(months[after]).toMatchObject({ placed: 0, offered: 1, free: 1 });

    // The dashboard and the queue give the same figures.
    const stats = await w.gql(
      `{ placementStatistics(from: "2027-08", to: "2027-09") { groups { ageGroup facility { id } months { ${MONTHS} } } } }`,
      {},
      w.agent,
    );
    const group = stats.placementStatistics.groups.find(
      (g: any) => g.facility.id === w.cpes[0].id && g.ageGroup === 'TODDLER',
    );
    expect(group.months).toEqual([months['2027-08'], months['2027-09']]);
    const queue = await w.gql(
      `query($f: ID!) { placementQueue(facilityId: $f, ageGroup: TODDLER) { freeByMonth(from: "2027-09", to: "2027-09") { ${MONTHS} } } }`,
      { f: w.cpes[0].id },
      w.agent,
    );
    expect(queue.placementQueue.freeByMonth).toEqual([months['2027-09']]);

    // A range past 24 months, or backwards, is refused.
    const tooLong = await app.gql(
      '{ placementFreePlaces(from: "2027-01", to: "2029-01") { ageGroup } }',
      {},
      { token: w.agent },
    );
    expect(tooLong.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['to'] });
  });

  const END = `mutation($i: EndPlacementInput!) { endPlacement(input: $i) {
    placement { id endDate status endReason } userErrors { code field } } }`;

  it('endPlacement: audited, frees the place after its last day; refusals write nothing', async () => {
    const ask = (endDate: string, key: string, as = w.agent) =>
      app.gql(
        END,
        { i: { placementId, endDate, reason: 'Déménagement à Lévis', idempotencyKey: key } },
        { token: as },
      );
    // Parents cannot.
    const parent = await ask('2027-10-15', 'end-parent', await w.parent(a.id));
    expect(parent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // Not after the end it already has, nor before its start.
    const late = await ask(DateTime.fromISO(ageOut).plus({ days: 1 }).toISODate()!, 'end-late');
    expect(late.data.endPlacement.userErrors).toEqual([{ code: 'INVALID', field: ['endDate'] }]);
    const early = await ask('2027-08-31', 'end-early');
    expect(early.data.endPlacement.userErrors).toEqual([{ code: 'INVALID', field: ['endDate'] }]);
    expect(await count(owner, 'audit_events', tenantId, `action = 'PLACEMENT_ENDED'`)).toBe(0);
    expect(await count(owner, 'placements', tenantId, `end_date = '${ageOut}' and status = 'ACTIVE'`)).toBe(
      1,
    );

    const ended = await ask('2027-10-15', 'end-ok');
    expect(ended.data.endPlacement).toEqual({
      placement: {
        id: placementId,
        endDate: '2027-10-15',
        status: 'ENDED',
        endReason: 'Déménagement à Lévis',
      },
      userErrors: [],
    });
    const { rows } = await owner.query(
      `select details->>'reason' as reason, details->>'previousEndDate' as previous from audit_events
       where tenant_id = $1 and action = 'PLACEMENT_ENDED'`,
      [tenantId],
    );
    expect(rows).toEqual([{ reason: 'Déménagement à Lévis', previous: ageOut }]);
    // The counter gave the place back; by month it is free from November.
    const cpe0 = fromGlobalId(w.cpes[0].id)!.id;
    const group = await owner.query(
      `select places_taken from facility_age_groups where tenant_id = $1 and facility_id = $2 and age_group = 'TODDLER'`,
      [tenantId, cpe0],
    );
    expect(group.rows[0].places_taken).toBe(0);
    const months = await monthsOf('2027-10', '2027-11');
    expect(months['2027-10']).toMatchObject({ placed: 1, offered: 1, free: 0 });
    expect(months['2027-11']).toMatchObject({ placed: 0, offered: 1, free: 1 });
    // Ended once: again is refused.
    const again = await ask('2027-10-01', 'end-again');
    expect(again.data.endPlacement.userErrors).toEqual([{ code: 'INVALID', field: ['placementId'] }]);
  });

  it('a placement past its last day gives its place back at the next change of its group', async () => {
    const cpe1 = fromGlobalId(w.cpes[1].id)!.id;
    const child = familiesIn(w, 'TODDLER').find((f) => f !== a && f !== b)!.children[0].id;
    const urgent = await w.gql(
      `mutation($i: AllocateUrgentPlaceInput!) { allocateUrgentPlace(input: $i) { placement { endDate status } userErrors { code } } }`,
      {
        i: {
          childId: child,
          facilityId: w.cpes[1].id,
          ageGroup: 'TODDLER',
          startDate: '2026-10-01',
          endDate: '2026-11-20',
          reason: 'Signalement des services sociaux',
          idempotencyKey: 'end-urgent',
        },
      },
    );
    expect(urgent.allocateUrgentPlace).toEqual({
      placement: { endDate: '2026-11-20', status: 'ACTIVE' },
      userErrors: [],
    });
    const taken = () =>
      owner
        .query(
          `select places_taken from facility_age_groups where tenant_id = $1 and facility_id = $2 and age_group = 'TODDLER'`,
          [tenantId, cpe1],
        )
        .then((r) => r.rows[0].places_taken);
    expect(await taken()).toBe(1);
    // The next offer at that group (nobody waits there: refused) settles it first.
    app.setNow('2026-11-21T12:00:00Z');
    expect((await offer(w.cpes[1].id, 'end-settle')).userErrors).toEqual([{ code: 'NOT_FOUND' }]);
    expect(await taken()).toBe(0);
    expect(await count(owner, 'placements', tenantId, `facility_id = '${cpe1}' and status = 'ENDED'`)).toBe(
      1,
    );
  });

  it('the monthly charge stops after the end', async () => {
    const admin = await token(SLUG, Role.TENANT_ADMIN);
    const RUN =
      'mutation($i: RunBillingInput!) { runBilling(input: $i) { billingRun { invoicesCreated } userErrors { code } } }';
    for (const [period, now] of [
      ['2027-10', '2027-11-02T12:00:00Z'],
      ['2027-11', '2027-12-02T12:00:00Z'],
    ]) {
      app.setNow(now);
      const res = await app.gql(
        RUN,
        { i: { period, idempotencyKey: `end-run-${period}` } },
        { token: admin },
      );
      expect(res.errors).toBeUndefined();
    }
    const { rows } = await owner.query(
      `select to_char(c.date, 'YYYY-MM') as month, c.quantity from charges c
       where c.tenant_id = $1 and c.placement_id = $2 order by c.date`,
      [tenantId, fromGlobalId(placementId)!.id],
    );
    // October 2027 up to Friday the 15th: 11 weekdays; nothing for November.
    expect(rows).toEqual([{ month: '2027-10', quantity: 11 }]);
  });
});
