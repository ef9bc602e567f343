import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { getNamedType, isObjectType, type GraphQLSchema } from 'graphql';
import type { Client } from 'pg';
import { Role } from '../src/auth/viewer';
import { createSchema } from '../src/http/schema';
import { fromGlobalId, toGlobalId } from '../src/shared/ids';
import { rawClient, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * Every connection pages through exactly its list — no row missing, none twice — even when rows
 * share every sort value but their id (one run's invoices share their issue instant; families
 * share a name; a day's canteens share their date and period). A Béziers copy of its own whose
 * rows are made to collide on purpose; the ground truth is the same list read by SQL.
 */
describe('pagination: every connection reaches every row once, whatever the page size', () => {
  const SLUG = 'test-paging';
  const ISSUED = '2026-07-01 09:15:42.123456+00';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let agent: string;
  let admin: string;
  const endpointId = randomUUID();
  const draftRunId = randomUUID();
  let schema: GraphQLSchema;
  let familyId: string;
  let childId: string;
  let schoolId: string;
  let familyGlobalId: string;

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'beziers',
      { slug: SLUG, families: 45, seed: 2024 },
      new Date('2026-06-15T10:00:00Z'),
      3,
    );
    owner = await rawClient('owner');
    const q = (sql: string, params: unknown[] = []) => owner.query(sql, [tenantId, ...params]);
    // Collisions on every sort value but the id.
    await q(
      `update families set name = case when random() < 0.8 then 'Famille Pareil' else 'Famille Autre' end where tenant_id = $1`,
    );
    await q(`update facilities set name = 'École Pareille' where tenant_id = $1`);
    await q(`update services set name = 'Cantine' where tenant_id = $1`);
    const [{ id: family }] = (await q(`select id from families where tenant_id = $1 order by id limit 1`))
      .rows;
    familyId = family;
    const [{ id: child }] = (
      await q(`select id from children where tenant_id = $1 and family_id = $2 limit 1`, [familyId])
    ).rows;
    childId = child;
    // Every pupil at one school, sharing two names.
    schoolId = (
      await q(
        `select school_id as id from children where tenant_id = $1 and school_id is not null group by 1 order by count(*) desc, 1 limit 1`,
      )
    ).rows[0].id;
    await q(
      `update children set school_id = $2, last_name = case when random() < 0.7 then 'Martin' else 'Bernard' end,
         first_name = 'Léa'
       where tenant_id = $1 and school_id is not null`,
      [schoolId],
    );
    // 60 reservations of one child created at the same instant, 50 charges on the same day. Cancelled
    // ones: a child cannot hold 60 live reservations at overlapping hours (reservations_no_overlap).
    await q(
      `insert into reservations (id, tenant_id, session_id, child_id, family_id, status, channel, created_by, created_at, updated_at)
       select gen_random_uuid(), $1, s.id, $2, $3, 'CANCELLED', 'COUNTER', 'test', $4, $4
       from (select id from sessions where tenant_id = $1 order by id limit 60) s`,
      [child, familyId, ISSUED],
    );
    await q(
      `insert into charges (id, tenant_id, family_id, child_id, reservation_id, service_id, date, reason, quantity, unit_price, amount, currency, created_at)
       select gen_random_uuid(), $1, $2, null, null, s.id, '2026-06-01', 'CONSUMPTION', 1, 100, 100, 'EUR', now()
       from (select id from services where tenant_id = $1 limit 1) s cross join generate_series(1, 50)`,
      [familyId],
    );
    // 30 notifications of the family written at one instant (one event told to several children).
    await q(
      `insert into notifications (id, tenant_id, family_id, kind, message, created_at)
       select gen_random_uuid(), $1, $2, 'WAITLIST_AUTO_BOOKED', 'Une place s''est libérée.', $3
       from generate_series(1, 30)`,
      [familyId, ISSUED],
    );
    // 120 invoices issued at one instant (one run), 40 of them the same family's.
    await q(
      `insert into invoices (id, tenant_id, family_id, kind, series, year, sequence, number, period, period_from, period_to,
         issue_date, due_date, issued_at, total, currency)
       select gen_random_uuid(), $1, case when n <= 40 then $2 else f.id end, 'CATCH_UP', 'F', 2026, 1000 + n,
              'F2026-' || lpad((1000 + n)::text, 6, '0'), null, '2026-06-01', '2026-06-30', '2026-07-01', '2026-07-31', $3, 1000, 'EUR'
       from generate_series(1, 120) n
       cross join lateral (select id from families where tenant_id = $1 order by md5(n::text || id::text) limit 1) f`,
      [familyId, ISSUED],
    );
    // Each a real document: one line and the charge it bills (the ledger checks of other suites hold).
    await q(
      `with i as (select id, family_id, tenant_id from invoices where tenant_id = $1 and issued_at = $2),
       l as (insert into invoice_lines (id, tenant_id, invoice_id, position, month, service_id, label, quantity, unit_price, amount)
             select gen_random_uuid(), i.tenant_id, i.id, 1, '2026-06', null, 'Eau', 1, 1000, 1000 from i)
       insert into charges (id, tenant_id, family_id, child_id, reservation_id, service_id, date, reason, quantity, unit_price, amount, currency, created_at, invoice_id)
       select gen_random_uuid(), i.tenant_id, i.family_id, null, null, s.id, '2026-06-01', 'CONSUMPTION', 1, 1000, 1000, 'EUR', now(), i.id
       from i cross join (select id from services where tenant_id = $1 limit 1) s`,
      [ISSUED],
    );
    // A webhook endpoint's delivery log: 45 deliveries queued at the same instant.
    await q(
      `with e as (insert into webhook_endpoints (id, tenant_id, url, event_types, secret, created_by)
         values ($2, $1, 'https://vendor.example/hooks', '{reservation.booked}', 'whsec_test', 'test')),
       ev as (insert into webhook_events (tenant_id, type, aggregate_id, payload, occurred_at)
         select $1, 'reservation.booked', 'Reservation_' || n, '{}', $3 from generate_series(1, 45) n
         returning id, seq, aggregate_id)
       insert into webhook_deliveries (tenant_id, event_id, endpoint_id, seq, aggregate_id, status, created_at)
       select $1, ev.id, $2, ev.seq, ev.aggregate_id, 'DELIVERED', $3 from ev`,
      [endpointId, ISSUED],
    );
    // A draft run of 45 draft invoices (one per family), 40 of them with the same total.
    await q(
      `insert into billing_runs (id, tenant_id, kind, period, through_date, status, requested_by, started_at, finished_at)
       values ($2, $1, 'CATCH_UP', null, '2026-05-31', 'DRAFT', 'test', $3, $3)`,
      [draftRunId, ISSUED],
    );
    await q(
      `insert into billing_draft_invoices (id, tenant_id, billing_run_id, family_id, period_from, period_to, oldest_charge, total, charge_ids)
       select gen_random_uuid(), $1, $2, f.id, '2026-03-01', '2026-05-31', '2026-03-02',
              case when row_number() over (order by f.id) <= 40 then 5000 else 7000 end, '{}'
       from families f where f.tenant_id = $1`,
      [draftRunId],
    );
    // 60 audit events at one instant (one admin's batch).
    await q(
      `insert into audit_events (id, tenant_id, actor, actor_roles, action, details, created_at)
       select gen_random_uuid(), $1, 'test:admin', '{TENANT_ADMIN}', 'PRICE_GRID_SET', '{}', $2 from generate_series(1, 60)`,
      [ISSUED],
    );
    // 30 legacy imports started at one instant (dry runs of an operator's script).
    await q(
      `insert into imports (id, tenant_id, kind, mode, dry_run, status, started_by, started_at)
       select gen_random_uuid(), $1, 'FAMILIES', 'ALL_OR_NOTHING', true, 'COMPLETED', 'cli:test', $2 from generate_series(1, 30)`,
      [ISSUED],
    );
    // 30 attendance conflicts found at one instant (two tablets' journals merged at once).
    await q(
      `insert into attendance_conflicts (id, tenant_id, session_id, child_id, status, marks, detected_at)
       select gen_random_uuid(), $1, s.id, (select id from children where tenant_id = $1 order by id limit 1), 'OPEN', '[]', $2
       from (select id from sessions where tenant_id = $1 order by id limit 30) s`,
      [ISSUED],
    );
    app = await startTestApp();
    agent = await token(SLUG, Role.AGENT);
    admin = await token(SLUG, Role.TENANT_ADMIN);
    schema = await createSchema();
    familyGlobalId = (
      await app.gql(`{ families(first: 100) { nodes { id } } }`, {}, { token: agent })
    ).data.families.nodes.find((n: { id: string }) => fromGlobalId(n.id)!.id === familyId).id;
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  /** Each connection: how to read one page as a client, and the same list as SQL (row ids in order). */
  const CONNECTIONS: Record<
    string,
    {
      page: (
        first: number,
        after: string | null,
      ) => Promise<{ ids: string[]; totalCount: number; next: string | null }>;
      truth: () => Promise<string[]>;
    }
  > = {};
  const top =
    (field: string, args = '', as = () => agent) =>
    async (first: number, after: string | null) => {
      const res = await app.gql(
        `query($first: Int, $after: String) { c: ${field}(first: $first, after: $after${args}) {
         totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`,
        { first, after },
        { token: as() },
      );
      expect(res.errors).toBeUndefined();
      const c = res.data.c;
      // Each edge's cursor resumes right after its node.
      expect(c.edges.at(-1)?.cursor ?? null).toBe(c.pageInfo.endCursor);
      return {
        ids: c.edges.map((e: { node: { id: string } }) => fromGlobalId(e.node.id)!.id),
        totalCount: c.totalCount,
        next: c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null,
      };
    };
  const nested =
    (field: string, on = 'Family', id = () => familyGlobalId, as = () => agent) =>
    async (first: number, after: string | null) => {
      const res = await app.gql(
        `query($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on ${on} { c: ${field}(first: $first, after: $after) {
         totalCount pageInfo { hasNextPage endCursor } nodes { id } } } } }`,
        { id: id(), first, after },
        { token: as() },
      );
      expect(res.errors).toBeUndefined();
      const c = res.data.node.c;
      return {
        ids: c.nodes.map((n: { id: string }) => fromGlobalId(n.id)!.id),
        totalCount: c.totalCount,
        next: c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null,
      };
    };
  const sql = (text: string) => async () =>
    (await owner.query(text, [tenantId, familyId])).rows.map((r) => r.id as string);
  Object.assign(CONNECTIONS, {
    'Query.families': {
      page: top('families'),
      truth: sql(`select id from families where tenant_id = $1 and $2::uuid is not null order by name, id`),
    },
    'Query.facilities': {
      page: top('facilities'),
      truth: sql(`select id from facilities where tenant_id = $1 and $2::uuid is not null order by name, id`),
    },
    'Query.services': {
      page: top('services'),
      truth: sql(`select id from services where tenant_id = $1 and $2::uuid is not null order by name, id`),
    },
    'Query.sessions': {
      page: top('sessions'),
      truth: sql(
        `select id from sessions where tenant_id = $1 and $2::uuid is not null order by date, period, id`,
      ),
    },
    'Query.invoices': {
      page: top('invoices'),
      truth: sql(
        `select id from invoices where tenant_id = $1 and $2::uuid is not null order by issued_at desc, number desc, id desc`,
      ),
    },
    'Query.auditEvents': {
      page: top('auditEvents', '', () => admin),
      truth: sql(
        `select id from audit_events where tenant_id = $1 and $2::uuid is not null order by created_at desc, id desc`,
      ),
    },
    'Query.imports': {
      page: top('imports', '', () => admin),
      truth: sql(
        `select id from imports where tenant_id = $1 and $2::uuid is not null order by started_at desc, id desc`,
      ),
    },
    'Query.attendanceConflicts': {
      page: top('attendanceConflicts'),
      truth: sql(
        `select id from attendance_conflicts where tenant_id = $1 and $2::uuid is not null and status = 'OPEN' order by detected_at, id`,
      ),
    },
    'Family.invoices': {
      page: nested('invoices'),
      truth: sql(
        `select id from invoices where tenant_id = $1 and family_id = $2 order by issued_at desc, number desc, id desc`,
      ),
    },
    'Family.reservations': {
      page: nested('reservations'),
      truth: sql(
        `select id from reservations where tenant_id = $1 and family_id = $2 order by created_at desc, id desc`,
      ),
    },
    'Child.reservations': {
      page: nested('reservations', 'Child', () => toGlobalId('Child', childId)),
      truth: async () =>
        (
          await owner.query(
            `select id from reservations where tenant_id = $1 and child_id = $2 order by created_at desc, id desc`,
            [tenantId, childId],
          )
        ).rows.map((r) => r.id as string),
    },
    'Facility.children': {
      page: nested('children', 'Facility', () => toGlobalId('Facility', schoolId)),
      truth: async () =>
        (
          await owner.query(
            `select id from children where tenant_id = $1 and school_id = $2 order by last_name, first_name, id`,
            [tenantId, schoolId],
          )
        ).rows.map((r) => r.id as string),
    },
    'WebhookEndpoint.deliveries': {
      page: nested(
        'deliveries',
        'WebhookEndpoint',
        () => toGlobalId('WebhookEndpoint', endpointId),
        () => admin,
      ),
      truth: async () =>
        (
          await owner.query(
            `select id from webhook_deliveries where tenant_id = $1 and endpoint_id = $2 order by created_at desc, id desc`,
            [tenantId, endpointId],
          )
        ).rows.map((r) => r.id as string),
    },
    'Family.notifications': {
      page: nested('notifications'),
      truth: sql(
        `select id from notifications where tenant_id = $1 and family_id = $2 order by created_at desc, id desc`,
      ),
    },
    'BillingRun.draftInvoices': {
      page: nested('draftInvoices', 'BillingRun', () => toGlobalId('BillingRun', draftRunId)),
      truth: sql(
        `select id from billing_draft_invoices where tenant_id = $1 and $2::uuid is not null order by total desc, id desc`,
      ),
    },
    'Family.charges': {
      page: nested('charges'),
      truth: sql(
        `select id from charges where tenant_id = $1 and family_id = $2 order by date desc, id desc`,
      ),
    },
  });

  it('covers every connection of the schema', () => {
    const connections: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (getNamedType(field.type).name.endsWith('Connection'))
          connections.push(`${type.name}.${field.name}`);
      }
    }
    expect(connections.sort()).toEqual(Object.keys(CONNECTIONS).sort());
  });

  it('has rows that share their sort values', async () => {
    const shared = async (sql: string) => Number((await owner.query(sql, [tenantId])).rows[0].n);
    expect(
      await shared(`select count(*) as n from families where tenant_id = $1 and name = 'Famille Pareil'`),
    ).toBeGreaterThan(20);
    expect(
      await shared(`select count(*) as n from invoices where tenant_id = $1 and issued_at = '${ISSUED}'`),
    ).toBe(120);
    expect(
      await shared(
        `select max(c) as n from (select count(*) c from sessions where tenant_id = $1 group by date, period) x`,
      ),
    ).toBeGreaterThan(10);
  });

  it.each(Object.keys(CONNECTIONS))('%s: paging forward yields exactly the list', async (name) => {
    const { page, truth } = CONNECTIONS[name];
    const expected = await truth();
    expect(expected.length).toBeGreaterThan(20);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(1, 2, 7, 100), fc.integer({ min: 1, max: 100 })),
        async (size) => {
          const seen: string[] = [];
          let after: string | null = null;
          for (let pages = 0; pages <= expected.length; pages++) {
            const { ids, totalCount, next } = await page(size, after);
            expect(totalCount).toBe(expected.length);
            expect(ids.length).toBeLessThanOrEqual(size);
            seen.push(...ids);
            if (!next) break;
            after = next;
          }
          expect(seen).toEqual(expected);
        },
      ),
      // The sizes the issue names always run (examples), then random ones.
      { numRuns: 8, seed: 9, examples: [[1], [2], [7], [100]] },
    );
  });
});
