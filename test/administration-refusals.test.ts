import type { Client } from 'pg';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * Every administrative mutation that takes an ID, swept with the IDs of another tenant (valid IDs
 * of the right type, which row-level security hides: NOT_FOUND naming the field), with IDs of
 * another type and with IDs the API never gave (NOT_FOUND naming the field too, with `reason`
 * ID_OF_ANOTHER_TYPE or MALFORMED_ID, before anything runs); each time nothing is written in
 * either tenant. Two copies of their own (Béziers, Nîmes) on Tuesday 1 December 2026.
 */
describe('administration: IDs of another tenant or another type, for every mutation', () => {
  const SLUG = 'test-adm-refusals';
  const OTHER = 'test-adm-refusals-other';
  const NOW = '2026-12-01T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let admin: string;
  let tenantId: string;
  let otherId: string;
  const g = toGlobalId;
  const one = async (sql: string, params: unknown[]) => (await owner.query(sql, params)).rows[0];
  /** Ours: IDs of the tenant acted on. Theirs: the same kinds of rows in the other tenant. */
  const ids: Record<'ours' | 'theirs', Record<string, string>> = { ours: {}, theirs: {} };
  let keys = 0;
  const key = () => `refusal-${++keys}`;

  /** What an administrative write could change, in both tenants. */
  const state = async () =>
    (
      await owner.query(
        `select t.slug,
           (select count(*) from audit_events a where a.tenant_id = t.id)::int as audit,
           (select md5(string_agg(f::text, '' order by f.id)) from families f where f.tenant_id = t.id) as families,
           (select md5(string_agg(c::text, '' order by c.id)) from children c where c.tenant_id = t.id) as children,
           (select md5(string_agg(f::text, '' order by f.id)) from facilities f where f.tenant_id = t.id) as facilities,
           (select md5(string_agg(s::text, '' order by s.id)) from services s where s.tenant_id = t.id) as services,
           (select md5(string_agg(s::text, '' order by s.id)) from sessions s where s.tenant_id = t.id) as sessions,
           (select count(*) from price_brackets b where b.tenant_id = t.id)::int as brackets,
           (select count(*) from closure_periods p where p.tenant_id = t.id)::int as closures,
           (select count(*) from family_quotients q where q.tenant_id = t.id)::int as quotients,
           (select count(*) from child_households h where h.tenant_id = t.id)::int as households
         from tenants t where t.id in ($1, $2) order by t.slug`,
        [tenantId, otherId],
      )
    ).rows;

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'beziers',
      { slug: SLUG, families: 6, seed: 95, childAges: [5, 10] },
      new Date(NOW),
      2,
    );
    otherId = await seedTestTenant('nimes', { slug: OTHER, families: 4, seed: 96 }, new Date(NOW), 2);
    owner = await rawClient('owner');
    for (const [side, tenant] of [
      ['ours', tenantId],
      ['theirs', otherId],
    ] as const) {
      const child = await one(`select id, family_id from children where tenant_id = $1 order by id limit 1`, [
        tenant,
      ]);
      const other = await one(
        `select c.id, c.family_id from children c where c.tenant_id = $1 and c.family_id <> $2 order by c.id limit 1`,
        [tenant, child.family_id],
      );
      const school = await one(
        `select f.id as facility, s.id as service from facilities f join services s on s.facility_id = f.id
         where f.tenant_id = $1 and s.kind = 'CANTEEN' order by f.name limit 1`,
        [tenant],
      );
      const session = await one(
        `select id from sessions where tenant_id = $1 and service_id = $2 and date > '2026-12-01' order by date limit 1`,
        [tenant, school.service],
      );
      const closure = await one(
        `insert into closure_periods (id, tenant_id, name, starts_on, ends_on, created_at)
         values (gen_random_uuid(), $1, 'Travaux', '2027-06-01', '2027-06-02', now()) returning id`,
        [tenant],
      );
      ids[side] = {
        family: child.family_id,
        otherFamily: other.family_id,
        child: child.id,
        otherChild: other.id,
        facility: school.facility,
        service: school.service,
        session: session.id,
        closure: closure.id,
      };
    }
    app = await startTestApp();
    app.setNow(NOW);
    admin = await token(SLUG, Role.TENANT_ADMIN);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  /** Each mutation, its input type, and its input built from one tenant's IDs for its ID fields. */
  type Ids = Record<string, string>;
  const CASES: [string, string, string[], (o: Ids, t: Ids) => Record<string, unknown>][] = [
    [
      'deleteClosurePeriod',
      'DeleteClosurePeriodInput',
      ['closurePeriodId'],
      (_, t) => ({
        closurePeriodId: g('ClosurePeriod', t.closure),
      }),
    ],
    [
      'createClosurePeriod',
      'CreateClosurePeriodInput',
      ['facilityId'],
      (_, t) => ({
        name: 'Grève',
        from: '2027-01-12',
        to: '2027-01-12',
        facilityId: g('Facility', t.facility),
      }),
    ],
    [
      'generateSessions',
      'GenerateSessionsInput',
      ['serviceId'],
      (_, t) => ({
        serviceId: g('Service', t.service),
        from: '2027-01-04',
        to: '2027-01-08',
        weekdays: ['MONDAY'],
        period: 'LUNCH',
      }),
    ],
    [
      'generateSessions',
      'GenerateSessionsInput',
      ['facilityIds', '0'],
      (o, t) => ({
        serviceId: g('Service', o.service),
        facilityIds: [g('Facility', t.facility)],
        from: '2027-01-04',
        to: '2027-01-08',
        weekdays: ['MONDAY'],
        period: 'LUNCH',
      }),
    ],
    [
      'setPriceGrid',
      'SetPriceGridInput',
      ['serviceId'],
      (_, t) => ({
        serviceId: g('Service', t.service),
        validFrom: '2027-01-01',
        brackets: [{ minQuotient: 0, maxQuotient: null, unitPrice: 100 }],
      }),
    ],
    [
      'setFamilyQuotient',
      'SetFamilyQuotientInput',
      ['familyId'],
      (_, t) => ({
        familyId: g('Family', t.family),
        quotient: 500,
        effectiveFrom: '2027-01-01',
        documentRef: 'CAF',
      }),
    ],
    [
      'updateFamily',
      'UpdateFamilyInput',
      ['familyId'],
      (_, t) => ({ familyId: g('Family', t.family), city: 'Agde' }),
    ],
    ['archiveFamily', 'ArchiveFamilyInput', ['familyId'], (_, t) => ({ familyId: g('Family', t.family) })],
    [
      'addChild',
      'AddChildInput',
      ['familyId'],
      (_, t) => ({
        familyId: g('Family', t.family),
        firstName: 'Zoé',
        lastName: 'Test',
        birthDate: '2019-02-03',
      }),
    ],
    [
      'addChild',
      'AddChildInput',
      ['schoolId'],
      (o, t) => ({
        familyId: g('Family', o.family),
        firstName: 'Zoé',
        lastName: 'Test',
        birthDate: '2019-02-03',
        schoolId: g('Facility', t.facility),
      }),
    ],
    [
      'updateChild',
      'UpdateChildInput',
      ['childId'],
      (_, t) => ({ childId: g('Child', t.child), schoolClass: 'CE1' }),
    ],
    [
      'updateChild',
      'UpdateChildInput',
      ['schoolId'],
      (o, t) => ({
        childId: g('Child', o.child),
        schoolId: g('Facility', t.facility),
      }),
    ],
    ['archiveChild', 'ArchiveChildInput', ['childId'], (_, t) => ({ childId: g('Child', t.child) })],
    [
      'addChildHousehold',
      'ChildHouseholdInput',
      ['childId'],
      (o, t) => ({
        childId: g('Child', t.child),
        familyId: g('Family', o.otherFamily),
      }),
    ],
    [
      'addChildHousehold',
      'ChildHouseholdInput',
      ['familyId'],
      (o, t) => ({
        childId: g('Child', o.child),
        familyId: g('Family', t.otherFamily),
      }),
    ],
    [
      'removeChildHousehold',
      'ChildHouseholdInput',
      ['childId'],
      (o, t) => ({
        childId: g('Child', t.child),
        familyId: g('Family', o.otherFamily),
      }),
    ],
    [
      'mergeFamilies',
      'MergeFamiliesInput',
      ['mergeFamilyId'],
      (o, t) => ({
        keepFamilyId: g('Family', o.family),
        mergeFamilyId: g('Family', t.otherFamily),
      }),
    ],
    [
      'mergeChildren',
      'MergeChildrenInput',
      ['keepChildId'],
      (o, t) => ({
        keepChildId: g('Child', t.child),
        mergeChildId: g('Child', o.otherChild),
      }),
    ],
    [
      'updateFacility',
      'UpdateFacilityInput',
      ['facilityId'],
      (_, t) => ({ facilityId: g('Facility', t.facility), capacity: 99 }),
    ],
    [
      'archiveFacility',
      'ArchiveFacilityInput',
      ['facilityId'],
      (_, t) => ({ facilityId: g('Facility', t.facility) }),
    ],
    [
      'createService',
      'ServiceInput',
      ['facilityId'],
      (_, t) => ({
        facilityId: g('Facility', t.facility),
        kind: 'PERISCHOOL',
        name: 'Garderie',
        unit: 'HALF_DAY',
        defaultCapacity: 30,
      }),
    ],
    [
      'updateService',
      'UpdateServiceInput',
      ['serviceId'],
      (_, t) => ({ serviceId: g('Service', t.service), defaultCapacity: 10 }),
    ],
    [
      'archiveService',
      'ArchiveServiceInput',
      ['serviceId'],
      (_, t) => ({ serviceId: g('Service', t.service) }),
    ],
    [
      'cancelSession',
      'CancelSessionInput',
      ['sessionId'],
      (_, t) => ({ sessionId: g('Session', t.session), reason: 'grève' }),
    ],
    [
      'setSessionCapacity',
      'SetSessionCapacityInput',
      ['sessionId'],
      (_, t) => ({ sessionId: g('Session', t.session), capacity: 3 }),
    ],
  ];

  it.each(CASES)(
    '%s naming another tenant’s row in %s.%j: NOT_FOUND with that field, nothing written',
    async (mutation, type, field, input) => {
      const before = await state();
      const res = await app.gql(
        `mutation($i: ${type}!) { ${mutation}(input: $i) { userErrors { code field } } }`,
        { i: { ...input(ids.ours, ids.theirs), idempotencyKey: key() } },
        { token: admin },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data[mutation].userErrors).toEqual([{ code: 'NOT_FOUND', field }]);
      expect(await state()).toEqual(before);
    },
  );

  /** The input of a case with the ID at its field replaced by `id`. */
  const withId = (good: Record<string, unknown>, field: string[], id: string) => {
    const changed = JSON.parse(JSON.stringify(good));
    let holder = changed;
    for (const part of field.slice(0, -1)) holder = holder[part];
    holder[field.at(-1)!] = id;
    return changed;
  };
  const idempotencyKeys = async () =>
    (await one(`select count(*)::int as n from idempotency_keys where tenant_id = $1`, [tenantId])).n;

  // A valid ID of another type (a Reservation's), and IDs the API never gave: a forged one, the
  // right prefix on another type's ciphertext, and no ID at all.
  const BAD_IDS: [string, () => string, string][] = [
    ['an ID of another type', () => g('Reservation', ids.ours.family), 'ID_OF_ANOTHER_TYPE'],
    ['a forged ID', () => 'Family_QUFBQUFBQUFBQUFBQUFBQUFB', 'MALFORMED_ID'],
    ['an empty ID', () => '', 'MALFORMED_ID'],
  ];
  describe.each(BAD_IDS)('%s', (_label, badId, reason) => {
    it.each(CASES)(
      '%s with it in %s.%j: a NOT_FOUND userError naming the field, nothing run nor written',
      async (mutation, type, field, input) => {
        const before = await state();
        const keysBefore = await idempotencyKeys();
        const res = await app.gql(
          `mutation($i: ${type}!) { ${mutation}(input: $i) { userErrors { code field reason message } } }`,
          { i: { ...withId(input(ids.ours, ids.ours), field, badId()), idempotencyKey: key() } },
          { token: admin },
        );
        expect(res.errors).toBeUndefined();
        expect(res.data[mutation].userErrors).toEqual([
          { code: 'NOT_FOUND', field, reason, message: expect.stringContaining(field.join('.')) },
        ]);
        expect(await state()).toEqual(before);
        // Nothing ran: no idempotency key stored, so the same key with a good ID does the work.
        expect(await idempotencyKeys()).toBe(keysBefore);
      },
    );
  });

  it('reports every refused ID of one input, in a payload whose lists are empty', async () => {
    const reservations = async () =>
      (await one(`select count(*)::int as n from reservations where tenant_id = $1`, [tenantId])).n;
    const before = await reservations();
    const res = await app.gql(
      `mutation($i: ReserveInput!) { reserve(input: $i) { reservations { id } waitlistEntries { id } userErrors { code field reason } } }`,
      {
        i: {
          childId: g('Family', ids.ours.child),
          sessionIds: [g('Session', ids.ours.session), 'nonsense', g('Child', ids.ours.child)],
          idempotencyKey: key(),
        },
      },
      { token: admin },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.reserve).toEqual({
      reservations: [],
      waitlistEntries: [],
      userErrors: [
        { code: 'NOT_FOUND', field: ['childId'], reason: 'ID_OF_ANOTHER_TYPE' },
        { code: 'NOT_FOUND', field: ['sessionIds', '1'], reason: 'MALFORMED_ID' },
        { code: 'NOT_FOUND', field: ['sessionIds', '2'], reason: 'ID_OF_ANOTHER_TYPE' },
      ],
    });
    expect(await reservations()).toBe(before);
  });

  it('a query argument keeps its top-level BAD_USER_INPUT', async () => {
    const res = await app.gql(
      'query($id: ID!) { family(id: $id) { id } }',
      { id: g('Child', ids.ours.child) },
      { token: admin },
    );
    expect(res.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: ['id'] });
  });
});
