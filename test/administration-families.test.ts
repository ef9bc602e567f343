import type { Client } from 'pg';
import { fromGlobalId, toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * Families and children registered, changed and archived through the API by a town's agents (and
 * parents for their own contact details): bad input refused with a code and the field, and
 * nothing written; duplicates refused; every write audited (before → after) and retry-safe. A
 * Béziers copy of its own, on Tuesday 1 December 2026.
 */
describe('administration: families and children', () => {
  const SLUG = 'test-adm-families';
  const NOW = '2026-12-01T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let agent: string;
  let tenantId: string;
  let schoolId: string;
  let centreId: string;
  let sessionId: string;
  const g = (type: string, id: string) => toGlobalId(type, id);
  const one = async (sql: string, params: unknown[] = []) => (await owner.query(sql, params)).rows[0];
  const count = async (sql: string, params: unknown[] = []) => Number((await one(sql, params)).n);
  const audits = (action: string) =>
    count(`select count(*) as n from audit_events where tenant_id = $1 and action = $2`, [tenantId, action]);
  const families = () => count(`select count(*) as n from families where tenant_id = $1`, [tenantId]);
  const children = () => count(`select count(*) as n from children where tenant_id = $1`, [tenantId]);
  let keys = 0;
  const key = () => `fam-${++keys}`;

  const REGISTER = `mutation($i: RegisterFamilyInput!) { registerFamily(input: $i) {
    family { id name guardians { firstName lastName email phone } city externalRef familyQuotient }
    userErrors { code field message relatedId } } }`;
  const UPDATE = `mutation($i: UpdateFamilyInput!) { updateFamily(input: $i) {
    family { id name guardians { email phone } address city } userErrors { code field message } } }`;
  const ARCHIVE = `mutation($i: ArchiveFamilyInput!) { archiveFamily(input: $i) { archivedFamilyId userErrors { code field message } } }`;
  const ADD_CHILD = `mutation($i: AddChildInput!) { addChild(input: $i) {
    child { id firstName birthDate schoolClass diet school { id } family { id } } userErrors { code field message relatedId } } }`;
  const UPDATE_CHILD = `mutation($i: UpdateChildInput!) { updateChild(input: $i) {
    child { id firstName schoolClass diet school { id } } userErrors { code field message } } }`;
  const ARCHIVE_CHILD = `mutation($i: ArchiveChildInput!) { archiveChild(input: $i) { archivedChildId userErrors { code field message } } }`;
  const RESERVE = `mutation($i: ReserveInput!) { reserve(input: $i) { reservations { id } userErrors { code field } } }`;

  const martin = {
    name: 'Famille Martin-Roux',
    guardians: [
      { firstName: 'Anne', lastName: 'Martin', email: 'Anne.Martin@example.fr', phone: '06 12 34 56 78' },
    ],
    address: '3 rue des Lilas',
    postalCode: '34500',
    city: 'Béziers',
    familyQuotient: 640,
    externalRef: 'OLD-0001',
  };
  let martinId: string;

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'beziers',
      { slug: SLUG, families: 20, seed: 77, childAges: [5, 10] },
      new Date(NOW),
      4,
    );
    owner = await rawClient('owner');
    schoolId = (
      await one(`select id from facilities where tenant_id = $1 and kind = 'SCHOOL' order by name limit 1`, [
        tenantId,
      ])
    ).id;
    centreId = (
      await one(`select id from facilities where tenant_id = $1 and kind = 'LEISURE_CENTRE' limit 1`, [
        tenantId,
      ])
    ).id;
    sessionId = (
      await one(
        `select s.id from sessions s join services v on v.id = s.service_id
         where s.tenant_id = $1 and v.kind = 'LEISURE_CENTRE' and s.date = '2026-12-16'`,
        [tenantId],
      )
    ).id;
    app = await startTestApp();
    app.setNow(NOW);
    agent = await token(SLUG, Role.AGENT);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('refuses bad family input with a code and the field path, and writes nothing', async () => {
    const before = await families();
    const cases: [Record<string, unknown>, string[]][] = [
      [{ name: '  ' }, ['name']],
      [{ guardians: [] }, ['guardians']],
      [{ guardians: [{ ...martin.guardians[0], email: 'not-an-email' }] }, ['guardians', '0', 'email']],
      [{ guardians: [{ ...martin.guardians[0], phone: '12' }] }, ['guardians', '0', 'phone']],
      [{ guardians: [{ firstName: 'A', lastName: 'B' }] }, ['guardians', '0']],
      [{ familyQuotient: -1 }, ['familyQuotient']],
      [{ familyQuotient: 1_000_000 }, ['familyQuotient']],
    ];
    for (const [change, field] of cases) {
      const res = await app.gql(
        REGISTER,
        { i: { ...martin, ...change, idempotencyKey: key() } },
        { token: agent },
      );
      expect(res.data.registerFamily.userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID', field }),
      ]);
      expect(res.data.registerFamily.family).toBeNull();
    }
    const long = await app.gql(
      REGISTER,
      { i: { ...martin, name: 'x'.repeat(256), idempotencyKey: key() } },
      { token: agent },
    );
    // Over its limit: refused in the payload like the rest, naming the field, nothing run.
    expect(long.data.registerFamily.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['name'] }),
    ]);
    expect(long.data.registerFamily.family).toBeNull();
    const parent = await app.gql(
      REGISTER,
      { i: { ...martin, idempotencyKey: key() } },
      {
        token: await token(
          SLUG,
          Role.PARENT,
          g('Family', (await one(`select id from families where tenant_id = $1 limit 1`, [tenantId])).id),
        ),
      },
    );
    expect(parent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await families()).toBe(before);
    expect(await audits('FAMILY_REGISTERED')).toBe(0);
  });

  it('registers a family, audited and retry-safe, and refuses a duplicate email or file number', async () => {
    const input = { ...martin, idempotencyKey: 'register-martin' };
    const res = await app.gql(REGISTER, { i: input }, { token: agent });
    expect(res.data.registerFamily.userErrors).toEqual([]);
    const family = res.data.registerFamily.family;
    expect(family).toMatchObject({
      name: 'Famille Martin-Roux',
      city: 'Béziers',
      externalRef: 'OLD-0001',
      familyQuotient: 640,
    });
    expect(family.guardians[0].email).toBe('anne.martin@example.fr');
    martinId = family.id;
    const replay = await app.gql(REGISTER, { i: input }, { token: agent });
    expect(replay.data.registerFamily.family.id).toBe(martinId);
    expect(
      await count(`select count(*) as n from families where tenant_id = $1 and external_ref = 'OLD-0001'`, [
        tenantId,
      ]),
    ).toBe(1);
    expect(await audits('FAMILY_REGISTERED')).toBe(1);
    const before = await families();
    const sameEmail = await app.gql(
      REGISTER,
      {
        i: {
          ...martin,
          externalRef: null,
          guardians: [{ firstName: 'A', lastName: 'M', email: 'ANNE.MARTIN@example.fr' }],
          idempotencyKey: key(),
        },
      },
      { token: agent },
    );
    expect(sameEmail.data.registerFamily.userErrors).toEqual([
      expect.objectContaining({ code: 'DUPLICATE', field: ['guardians', '0', 'email'], relatedId: martinId }),
    ]);
    expect(sameEmail.data.registerFamily.userErrors[0].message).toContain('Famille Martin-Roux');
    const sameRef = await app.gql(
      REGISTER,
      {
        i: {
          ...martin,
          guardians: [{ firstName: 'B', lastName: 'C', phone: '0600000000' }],
          idempotencyKey: key(),
        },
      },
      { token: agent },
    );
    expect(sameRef.data.registerFamily.userErrors).toEqual([
      expect.objectContaining({ code: 'DUPLICATE', field: ['externalRef'] }),
    ]);
    expect(await families()).toBe(before);
  });

  it('lets a parent change their own contact details only, and staff anything, audited before → after', async () => {
    const parent = await token(SLUG, Role.PARENT, martinId);
    const name = await app.gql(
      UPDATE,
      { i: { familyId: martinId, name: 'Famille X', idempotencyKey: key() } },
      { token: parent },
    );
    expect(name.data.updateFamily.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_ALLOWED', field: ['name'] }),
    ]);
    const other = g(
      'Family',
      (
        await one(
          `select id from families where tenant_id = $1 and external_ref is distinct from 'OLD-0001' limit 1`,
          [tenantId],
        )
      ).id,
    );
    const foreign = await app.gql(
      UPDATE,
      { i: { familyId: other, city: 'Agde', idempotencyKey: key() } },
      { token: parent },
    );
    expect(foreign.data.updateFamily.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    const bad = await app.gql(
      UPDATE,
      {
        i: {
          familyId: martinId,
          guardians: [{ firstName: 'Anne', lastName: 'Martin', email: 'x@' }],
          idempotencyKey: key(),
        },
      },
      { token: parent },
    );
    expect(bad.data.updateFamily.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['guardians', '0', 'email'] }),
    ]);
    expect(await audits('FAMILY_UPDATED')).toBe(0);
    const ok = await app.gql(
      UPDATE,
      {
        i: {
          familyId: martinId,
          address: '8 avenue Foch',
          guardians: [
            { firstName: 'Anne', lastName: 'Martin', email: 'anne@example.fr', phone: '+33 6 12 34 56 78' },
          ],
          idempotencyKey: key(),
        },
      },
      { token: parent },
    );
    expect(ok.data.updateFamily.userErrors).toEqual([]);
    expect(ok.data.updateFamily.family).toMatchObject({
      address: '8 avenue Foch',
      city: 'Béziers',
      guardians: [{ email: 'anne@example.fr' }],
    });
    const event = await one(
      `select actor, details from audit_events where tenant_id = $1 and action = 'FAMILY_UPDATED'`,
      [tenantId],
    );
    expect(event.details.before.address).toBe('3 rue des Lilas');
    expect(event.details.after.address).toBe('8 avenue Foch');
    const staff = await app.gql(
      UPDATE,
      { i: { familyId: martinId, name: 'Famille Martin', city: '', idempotencyKey: key() } },
      { token: agent },
    );
    expect(staff.data.updateFamily.family).toMatchObject({ name: 'Famille Martin', city: null });
  });

  let childId: string;
  it('enrols a child, refusing impossible birth dates, a facility that is not a school and a duplicate', async () => {
    const base = {
      familyId: martinId,
      firstName: 'Léa',
      lastName: 'Martin',
      birthDate: '2019-03-04',
      schoolId: g('Facility', schoolId),
      schoolClass: 'GS',
    };
    const before = await children();
    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ birthDate: '2027-01-01' }, 'INVALID', ['birthDate']],
      [{ birthDate: '1990-01-01' }, 'INVALID', ['birthDate']],
      [{ firstName: '' }, 'INVALID', ['firstName']],
      [{ schoolId: g('Facility', centreId) }, 'INVALID', ['schoolId']],
    ];
    for (const [change, code, field] of cases) {
      const res = await app.gql(
        ADD_CHILD,
        { i: { ...base, ...change, idempotencyKey: key() } },
        { token: agent },
      );
      expect(res.data.addChild.userErrors).toEqual([expect.objectContaining({ code, field })]);
    }
    const wrongType = await app.gql(
      ADD_CHILD,
      { i: { ...base, familyId: g('Child', '00000000-0000-4000-8000-000000000000'), idempotencyKey: key() } },
      { token: agent },
    );
    expect(wrongType.data.addChild.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['familyId'] }),
    ]);
    expect(await children()).toBe(before);
    const res = await app.gql(
      ADD_CHILD,
      { i: { ...base, diet: 'ALLERGY_PLAN', idempotencyKey: 'child-lea' } },
      { token: agent },
    );
    expect(res.data.addChild.userErrors).toEqual([]);
    expect(res.data.addChild.child).toMatchObject({
      firstName: 'Léa',
      diet: 'ALLERGY_PLAN',
      school: { id: g('Facility', schoolId) },
      family: { id: martinId },
    });
    childId = res.data.addChild.child.id;
    const twin = await app.gql(
      ADD_CHILD,
      { i: { ...base, firstName: 'LEA', idempotencyKey: key() } },
      { token: agent },
    );
    expect(twin.data.addChild.userErrors).toEqual([
      expect.objectContaining({ code: 'DUPLICATE', relatedId: childId }),
    ]);
    expect(await children()).toBe(before + 1);
    expect(await audits('CHILD_ADDED')).toBe(1);
  });

  it('moves a child to another school and changes its class, audited', async () => {
    const other = (
      await one(`select id from facilities where tenant_id = $1 and kind = 'SCHOOL' and id <> $2 limit 1`, [
        tenantId,
        schoolId,
      ])
    ).id;
    const res = await app.gql(
      UPDATE_CHILD,
      { i: { childId, schoolId: g('Facility', other), schoolClass: 'CP', idempotencyKey: key() } },
      { token: agent },
    );
    expect(res.data.updateChild.userErrors).toEqual([]);
    expect(res.data.updateChild.child).toMatchObject({
      schoolClass: 'CP',
      school: { id: g('Facility', other) },
    });
    const event = await one(
      `select details from audit_events where tenant_id = $1 and action = 'CHILD_UPDATED'`,
      [tenantId],
    );
    expect(event.details.before.schoolId).toBe(schoolId);
    expect(event.details.after.schoolId).toBe(other);
    const bad = await app.gql(
      UPDATE_CHILD,
      { i: { childId, birthDate: '2030-01-01', idempotencyKey: key() } },
      { token: agent },
    );
    expect(bad.data.updateChild.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['birthDate'] }),
    ]);
    expect(
      (
        await one(
          `select c.birth_date::text as d from children c join families f on f.id = c.family_id
           where c.tenant_id = $1 and f.external_ref = 'OLD-0001' and c.first_name = 'Léa'`,
          [tenantId],
        )
      ).d,
    ).toBe('2019-03-04');
  });

  it('archives a family only without bookings ahead; archived, it leaves the list and cannot book', async () => {
    // A seeded child (not Léa Martin, enrolled above: her family is archived below).
    const kid = await one(
      `select c.id, c.family_id from children c where c.tenant_id = $1 and c.birth_date between '2016-12-02' and '2021-06-01'
         and c.family_id <> $2 order by c.id limit 1`,
      [tenantId, fromGlobalId(martinId)!.id],
    );
    const booked = await app.gql(
      RESERVE,
      { i: { childId: g('Child', kid.id), sessionIds: [g('Session', sessionId)], idempotencyKey: key() } },
      { token: agent },
    );
    expect(booked.data.reserve.userErrors).toEqual([]);
    const refused = await app.gql(
      ARCHIVE,
      { i: { familyId: g('Family', kid.family_id), idempotencyKey: key() } },
      { token: agent },
    );
    expect(refused.data.archiveFamily.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_ALLOWED', field: ['familyId'] }),
    ]);
    expect(refused.data.archiveFamily.userErrors[0].message).toMatch(/1/);
    expect(
      (await one(`select archived_at from families where id = $1`, [kid.family_id])).archived_at,
    ).toBeNull();

    const res = await app.gql(
      ARCHIVE,
      { i: { familyId: martinId, idempotencyKey: 'archive-martin' } },
      { token: agent },
    );
    expect(res.data.archiveFamily).toEqual({ archivedFamilyId: martinId, userErrors: [] });
    const list = await app.gql(
      `{ families(first: 100, search: "Martin") { nodes { id } } }`,
      {},
      { token: agent },
    );
    expect(list.data.families.nodes.map((f: { id: string }) => f.id)).not.toContain(martinId);
    const book = await app.gql(
      RESERVE,
      { i: { childId, sessionIds: [g('Session', sessionId)], idempotencyKey: key() } },
      { token: agent },
    );
    expect(book.data.reserve.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['childId'] }),
    ]);
    // Still readable by ID for invoices and history.
    const node = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Family { name archivedAt } } }`,
      { id: martinId },
      { token: agent },
    );
    expect(node.data.node).toEqual({ name: 'Famille Martin', archivedAt: '2026-12-01T08:00:00.000Z' });
    expect(await audits('FAMILY_ARCHIVED')).toBe(1);
  });

  it('archives a child without bookings ahead, refusing one that has some', async () => {
    const kid = (
      await one(
        `select child_id from reservations where tenant_id = $1 and session_id = $2 and status = 'BOOKED' limit 1`,
        [tenantId, sessionId],
      )
    ).child_id;
    const refused = await app.gql(
      ARCHIVE_CHILD,
      { i: { childId: g('Child', kid), idempotencyKey: key() } },
      { token: agent },
    );
    expect(refused.data.archiveChild.userErrors).toEqual([expect.objectContaining({ code: 'NOT_ALLOWED' })]);
    const res = await app.gql(ARCHIVE_CHILD, { i: { childId, idempotencyKey: key() } }, { token: agent });
    expect(res.data.archiveChild).toEqual({ archivedChildId: childId, userErrors: [] });
    expect(
      await count(`select count(*) as n from children where tenant_id = $1 and archived_at is not null`, [
        tenantId,
      ]),
    ).toBe(1);
    expect(await audits('CHILD_ARCHIVED')).toBe(1);
  });
});
