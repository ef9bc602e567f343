import type { Client } from 'pg';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * After a merge, the merged record's identifiers still work: its global ID (read by `node`,
 * `family`, and taken by every mutation and argument) resolves to the record kept, and a second
 * merge re-points the records merged earlier. Merges are in the audit trail with before → after.
 * A Béziers copy of its own, on Tuesday 1 December 2026.
 */
describe('administration: merged records resolve to the kept one', () => {
  const SLUG = 'test-adm-merged-ids';
  const NOW = '2026-12-01T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let agent: string;
  let admin: string;
  let tenantId: string;
  let wed9: string;
  const g = (type: string, id: string) => toGlobalId(type, id);
  const one = async (sql: string, params: unknown[] = []) => (await owner.query(sql, params)).rows[0];
  const count = async (sql: string, params: unknown[] = []) => Number((await one(sql, params)).n);
  let keys = 0;
  const key = () => `merged-ids-${++keys}`;
  const MERGE_F = `mutation($i: MergeFamiliesInput!) { mergeFamilies(input: $i) {
    family { id } userErrors { code field message relatedId } } }`;
  const MERGE_C = `mutation($i: MergeChildrenInput!) { mergeChildren(input: $i) {
    child { id } userErrors { code field message relatedId } } }`;
  /** A household and its child, as a migration from older software leaves them (no API writes them twice). */
  const household = async (name: string, email: string) => {
    const family = (
      await one(
        `insert into families (id, tenant_id, name, guardians, external_ref) values (gen_random_uuid(), $1, $2, $3, $4) returning id`,
        [
          tenantId,
          name,
          JSON.stringify([{ firstName: 'Inès', lastName: 'Roux', email, phone: null }]),
          `REF-${name}`,
        ],
      )
    ).id as string;
    const child = (
      await one(
        `insert into children (id, tenant_id, family_id, first_name, last_name, birth_date, external_ref)
         values (gen_random_uuid(), $1, $2, 'Malo', 'Roux', '2018-03-04', $3) returning id`,
        [tenantId, family, `CHILD-${name}`],
      )
    ).id as string;
    return { family, child };
  };
  let a: { family: string; child: string };
  let b: { family: string; child: string };

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'beziers',
      { slug: SLUG, families: 10, seed: 93, childAges: [5, 10] },
      new Date(NOW),
      3,
    );
    owner = await rawClient('owner');
    wed9 = (
      await one(
        `select s.id from sessions s join services v on v.id = s.service_id
         where s.tenant_id = $1 and v.kind = 'LEISURE_CENTRE' and s.date = '2026-12-09'`,
        [tenantId],
      )
    ).id;
    a = await household('Roux', 'ines.roux@example.fr');
    b = await household('Roux bis', 'INES.ROUX@example.fr');
    app = await startTestApp();
    app.setNow(NOW);
    agent = await token(SLUG, Role.AGENT);
    admin = await token(SLUG, Role.TENANT_ADMIN);
    const families = await app.gql(
      MERGE_F,
      {
        i: {
          keepFamilyId: g('Family', a.family),
          mergeFamilyId: g('Family', b.family),
          idempotencyKey: key(),
        },
      },
      { token: agent },
    );
    expect(families.data.mergeFamilies.userErrors).toEqual([]);
    const children = await app.gql(
      MERGE_C,
      { i: { keepChildId: g('Child', a.child), mergeChildId: g('Child', b.child), idempotencyKey: key() } },
      { token: agent },
    );
    expect(children.data.mergeChildren.userErrors).toEqual([]);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('reads the kept family and child by the merged IDs: node, family, and arguments of fields', async () => {
    const res = await app.gql(
      `query($f: ID!, $c: ID!, $s: ID!) {
        family(id: $f) { id name }
        child: node(id: $c) { id }
        session: node(id: $s) { ... on Session { bookingStatus(childId: $c) } }
      }`,
      { f: g('Family', b.family), c: g('Child', b.child), s: g('Session', wed9) },
      { token: agent },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.family).toEqual({ id: g('Family', a.family), name: 'Roux' });
    expect(res.data.child.id).toBe(g('Child', a.child));
    // The merged record itself is archived and could not be booked: this is the kept child's answer.
    expect(res.data.session.bookingStatus).toBe('OPEN');
  });

  it('acts on the kept records when a mutation names the merged ones', async () => {
    const booked = await app.gql(
      `mutation($i: ReserveInput!) { reserve(input: $i) { reservations { id child { id } } userErrors { code field message } } }`,
      { i: { childId: g('Child', b.child), sessionIds: [g('Session', wed9)], idempotencyKey: key() } },
      { token: agent },
    );
    expect(booked.data.reserve.userErrors).toEqual([]);
    expect(booked.data.reserve.reservations[0].child.id).toBe(g('Child', a.child));
    expect(
      await one(
        `select child_id, family_id from reservations where tenant_id = $1 and session_id = $2 and child_id in ($3, $4)`,
        [tenantId, wed9, a.child, b.child],
      ),
    ).toEqual({ child_id: a.child, family_id: a.family });

    // Arguments of fields too: the merged child's reservations are the kept child's.
    const listed = await app.gql(
      `query($f: ID!, $c: ID!) { family(id: $f) { reservations(first: 5, childId: $c) { nodes { id } } } }`,
      { f: g('Family', b.family), c: g('Child', b.child) },
      { token: agent },
    );
    expect(listed.data.family.reservations.nodes).toEqual([{ id: booked.data.reserve.reservations[0].id }]);

    const quotient = await app.gql(
      `mutation($i: SetFamilyQuotientInput!) { setFamilyQuotient(input: $i) { family { id } userErrors { code field message } } }`,
      {
        i: {
          familyId: g('Family', b.family),
          quotient: 640,
          effectiveFrom: '2027-01-01',
          documentRef: 'CAF 2027',
          idempotencyKey: key(),
        },
      },
      { token: agent },
    );
    expect(quotient.data.setFamilyQuotient).toEqual({
      family: { id: g('Family', a.family) },
      userErrors: [],
    });
    expect(
      (
        await owner.query(`select family_id from family_quotients where family_id in ($1, $2)`, [
          a.family,
          b.family,
        ])
      ).rows,
    ).toEqual([{ family_id: a.family }]);

    const moved = await app.gql(
      `mutation($i: UpdateChildInput!) { updateChild(input: $i) { child { id schoolClass } userErrors { code field message } } }`,
      { i: { childId: g('Child', b.child), schoolClass: 'CE1', idempotencyKey: key() } },
      { token: agent },
    );
    expect(moved.data.updateChild).toEqual({
      child: { id: g('Child', a.child), schoolClass: 'CE1' },
      userErrors: [],
    });
    expect(await one(`select school_class from children where id = $1`, [b.child])).toEqual({
      school_class: null,
    });
  });

  it('refuses to merge a record already merged, naming the kept one, and writes nothing', async () => {
    const before = await count(`select count(*) as n from audit_events where tenant_id = $1`, [tenantId]);
    const again = await app.gql(
      MERGE_F,
      {
        i: {
          keepFamilyId: g('Family', a.family),
          mergeFamilyId: g('Family', b.family),
          idempotencyKey: key(),
        },
      },
      { token: agent },
    );
    expect(again.data.mergeFamilies.userErrors).toEqual([
      expect.objectContaining({
        code: 'INVALID',
        field: ['mergeFamilyId'],
        relatedId: g('Family', a.family),
      }),
    ]);
    const child = await app.gql(
      MERGE_C,
      { i: { keepChildId: g('Child', b.child), mergeChildId: g('Child', a.child), idempotencyKey: key() } },
      { token: agent },
    );
    expect(child.data.mergeChildren.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['keepChildId'], relatedId: g('Child', a.child) }),
    ]);
    expect(await count(`select count(*) as n from audit_events where tenant_id = $1`, [tenantId])).toBe(
      before,
    );
    expect(await one(`select merged_into_id from children where id = $1`, [a.child])).toEqual({
      merged_into_id: null,
    });
  });

  it('re-points the records merged earlier when the kept one is merged in turn', async () => {
    const c = await household('Roux ter', 'ines.roux.3@example.fr');
    const res = await app.gql(
      MERGE_F,
      {
        i: {
          keepFamilyId: g('Family', c.family),
          mergeFamilyId: g('Family', a.family),
          idempotencyKey: key(),
        },
      },
      { token: agent },
    );
    expect(res.data.mergeFamilies.userErrors).toEqual([]);
    expect(await one(`select merged_into_id from families where id = $1`, [b.family])).toEqual({
      merged_into_id: c.family,
    });
    const read = await app.gql(
      `query($f: ID!) { family(id: $f) { id } }`,
      { f: g('Family', b.family) },
      { token: agent },
    );
    expect(read.data.family.id).toBe(g('Family', c.family));
  });

  it('audits both merges with before → after and the counts moved, readable by action', async () => {
    const AUDIT = `query($action: String!) { auditEvents(first: 5, filter: { action: $action }) {
      nodes { action actor family { id } before after details } } }`;
    const families = await app.gql(AUDIT, { action: 'FAMILIES_MERGED' }, { token: admin });
    // Two merges of families in this suite, stamped at the same app instant: find the Roux one.
    const first = families.data.auditEvents.nodes.find(
      (n: any) => n.before?.mergedFamily?.name === 'Roux bis',
    );
    expect(first).toMatchObject({
      action: 'FAMILIES_MERGED',
      actor: `test:${SLUG}:AGENT`,
      family: { id: g('Family', a.family) },
      before: {
        keptFamily: { name: 'Roux', externalRef: 'REF-Roux' },
        mergedFamily: { name: 'Roux bis', externalRef: 'REF-Roux bis', archivedAt: null, mergedIntoId: null },
      },
      after: { mergedFamily: { name: 'Roux bis', mergedIntoId: a.family } },
      details: { moved: { children: 1, reservations: 0 } },
    });
    expect(first.after.mergedFamily.archivedAt).toEqual(expect.any(String));
    const children = await app.gql(AUDIT, { action: 'CHILDREN_MERGED' }, { token: admin });
    expect(children.data.auditEvents.nodes).toEqual([
      expect.objectContaining({
        before: expect.objectContaining({
          mergedChild: expect.objectContaining({
            firstName: 'Malo',
            birthDate: '2018-03-04',
            mergedIntoId: null,
          }),
        }),
        after: expect.objectContaining({ mergedChild: expect.objectContaining({ mergedIntoId: a.child }) }),
        details: expect.objectContaining({ moved: expect.objectContaining({ reservations: 0 }) }),
      }),
    ]);
    // The audit trail names records exactly: the merged family's history is its own.
    const own = await app.gql(
      `query($f: ID!) { auditEvents(first: 5, filter: { familyId: $f }) { nodes { action } } }`,
      { f: g('Family', b.family) },
      { token: admin },
    );
    expect(own.data.auditEvents.nodes).toEqual([]);
  });
});
