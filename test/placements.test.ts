import type { Client } from 'pg';
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
 * Applications for childcare places through the API (docs/placements.md), on a Québec copy: a
 * family applies over several CPEs and sees its rank, the number ahead and the criteria that count;
 * the window closes (the outage): families are refused, agents keep working, ranks and
 * registration instants stay; an urgent place in a temporary centre is audited and reported.
 */
describe('placement applications', () => {
  const SLUG = 'test-placements';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let w: PlacementWorld;

  beforeAll(async () => {
    tenantId = await seedTestTenant('quebec', { slug: SLUG }, new Date(), 1);
    owner = await rawClient('owner');
    app = await startTestApp();
    w = await placementWorld(app, SLUG);
  }, 120_000);
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  const standingsOf = async (id: string, as: string) =>
    (
      await w.gql(
        'query($id: ID!) { node(id: $id) { ... on PlacementApplication { registeredAt standings { rank ahead queueLength points registeredAt facility { id } criteria { code points } } } } }',
        { id },
        as,
      )
    ).node;

  it('a family applies over several CPEs and sees its rank, the number ahead and the criteria that count', async () => {
    const [a, b] = familiesIn(w, 'TODDLER');
    const [cpe0, cpe1] = w.cpes;
    const first = await w.gql(
      APPLY,
      application(a.children[0].id, [cpe0.id, cpe1.id], 'apply-a'),
      await w.parent(a.id),
    );
    expect(first.applyForPlacement.userErrors).toEqual([]);
    const appA = first.applyForPlacement.placementApplication;
    expect(appA).toMatchObject({ status: 'ACTIVE', channel: 'ONLINE' });
    expect(appA.standings.map((s: any) => s.facility.id)).toEqual([cpe0.id, cpe1.id]);
    // B applies later, declaring the staff criterion, which counts at the first CPE only once verified.
    const second = await w.gql(
      APPLY,
      application(b.children[0].id, [cpe1.id, cpe0.id], 'apply-b', {
        criteria: [{ code: 'STAFF_CHILD', documentRef: 'att-2027-11' }],
      }),
      await w.parent(b.id),
    );
    const appB = second.applyForPlacement.placementApplication;
    expect(await count(owner, 'application_criteria', tenantId, `status = 'DECLARED'`)).toBe(1);
    const verify = await w.gql(
      'mutation($i: VerifyCriterionInput!) { verifyCriterion(input: $i) { userErrors { code } } }',
      { i: { applicationId: appB.id, code: 'STAFF_CHILD', verified: true, idempotencyKey: 'verify-b' } },
      w.agent,
    );
    expect(verify.verifyCriterion.userErrors).toEqual([]);
    const seenByB = await standingsOf(appB.id, await w.parent(b.id));
    const atCpe0 = seenByB.standings.find((s: any) => s.facility.id === cpe0.id);
    const atCpe1 = seenByB.standings.find((s: any) => s.facility.id === cpe1.id);
    expect(atCpe0.criteria).toEqual([{ code: 'STAFF_CHILD', points: 50 }]);
    expect(atCpe1.criteria).toEqual([]);
    // A family in another age group is in another queue: compare ranks only where both wait.
    const seenByA = await standingsOf(appA.id, await w.parent(a.id));
    const aAt0 = seenByA.standings.find((s: any) => s.facility.id === cpe0.id);
    // B registered later, but the verified staff criterion puts it first at the first CPE only.
    expect(atCpe0).toMatchObject({ rank: 1, ahead: 0, queueLength: 2, points: 50 });
    expect(aAt0).toMatchObject({ rank: 2, ahead: 1, queueLength: 2, points: 0 });
    const aAt1 = seenByA.standings.find((s: any) => s.facility.id === cpe1.id);
    expect(aAt1).toMatchObject({ rank: 1, ahead: 0 });
    expect(atCpe1).toMatchObject({ rank: 2, ahead: 1, points: 0 });
    // A parent never sees another family's application.
    const peek = await app.gql(
      'query($id: ID!) { node(id: $id) { id } }',
      { id: appB.id },
      { token: await w.parent(a.id) },
    );
    expect(peek.data.node).toBeNull();
  });

  it('refuses a second live application, an unknown criterion and a facility named twice, writing nothing', async () => {
    const a = familiesIn(w, 'TODDLER')[0];
    const before = await count(owner, 'placement_applications', tenantId);
    const again = await w.gql(
      APPLY,
      application(a.children[0].id, [w.cpes[2].id], 'apply-a-again'),
      await w.parent(a.id),
    );
    expect(again.applyForPlacement.userErrors).toMatchObject([
      { code: 'INVALID', reason: 'ALREADY_APPLIED' },
    ]);
    const c = w.families[2];
    const bad = await w.gql(
      APPLY,
      application(c.children[0].id, [w.cpes[2].id, w.cpes[2].id], 'apply-c-bad', {
        criteria: [{ code: 'NOPE' }],
      }),
      await w.parent(c.id),
    );
    expect(bad.applyForPlacement.userErrors.map((e: any) => e.field)).toEqual([
      ['facilityIds', '1'],
      ['criteria', '0', 'code'],
    ]);
    expect(await count(owner, 'placement_applications', tenantId)).toBe(before);
  });

  it('while the window is closed, families are refused and agents keep working; reopening changes no rank', async () => {
    const [a, , c, d] = familiesIn(w, 'TODDLER');
    const list = await w.gql(
      'query($f: ID) { placementApplications(familyId: $f) { id registeredAt standings { rank facility { id } } } }',
      { f: a.id },
      w.agent,
    );
    const before = list.placementApplications[0];
    const window =
      'mutation($i: SetPlacementApplicationsOpenInput!) { setPlacementApplicationsOpen(input: $i) { placementApplicationsOpen userErrors { code } } }';
    const closed = await w.gql(window, { i: { open: false, reason: 'Fournisseur compromis' } });
    expect(closed.setPlacementApplicationsOpen.placementApplicationsOpen).toBe(false);
    const directory = await app.gql(`{ tenants { slug placementApplicationsOpen } }`);
    expect(directory.data.tenants.find((t: any) => t.slug === SLUG).placementApplicationsOpen).toBe(false);

    const rows = await count(owner, 'placement_applications', tenantId);
    const refused = await w.gql(
      APPLY,
      application(c.children[0].id, [w.cpes[0].id], 'apply-c-closed'),
      await w.parent(c.id),
    );
    expect(refused.applyForPlacement.userErrors).toMatchObject([{ code: 'CLOSED', reason: 'WINDOW_CLOSED' }]);
    const edit = await w.gql(
      'mutation($i: UpdatePlacementApplicationInput!) { updatePlacementApplication(input: $i) { userErrors { code } } }',
      { i: { applicationId: before.id, daysPerWeek: 3, idempotencyKey: 'edit-closed' } },
      await w.parent(a.id),
    );
    expect(edit.updatePlacementApplication.userErrors).toMatchObject([{ code: 'CLOSED' }]);
    expect(await count(owner, 'placement_applications', tenantId)).toBe(rows);
    // An agent applies on a family's behalf: channel COUNTER, audited.
    const byAgent = await w.gql(
      APPLY,
      application(d.children[0].id, [w.cpes[3].id], 'apply-d-counter'),
      w.agent,
    );
    expect(byAgent.applyForPlacement.placementApplication.channel).toBe('COUNTER');
    expect(
      await count(owner, 'audit_events', tenantId, `action = 'PLACEMENT_APPLIED' and channel = 'COUNTER'`),
    ).toBe(1);

    await w.gql(window, { i: { open: true, reason: 'Plateforme rétablie' } });
    const after = (
      await w.gql(
        'query($f: ID) { placementApplications(familyId: $f) { id registeredAt standings { rank facility { id } } } }',
        { f: a.id },
        w.agent,
      )
    ).placementApplications[0];
    expect(after).toEqual(before);
    expect(await count(owner, 'audit_events', tenantId, `action = 'PLACEMENT_WINDOW_CHANGED'`)).toBe(2);
  });

  it('an update keeps the registration instant, which PostgreSQL itself refuses to change', async () => {
    const a = familiesIn(w, 'TODDLER')[0];
    const [mine] = (await w.gql('{ placementApplications { id registeredAt } }', {}, await w.parent(a.id)))
      .placementApplications;
    const res = await w.gql(
      'mutation($i: UpdatePlacementApplicationInput!) { updatePlacementApplication(input: $i) { placementApplication { registeredAt daysPerWeek preferences { preference facility { id } } } userErrors { code } } }',
      {
        i: {
          applicationId: mine.id,
          daysPerWeek: 3,
          facilityIds: [w.cpes[1].id, w.cpes[0].id, w.cpes[4].id],
          idempotencyKey: 'edit-open',
        },
      },
      await w.parent(a.id),
    );
    const updated = res.updatePlacementApplication.placementApplication;
    expect(updated.registeredAt).toBe(mine.registeredAt);
    expect(updated.daysPerWeek).toBe(3);
    expect(updated.preferences.map((p: any) => p.facility.id)).toEqual([
      w.cpes[1].id,
      w.cpes[0].id,
      w.cpes[4].id,
    ]);
    await expect(
      owner.query(`update placement_applications set registered_at = now() where tenant_id = $1`, [tenantId]),
    ).rejects.toThrow(/registration instant/);
  });

  it('an urgent place in a temporary centre: audited, reported, never past the capacity', async () => {
    const created = await w.gql(
      'mutation($i: CreateTemporaryFacilityInput!) { createTemporaryFacility(input: $i) { facility { id temporaryUntil endsOn } userErrors { code } } }',
      {
        i: {
          name: 'Centre temporaire Limoilou',
          endDate: '2027-06-30',
          capacity: 20,
          idempotencyKey: 'temp-1',
        },
      },
    );
    const temp = created.createTemporaryFacility.facility;
    // One end date: the catalogue's endsOn (temporaryUntil is its deprecated name).
    expect(temp).toMatchObject({ temporaryUntil: '2027-06-30', endsOn: '2027-06-30' });
    const columns = await owner.query(
      `select column_name from information_schema.columns where table_name = 'facilities'
         and column_name in ('ends_on', 'temporary', 'temporary_until')`,
    );
    expect(columns.rows.map((r) => r.column_name)).toEqual(['ends_on']);
    await w.gql(
      'mutation($i: SetFacilityAgeGroupInput!) { setFacilityAgeGroup(input: $i) { userErrors { code } } }',
      {
        i: { facilityId: temp.id, ageGroup: 'TODDLER', minMonths: 0, maxMonths: 84, capacity: 1 },
      },
    );
    const urgent = `mutation($i: AllocateUrgentPlaceInput!) { allocateUrgentPlace(input: $i) {
      placement { id urgent urgentReason endDate createdBy child { id } facility { id } } userErrors { code } } }`;
    const child = w.families[5].children[0].id;
    const input = {
      childId: child,
      facilityId: temp.id,
      ageGroup: 'TODDLER',
      startDate: '2026-12-07',
      reason: 'Retour au travail imprévu, parent seul',
      idempotencyKey: 'urgent-1',
    };
    // Agents cannot: tenant admins only.
    const forbidden = await app.gql(urgent, { i: input }, { token: w.agent });
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const given = (await w.gql(urgent, { i: input })).allocateUrgentPlace;
    expect(given.userErrors).toEqual([]);
    expect(given.placement).toMatchObject({ urgent: true, endDate: '2027-06-30', child: { id: child } });
    const full = (
      await w.gql(urgent, {
        i: { ...input, childId: w.families[6].children[0].id, idempotencyKey: 'urgent-2' },
      })
    ).allocateUrgentPlace;
    expect(full.userErrors).toMatchObject([{ code: 'FULL' }]);
    const { rows } = await owner.query(
      `select actor, details->>'reason' as reason, family_id from audit_events where tenant_id = $1 and action = 'URGENT_PLACE_ALLOCATED'`,
      [tenantId],
    );
    expect(rows).toEqual([
      { actor: `test:${SLUG}:TENANT_ADMIN`, reason: input.reason, family_id: expect.any(String) },
    ]);
    expect(await count(owner, 'placements', tenantId, 'urgent')).toBe(1);
    const report = await w.gql(
      '{ urgentPlacements(from: "2026-12-01", to: "2027-01-31") { id urgentReason createdBy facility { id } } }',
      {},
      w.agent,
    );
    expect(report.urgentPlacements).toEqual([
      {
        id: given.placement.id,
        urgentReason: input.reason,
        createdBy: `test:${SLUG}:TENANT_ADMIN`,
        facility: { id: temp.id },
      },
    ]);
    const parentReport = await app.gql(
      '{ urgentPlacements(from: "2026-12-01", to: "2027-01-31") { id } }',
      {},
      { token: await token(SLUG, Role.PARENT, w.families[5].id) },
    );
    expect(parentReport.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(START).toBe('2027-09-01');
  });
});
