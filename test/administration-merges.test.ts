import type { Client } from 'pg';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * Shared custody (a child in two households, each booking and paying its own days, each seeing
 * the other's only as taken) and the clean-up after a migration: likely duplicates reported,
 * families and children merged with everything they hold, in one transaction, audited. A Béziers
 * copy of its own, on Tuesday 1 December 2026; leisure-centre Wednesdays 9 and 16 December.
 */
describe('administration: shared custody, duplicates and merges', () => {
  const SLUG = 'test-adm-merges';
  const NOW = '2026-12-01T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let agent: string;
  let tenantId: string;
  let wed9: string;
  let wed16: string;
  let kid: { id: string; familyId: string };
  let otherFamilyId: string;
  const g = (type: string, id: string) => toGlobalId(type, id);
  const one = async (sql: string, params: unknown[] = []) => (await owner.query(sql, params)).rows[0];
  const count = async (sql: string, params: unknown[] = []) => Number((await one(sql, params)).n);
  let keys = 0;
  const key = () => `merge-${++keys}`;
  const RESERVE = `mutation($i: ReserveInput!) { reserve(input: $i) { reservations { id } userErrors { code field message } } }`;
  const HOUSEHOLD = `mutation($i: ChildHouseholdInput!) { addChildHousehold(input: $i) {
    child { id households { id } } userErrors { code field message } } }`;
  const MERGE_F = `mutation($i: MergeFamiliesInput!) { mergeFamilies(input: $i) {
    family { id children { id } } moved { children reservations charges invoices payments waitlistEntries }
    userErrors { code field message } } }`;
  const MERGE_C = `mutation($i: MergeChildrenInput!) { mergeChildren(input: $i) {
    child { id } moved { reservations } userErrors { code field message relatedId } } }`;

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'beziers',
      { slug: SLUG, families: 30, seed: 91, childAges: [5, 10] },
      new Date(NOW),
      4,
    );
    owner = await rawClient('owner');
    const session = async (date: string) =>
      (
        await one(
          `select s.id from sessions s join services v on v.id = s.service_id
           where s.tenant_id = $1 and v.kind = 'LEISURE_CENTRE' and s.date = $2`,
          [tenantId, date],
        )
      ).id as string;
    wed9 = await session('2026-12-09');
    wed16 = await session('2026-12-16');
    const kids = (
      await owner.query(
        `select distinct on (c.family_id) c.id, c.family_id as "familyId" from children c
         where c.tenant_id = $1 and c.birth_date between '2016-12-02' and '2021-06-01' order by c.family_id, c.id`,
        [tenantId],
      )
    ).rows;
    kid = kids[0];
    otherFamilyId = kids[1].familyId;
    app = await startTestApp();
    app.setNow(NOW);
    agent = await token(SLUG, Role.AGENT);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('lets each household of a child in shared custody book its own days, seeing the other’s only as taken', async () => {
    const refused = await app.gql(
      HOUSEHOLD,
      { i: { childId: g('Child', kid.id), familyId: g('Family', kid.familyId), idempotencyKey: key() } },
      { token: agent },
    );
    expect(refused.data.addChildHousehold.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['familyId'] }),
    ]);
    expect(await count(`select count(*) as n from child_households where tenant_id = $1`, [tenantId])).toBe(
      0,
    );
    const res = await app.gql(
      HOUSEHOLD,
      { i: { childId: g('Child', kid.id), familyId: g('Family', otherFamilyId), idempotencyKey: key() } },
      { token: agent },
    );
    expect(res.data.addChildHousehold.userErrors).toEqual([]);
    expect(res.data.addChildHousehold.child.households.map((h: { id: string }) => h.id)).toEqual([
      g('Family', kid.familyId),
      g('Family', otherFamilyId),
    ]);

    const mother = await token(SLUG, Role.PARENT, g('Family', kid.familyId));
    const father = await token(SLUG, Role.PARENT, g('Family', otherFamilyId));
    const a = await app.gql(
      RESERVE,
      { i: { childId: g('Child', kid.id), sessionIds: [g('Session', wed9)], idempotencyKey: key() } },
      { token: mother },
    );
    expect(a.data.reserve.userErrors).toEqual([]);
    const b = await app.gql(
      RESERVE,
      { i: { childId: g('Child', kid.id), sessionIds: [g('Session', wed16)], idempotencyKey: key() } },
      { token: father },
    );
    expect(b.data.reserve.userErrors).toEqual([]);
    const rows = (
      await owner.query(
        `select session_id, family_id from reservations where child_id = $1 and status = 'BOOKED'`,
        [kid.id],
      )
    ).rows;
    expect(Object.fromEntries(rows.map((r) => [r.session_id, r.family_id]))).toEqual({
      [wed9]: kid.familyId,
      [wed16]: otherFamilyId,
    });

    // The father sees the child among his children, his own booking, and the mother's day only as taken.
    const VIEW = `{ viewer { family { children { id reservations(first: 10) { nodes { id session { id } } }
      otherHouseholdBookings(from: "2026-12-01", to: "2026-12-31") { sessionId date bookedBy } } } } }`;
    const seen = await app.gql(VIEW, {}, { token: father });
    const child = seen.data.viewer.family.children.find((c: { id: string }) => c.id === g('Child', kid.id));
    expect(child.reservations.nodes.map((n: { session: { id: string } }) => n.session.id)).toEqual([
      g('Session', wed16),
    ]);
    expect(child.otherHouseholdBookings).toEqual([
      { sessionId: g('Session', wed9), date: '2026-12-09', bookedBy: 'OTHER_HOUSEHOLD' },
    ]);
    const households = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Child { households { id } } } }`,
      { id: g('Child', kid.id) },
      { token: father },
    );
    expect(households.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // Staff see every household's bookings of the child.
    const staff = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Child { reservations(first: 10) { nodes { id } } } } }`,
      { id: g('Child', kid.id) },
      { token: agent },
    );
    expect(staff.data.node.reservations.nodes).toHaveLength(2);
    const dupless = (
      await one(`select id from families where tenant_id = $1 and id <> $2 and id <> $3 limit 1`, [
        tenantId,
        kid.familyId,
        otherFamilyId,
      ])
    ).id;
    // At the counter, staff name the household booking (and paying); another family is NOT_FOUND.
    const wed23 = (
      await one(
        `select s.id from sessions s join services v on v.id = s.service_id
         where s.tenant_id = $1 and v.kind = 'LEISURE_CENTRE' and s.date = '2026-12-23'`,
        [tenantId],
      )
    ).id;
    const stranger = await app.gql(
      RESERVE,
      {
        i: {
          childId: g('Child', kid.id),
          sessionIds: [g('Session', wed23)],
          householdId: g('Family', dupless),
          idempotencyKey: key(),
        },
      },
      { token: agent },
    );
    expect(stranger.data.reserve.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['householdId'] }),
    ]);
    const counter = await app.gql(
      RESERVE,
      {
        i: {
          childId: g('Child', kid.id),
          sessionIds: [g('Session', wed23)],
          householdId: g('Family', otherFamilyId),
          idempotencyKey: key(),
        },
      },
      { token: agent },
    );
    expect(counter.data.reserve.userErrors).toEqual([]);
    expect(
      (
        await one(`select family_id from reservations where child_id = $1 and session_id = $2`, [
          kid.id,
          wed23,
        ])
      ).family_id,
    ).toBe(otherFamilyId);
  });

  it('ends shared custody only once that household holds no booking nor place in line for the child, audited', async () => {
    const REMOVE = `mutation($i: ChildHouseholdInput!) { removeChildHousehold(input: $i) {
      child { id households { id } } userErrors { code field message } } }`;
    const input = (idempotencyKey: string) => ({
      i: { childId: g('Child', kid.id), familyId: g('Family', otherFamilyId), idempotencyKey },
    });
    const links = () =>
      count(`select count(*) as n from child_households where child_id = $1 and family_id = $2`, [
        kid.id,
        otherFamilyId,
      ]);
    // The father's household booked the 16th and the 23rd (above).
    const booked = await app.gql(REMOVE, input(key()), { token: agent });
    expect(booked.data.removeChildHousehold.userErrors).toEqual([
      expect.objectContaining({
        code: 'NOT_ALLOWED',
        field: ['familyId'],
        message: expect.stringContaining('2 '),
      }),
    ]);
    expect(await links()).toBe(1);
    const theirs = (
      await owner.query(
        `update reservations set status = 'CANCELLED', cancelled_at = now() where child_id = $1 and family_id = $2
         and status = 'BOOKED' returning session_id`,
        [kid.id, otherFamilyId],
      )
    ).rows.map((r) => r.session_id as string);
    await owner.query(`update sessions set places_taken = places_taken - 1 where id = any($1)`, [theirs]);
    // …and it still waits in line for the child on the 23rd: a freed place would book the child for it.
    const wed23 = (await one(`select id from sessions where id = any($1) and date = '2026-12-23'`, [theirs]))
      .id as string;
    await owner.query(
      `insert into waitlist_entries (id, tenant_id, session_id, child_id, family_id, joined_at, channel, created_by, updated_at)
       values (gen_random_uuid(), $1, $2, $3, $4, now(), 'ONLINE', 'test', now())`,
      [tenantId, wed23, kid.id, otherFamilyId],
    );
    const waiting = await app.gql(REMOVE, input(key()), { token: agent });
    expect(waiting.data.removeChildHousehold.userErrors).toEqual([
      expect.objectContaining({
        code: 'NOT_ALLOWED',
        field: ['familyId'],
        message: expect.stringContaining('1 '),
      }),
    ]);
    expect(await links()).toBe(1);
    await owner.query(`update waitlist_entries set status = 'LEFT' where child_id = $1 and family_id = $2`, [
      kid.id,
      otherFamilyId,
    ]);
    const removed = await app.gql(REMOVE, input('remove-household'), { token: agent });
    expect(removed.data.removeChildHousehold).toEqual({
      child: { id: g('Child', kid.id), households: [{ id: g('Family', kid.familyId) }] },
      userErrors: [],
    });
    expect(await links()).toBe(0);
    const replay = await app.gql(REMOVE, input('remove-household'), { token: agent });
    expect(replay.data.removeChildHousehold.userErrors).toEqual([]);
    const events = await owner.query(
      `select details from audit_events where tenant_id = $1 and action = 'CHILD_HOUSEHOLD_REMOVED'`,
      [tenantId],
    );
    expect(events.rows.map((r) => r.details)).toEqual([
      { before: { households: [otherFamilyId] }, after: { households: [] } },
    ]);
    // The father no longer sees the child among his children.
    const father = await token(SLUG, Role.PARENT, g('Family', otherFamilyId));
    const seen = await app.gql(`{ viewer { family { children { id } } } }`, {}, { token: father });
    expect(seen.data.viewer.family.children).not.toContainEqual({ id: g('Child', kid.id) });
  });

  let dupA: string;
  let dupB: string;
  it('reports likely duplicate families and children', async () => {
    // A migration's usual result: the same household twice, with the same child.
    const make = async (name: string, email: string) => {
      const id = (
        await one(
          `insert into families (id, tenant_id, name, guardians) values (gen_random_uuid(), $1, $2, $3) returning id`,
          [tenantId, name, JSON.stringify([{ firstName: 'Paul', lastName: 'Durand', email, phone: null }])],
        )
      ).id as string;
      await owner.query(
        `insert into children (id, tenant_id, family_id, first_name, last_name, birth_date) values (gen_random_uuid(), $1, $2, $3, 'Durand', '2018-05-06')`,
        [tenantId, id, name.endsWith('2') ? 'Chloé' : 'CHLOE'],
      );
      return id;
    };
    dupA = await make('Famille Durand', 'paul.durand@example.fr');
    dupB = await make('Famille Durand 2', 'Paul.Durand@example.fr');
    const res = await app.gql(
      `{ familyDuplicates(first: 10) { reason value families { id } } childDuplicates(first: 10) { reason value children { id } } }`,
      {},
      { token: agent },
    );
    expect(res.data.familyDuplicates).toContainEqual({
      reason: 'SAME_EMAIL',
      value: 'paul.durand@example.fr',
      families: [dupA, dupB].sort().map((id) => ({ id: g('Family', id) })),
    });
    expect(res.data.childDuplicates).toContainEqual(
      expect.objectContaining({ reason: 'SAME_NAME_AND_BIRTH_DATE', value: 'chloe durand 2018-05-06' }),
    );
  });

  it('merges two families: everything moves in one transaction, the merged ID resolves to the kept one, audited', async () => {
    const childB = (await one(`select id from children where family_id = $1`, [dupB])).id;
    const booked = await app.gql(
      RESERVE,
      { i: { childId: g('Child', childB), sessionIds: [g('Session', wed9)], idempotencyKey: key() } },
      { token: agent },
    );
    expect(booked.data.reserve.userErrors).toEqual([]);
    const same = await app.gql(
      MERGE_F,
      { i: { keepFamilyId: g('Family', dupA), mergeFamilyId: g('Family', dupA), idempotencyKey: key() } },
      { token: agent },
    );
    expect(same.data.mergeFamilies.userErrors).toEqual([expect.objectContaining({ code: 'INVALID' })]);
    const parent = await app.gql(
      MERGE_F,
      { i: { keepFamilyId: g('Family', dupA), mergeFamilyId: g('Family', dupB), idempotencyKey: key() } },
      { token: await token(SLUG, Role.PARENT, g('Family', dupA)) },
    );
    expect(parent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await count(`select count(*) as n from children where family_id = $1`, [dupB])).toBe(1);

    const input = {
      keepFamilyId: g('Family', dupA),
      mergeFamilyId: g('Family', dupB),
      idempotencyKey: 'merge-durand',
    };
    const res = await app.gql(MERGE_F, { i: input }, { token: agent });
    expect(res.data.mergeFamilies.userErrors).toEqual([]);
    expect(res.data.mergeFamilies.moved).toMatchObject({ children: 1, reservations: 1 });
    expect(res.data.mergeFamilies.family.children).toHaveLength(2);
    expect(await count(`select count(*) as n from reservations where family_id = $1`, [dupB])).toBe(0);
    expect(await count(`select count(*) as n from reservations where family_id = $1`, [dupA])).toBe(1);
    expect(
      await one(`select merged_into_id, archived_at is not null as archived from families where id = $1`, [
        dupB,
      ]),
    ).toEqual({ merged_into_id: dupA, archived: true });
    const node = await app.gql(
      `query($id: ID!) { node(id: $id) { id } }`,
      { id: g('Family', dupB) },
      { token: agent },
    );
    expect(node.data.node.id).toBe(g('Family', dupA));
    const replay = await app.gql(MERGE_F, { i: input }, { token: agent });
    expect(replay.data.mergeFamilies.moved).toEqual(res.data.mergeFamilies.moved);
    const event = await one(
      `select details from audit_events where tenant_id = $1 and action = 'FAMILIES_MERGED'`,
      [tenantId],
    );
    expect(event.details).toMatchObject({
      keptFamilyId: dupA,
      mergedFamilyId: dupB,
      moved: { reservations: 1, children: 1 },
    });
  });

  it('refuses to merge two child records booked on the same session, naming it; merges them once one is cancelled', async () => {
    const [first, second] = (
      await owner.query(`select id from children where family_id = $1 order by first_name`, [dupA])
    ).rows.map((r) => r.id as string);
    // The second record is booked on the 9th (moved above); book the first on the 9th too.
    const both = await app.gql(
      RESERVE,
      { i: { childId: g('Child', first), sessionIds: [g('Session', wed9)], idempotencyKey: key() } },
      { token: agent },
    );
    expect(both.data.reserve.userErrors).toEqual([]);
    const before = await count(`select count(*) as n from reservations where child_id = $1`, [second]);
    const res = await app.gql(
      MERGE_C,
      { i: { keepChildId: g('Child', first), mergeChildId: g('Child', second), idempotencyKey: key() } },
      { token: agent },
    );
    expect(res.data.mergeChildren.userErrors).toEqual([
      expect.objectContaining({
        code: 'MERGE_CONFLICT',
        field: ['mergeChildId'],
        relatedId: g('Session', wed9),
      }),
    ]);
    expect(res.data.mergeChildren.userErrors[0].message).toContain('2026-12-09');
    expect(await count(`select count(*) as n from reservations where child_id = $1`, [second])).toBe(before);
    await owner.query(
      `update reservations set status = 'CANCELLED', cancelled_at = now() where child_id = $1`,
      [second],
    );
    await owner.query(`update sessions set places_taken = places_taken - 1 where id = $1`, [wed9]);
    const ok = await app.gql(
      MERGE_C,
      { i: { keepChildId: g('Child', first), mergeChildId: g('Child', second), idempotencyKey: key() } },
      { token: agent },
    );
    expect(ok.data.mergeChildren.userErrors).toEqual([]);
    expect(ok.data.mergeChildren.moved.reservations).toBe(1);
    expect(await count(`select count(*) as n from reservations where child_id = $1`, [second])).toBe(0);
    const node = await app.gql(
      `query($id: ID!) { node(id: $id) { id } }`,
      { id: g('Child', second) },
      { token: agent },
    );
    expect(node.data.node.id).toBe(g('Child', first));
    expect(
      await count(
        `select count(*) as n from audit_events where tenant_id = $1 and action = 'CHILDREN_MERGED'`,
        [tenantId],
      ),
    ).toBe(1);
  });
});
