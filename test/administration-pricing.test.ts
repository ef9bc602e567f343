import fc from 'fast-check';
import type { Client } from 'pg';
import { gridErrors, type BracketInput } from '../src/administration/pricing/price-grid';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * Prices that follow a family's situation and a town's decisions: a quotient with its history
 * (each session priced with the quotient valid on its date, past charges never repriced) and price
 * grids with validity periods that price every quotient exactly once. A Nîmes copy of its own
 * (walk-in canteens: a roll call creates the charges), on 30 November 2026.
 */
describe('administration: family quotients and price grids', () => {
  const SLUG = 'test-adm-pricing';
  const NOW = '2026-11-30T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let admin: string;
  let agent: string;
  let tenantId: string;
  let pupil: { id: string; familyId: string; schoolId: string; serviceId: string };
  const g = (type: string, id: string) => toGlobalId(type, id);
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await owner.query(sql, params)).rows[0].n);
  /** This suite's own audit events (the seed set the catalogue up as the bootstrap, audited too). */
  const audits = (action: string) =>
    count(
      `select count(*) as n from audit_events where tenant_id = $1 and action = $2 and actor <> 'system:bootstrap'`,
      [tenantId, action],
    );

  const SET_QUOTIENT = `mutation($i: SetFamilyQuotientInput!) { setFamilyQuotient(input: $i) {
    family { id familyQuotient quotientHistory { quotient effectiveFrom documentRef } } userErrors { code field message } } }`;
  const SET_GRID = `mutation($i: SetPriceGridInput!) { setPriceGrid(input: $i) {
    service { id } userErrors { code field message } } }`;
  const ROLL = `mutation($input: RecordAttendanceInput!) { recordAttendance(input: $input) {
    reservations { child { id } charge { unitPrice { amount } } } userErrors { code message } } }`;
  const GRID = `query($id: ID!, $on: LocalDate) { node(id: $id) { ... on Service {
    priceGrid(on: $on) { minQuotient maxQuotient unitPrice { amount } } } } }`;

  beforeAll(async () => {
    tenantId = await seedTestTenant('nimes', { slug: SLUG, families: 30, seed: 2027 }, new Date(NOW), 6);
    owner = await rawClient('owner');
    pupil = (
      await owner.query(
        `select c.id, c.family_id as "familyId", c.school_id as "schoolId", s.id as "serviceId"
         from children c join services s on s.tenant_id = c.tenant_id and s.facility_id = c.school_id and s.kind = 'CANTEEN'
         where c.tenant_id = $1 order by c.id limit 1`,
        [tenantId],
      )
    ).rows[0];
    // The quotient on file before any attestation: the top bracket (370).
    await owner.query(`update families set family_quotient = 1500 where id = $1`, [pupil.familyId]);
    app = await startTestApp();
    app.setNow(NOW);
    admin = await token(SLUG, Role.TENANT_ADMIN);
    agent = await token(SLUG, Role.AGENT);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  const sessionOn = async (date: string) =>
    (
      await owner.query(`select id from sessions where tenant_id = $1 and service_id = $2 and date = $3`, [
        tenantId,
        pupil.serviceId,
        date,
      ])
    ).rows[0].id as string;

  /** The roll call of the pupil's lunch on a date (walk-in): the price of its charge. */
  async function lunchPrice(date: string, key: string): Promise<number> {
    app.setNow(`${date}T11:00:00.000Z`);
    try {
      const res = await app.gql(
        ROLL,
        {
          input: {
            sessionId: g('Session', await sessionOn(date)),
            present: [g('Child', pupil.id)],
            absent: [],
            idempotencyKey: key,
          },
        },
        { token: agent },
      );
      expect(res.data.recordAttendance.userErrors).toEqual([]);
      return res.data.recordAttendance.reservations[0].charge.unitPrice.amount;
    } finally {
      app.setNow(NOW);
    }
  }

  it('refuses a bad quotient with a code and a field, and records nothing', async () => {
    const base = {
      familyId: g('Family', pupil.familyId),
      quotient: 300,
      effectiveFrom: '2027-01-01',
      documentRef: 'CAF 2027',
    };
    const cases: [Record<string, unknown>, string[]][] = [
      [{ quotient: -5 }, ['quotient']],
      [{ quotient: 900_000 }, ['quotient']],
      [{ documentRef: '   ' }, ['documentRef']],
      [{ documentRef: 'x'.repeat(256) }, ['documentRef']],
      [{ effectiveFrom: '2029-06-01' }, ['effectiveFrom']],
    ];
    for (const [i, [change, field]] of cases.entries()) {
      const res = await app.gql(
        SET_QUOTIENT,
        { i: { ...base, ...change, idempotencyKey: `bad-q-${i}` } },
        { token: agent },
      );
      if (res.errors) {
        // Longer than the declared 255 characters: refused by the guard before anything runs.
        expect(res.errors[0].extensions?.code).toBe('BAD_USER_INPUT');
        continue;
      }
      expect(res.data.setFamilyQuotient.userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID', field }),
      ]);
    }
    const other = await owner.query(
      `select f.id from families f join tenants t on t.id = f.tenant_id where t.slug = 'beziers' limit 1`,
    );
    const foreign = await app.gql(
      SET_QUOTIENT,
      { i: { ...base, familyId: g('Family', other.rows[0].id), idempotencyKey: 'bad-q-foreign' } },
      { token: agent },
    );
    expect(foreign.data.setFamilyQuotient.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['familyId'] }),
    ]);
    const child = await app.gql(
      SET_QUOTIENT,
      { i: { ...base, familyId: g('Child', pupil.id), idempotencyKey: 'bad-q-type' } },
      { token: agent },
    );
    expect(child.data.setFamilyQuotient.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['familyId'] }),
    ]);
    const parent = await app.gql(
      SET_QUOTIENT,
      { i: { ...base, idempotencyKey: 'bad-q-parent' } },
      { token: await token(SLUG, Role.PARENT, g('Family', pupil.familyId)) },
    );
    expect(parent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await count(`select count(*) as n from family_quotients where tenant_id = $1`, [tenantId])).toBe(
      0,
    );
    expect(await audits('FAMILY_QUOTIENT_SET')).toBe(0);
  });

  it('prices each lunch with the quotient valid on its date, and never reprices a charge', async () => {
    const set = await app.gql(
      SET_QUOTIENT,
      {
        i: {
          familyId: g('Family', pupil.familyId),
          quotient: 300,
          effectiveFrom: '2027-01-01',
          documentRef: 'CAF 2027-01',
          idempotencyKey: 'q-2027',
        },
      },
      { token: agent },
    );
    expect(set.data.setFamilyQuotient).toEqual({
      family: {
        id: g('Family', pupil.familyId),
        familyQuotient: 1500, // still the one on file today
        quotientHistory: [{ quotient: 300, effectiveFrom: '2027-01-01', documentRef: 'CAF 2027-01' }],
      },
      userErrors: [],
    });
    const december = (
      await owner.query(
        `select to_char(min(date), 'YYYY-MM-DD') as d from sessions where tenant_id = $1 and service_id = $2 and date > '2026-11-30'`,
        [tenantId, pupil.serviceId],
      )
    ).rows[0].d;
    const january = (
      await owner.query(
        `select to_char(min(date), 'YYYY-MM-DD') as d from sessions where tenant_id = $1 and service_id = $2 and date >= '2027-01-01'`,
        [tenantId, pupil.serviceId],
      )
    ).rows[0].d;
    expect(await lunchPrice(december, 'roll-dec')).toBe(370);
    expect(await lunchPrice(january, 'roll-jan')).toBe(100);

    // A retroactive attestation prices what comes after it; the December charge stays as it was.
    const retro = await app.gql(
      SET_QUOTIENT,
      {
        i: {
          familyId: g('Family', pupil.familyId),
          quotient: 800,
          effectiveFrom: '2026-11-01',
          documentRef: 'CAF rectificatif',
          idempotencyKey: 'q-retro',
        },
      },
      { token: agent },
    );
    expect(retro.data.setFamilyQuotient.family.familyQuotient).toBe(800);
    const charges = await owner.query(
      `select to_char(date, 'YYYY-MM-DD') as date, unit_price from charges where tenant_id = $1 and child_id = $2 order by date`,
      [tenantId, pupil.id],
    );
    expect(charges.rows).toEqual([
      { date: december, unit_price: 370 },
      { date: january, unit_price: 100 },
    ]);
    const trail = await owner.query(
      `select details from audit_events where tenant_id = $1 and action = 'FAMILY_QUOTIENT_SET' and family_id = $2 order by details->>'effectiveFrom'`,
      [tenantId, pupil.familyId],
    );
    expect(trail.rows.map((r) => r.details)).toEqual([
      {
        effectiveFrom: '2026-11-01',
        before: { quotient: 1500 },
        after: { quotient: 800, documentRef: 'CAF rectificatif' },
      },
      {
        effectiveFrom: '2027-01-01',
        before: { quotient: 1500 },
        after: { quotient: 300, documentRef: 'CAF 2027-01' },
      },
    ]);
    // The same key replays; nothing recorded twice.
    await app.gql(
      SET_QUOTIENT,
      {
        i: {
          familyId: g('Family', pupil.familyId),
          quotient: 800,
          effectiveFrom: '2026-11-01',
          documentRef: 'CAF rectificatif',
          idempotencyKey: 'q-retro',
        },
      },
      { token: agent },
    );
    expect(await audits('FAMILY_QUOTIENT_SET')).toBe(2);
  });

  it('refuses a grid with a gap or an overlap, naming the bracket, and changes nothing', async () => {
    const before = await owner.query(`select * from price_brackets where tenant_id = $1 order by id`, [
      tenantId,
    ]);
    const cases: [BracketInput[], string[], RegExp][] = [
      [
        [
          { minQuotient: 0, maxQuotient: 500, unitPrice: 100 },
          { minQuotient: 600, maxQuotient: null, unitPrice: 300 },
        ],
        ['brackets', '1', 'minQuotient'],
        /de 500 à 600 n’ont pas de prix/,
      ],
      [
        [
          { minQuotient: 0, maxQuotient: 700, unitPrice: 100 },
          { minQuotient: 600, maxQuotient: null, unitPrice: 300 },
        ],
        ['brackets', '1', 'minQuotient'],
        /chevauchent/,
      ],
      [
        [{ minQuotient: 100, maxQuotient: null, unitPrice: 100 }],
        ['brackets', '0', 'minQuotient'],
        /de 0 à 100/,
      ],
      [
        [{ minQuotient: 0, maxQuotient: 900, unitPrice: 100 }],
        ['brackets', '0', 'maxQuotient'],
        /à partir de 900/,
      ],
      [[{ minQuotient: 0, maxQuotient: null, unitPrice: -1 }], ['brackets', '0', 'unitPrice'], /prix/],
    ];
    // Messages in the tenant's language (French), naming the bracket and the quotients left out.
    for (const [i, [brackets, field, message]] of cases.entries()) {
      const res = await app.gql(
        SET_GRID,
        {
          i: {
            serviceId: g('Service', pupil.serviceId),
            validFrom: '2027-01-01',
            brackets,
            idempotencyKey: `bad-grid-${i}`,
          },
        },
        { token: admin },
      );
      expect(res.data.setPriceGrid.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field })]);
      expect(res.data.setPriceGrid.userErrors[0].message).toMatch(message);
    }
    const past = await app.gql(
      SET_GRID,
      {
        i: {
          serviceId: g('Service', pupil.serviceId),
          validFrom: '2026-09-01',
          brackets: [{ minQuotient: 0, unitPrice: 1 }],
          idempotencyKey: 'bad-grid-past',
        },
      },
      { token: admin },
    );
    expect(past.data.setPriceGrid.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID', field: ['validFrom'] }),
    ]);
    const byAgent = await app.gql(
      SET_GRID,
      {
        i: {
          serviceId: g('Service', pupil.serviceId),
          validFrom: '2027-01-01',
          brackets: [{ minQuotient: 0, unitPrice: 1 }],
          idempotencyKey: 'bad-grid-agent',
        },
      },
      { token: agent },
    );
    expect(byAgent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(
      (await owner.query(`select * from price_brackets where tenant_id = $1 order by id`, [tenantId])).rows,
    ).toEqual(before.rows);
    expect(await audits('PRICE_GRID_SET')).toBe(0);
  });

  it('sets a new grid from 1 January: the old one ends on 31 December, audited', async () => {
    const service = g('Service', pupil.serviceId);
    const brackets = [
      { minQuotient: 0, maxQuotient: 450, unitPrice: 110 },
      { minQuotient: 450, maxQuotient: 1200, unitPrice: 250 },
      { minQuotient: 1200, maxQuotient: null, unitPrice: 395 },
    ];
    const res = await app.gql(
      SET_GRID,
      { i: { serviceId: service, validFrom: '2027-01-01', brackets, idempotencyKey: 'grid-2027' } },
      { token: admin },
    );
    expect(res.data.setPriceGrid).toEqual({ service: { id: service }, userErrors: [] });
    const december = await app.gql(GRID, { id: service, on: '2026-12-31' }, { token: admin });
    expect(december.data.node.priceGrid.map((b: any) => b.unitPrice.amount)).toEqual([100, 190, 285, 370]);
    const january = await app.gql(GRID, { id: service, on: '2027-01-01' }, { token: admin });
    expect(january.data.node.priceGrid).toEqual(
      brackets.map((b) => ({
        minQuotient: b.minQuotient,
        maxQuotient: b.maxQuotient,
        unitPrice: { amount: b.unitPrice },
      })),
    );
    expect(
      await count(
        `select count(*) as n from price_brackets where tenant_id = $1 and service_id = $2 and valid_to = '2026-12-31'`,
        [tenantId, pupil.serviceId],
      ),
    ).toBe(4);
    const [event] = (
      await owner.query(
        `select details from audit_events where tenant_id = $1 and action = 'PRICE_GRID_SET' and actor <> 'system:bootstrap'`,
        [tenantId],
      )
    ).rows;
    expect(event.details).toMatchObject({
      validFrom: '2027-01-01',
      before: [{ minQuotient: 0, maxQuotient: 400, unitPrice: 100 }, {}, {}, {}],
      after: brackets,
    });
  });

  it('accepts exactly the grids that price every quotient once (property)', () => {
    // Cut points → a sound grid; then perhaps one defect: a gap, an overlap, a bounded top, a late start.
    const grid = fc
      .record({
        cuts: fc.uniqueArray(fc.integer({ min: 1, max: 3000 }), { maxLength: 6 }),
        defect: fc.constantFrom('none', 'gap', 'overlap', 'bounded', 'late', 'shuffle'),
        at: fc.nat(),
      })
      .map(({ cuts, defect, at }) => {
        const points = [0, ...cuts.sort((a, b) => a - b)];
        let brackets: BracketInput[] = points.map((min, i) => ({
          minQuotient: min,
          maxQuotient: points[i + 1] ?? null,
          unitPrice: 100 + i,
        }));
        const k = at % brackets.length;
        if (
          defect === 'gap' &&
          brackets[k].maxQuotient != null &&
          brackets[k].maxQuotient! - brackets[k].minQuotient > 1
        )
          brackets[k].maxQuotient! -= 1;
        if (defect === 'overlap' && k > 0) brackets[k].minQuotient -= 1;
        if (defect === 'bounded') brackets[brackets.length - 1].maxQuotient = 5000;
        if (defect === 'late') brackets[0].minQuotient = 1;
        if (defect === 'shuffle') brackets = [...brackets].reverse();
        return brackets;
      });
    fc.assert(
      fc.property(grid, (brackets) => {
        const accepted = gridErrors(brackets).length === 0;
        const pricedOnce = [0, 1, 2, 499, 500, 1000, 2999, 3000, 3001, 4999, 5000, 100_000]
          .concat(
            brackets.flatMap((b) => [
              b.minQuotient - 1,
              b.minQuotient,
              b.maxQuotient ?? 0,
              (b.maxQuotient ?? 1) - 1,
            ]),
          )
          .filter((q) => q >= 0)
          .every(
            (q) =>
              brackets.filter((b) => b.minQuotient <= q && (b.maxQuotient == null || q < b.maxQuotient))
                .length === 1,
          );
        return accepted === pricedOnce;
      }),
      { numRuns: 2000 },
    );
  });

  it('prices every quotient exactly once with the grids the API accepts (property, through HTTP)', async () => {
    const service = g('Service', pupil.serviceId);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: 3000 }), { maxLength: 5 }), async (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b)];
        const brackets = points.map((min, i) => ({
          minQuotient: min,
          maxQuotient: points[i + 1] ?? null,
          unitPrice: 50 + i,
        }));
        const res = await app.gql(
          SET_GRID,
          {
            i: {
              serviceId: service,
              validFrom: '2028-01-01',
              brackets: [...brackets].reverse(),
              idempotencyKey: `prop-${run++}`,
            },
          },
          { token: admin },
        );
        if (res.data.setPriceGrid.userErrors.length) return false;
        const read = await app.gql(GRID, { id: service, on: '2028-01-01' }, { token: admin });
        const stored = read.data.node.priceGrid as { minQuotient: number; maxQuotient: number | null }[];
        for (const q of [0, ...points, ...points.map((p) => p - 1), 3001, 10_000].filter((x) => x >= 0)) {
          if (
            stored.filter((b) => b.minQuotient <= q && (b.maxQuotient == null || q < b.maxQuotient))
              .length !== 1
          )
            return false;
        }
        return stored.length === brackets.length;
      }),
      { numRuns: 15 },
    );
  });

  it('shows tenant admins the audit trail: before → after, filtered, page by page', async () => {
    const AUDIT = `query($f: AuditEventFilter, $after: String) { auditEvents(first: 2, filter: $f, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { id action actor actorRoles createdAt family { id } before after details } } }`;
    const quotients = await app.gql(
      AUDIT,
      { f: { action: 'FAMILY_QUOTIENT_SET', familyId: g('Family', pupil.familyId) } },
      { token: admin },
    );
    const page = quotients.data.auditEvents;
    expect(page.totalCount).toBe(2);
    expect(page.nodes[0]).toMatchObject({
      action: 'FAMILY_QUOTIENT_SET',
      actor: `test:${SLUG}:AGENT`,
      actorRoles: ['AGENT'],
      family: { id: g('Family', pupil.familyId) },
      before: { quotient: 1500 },
    });
    expect(page.nodes.map((n: any) => n.after.quotient).sort()).toEqual([300, 800]);

    const all: string[] = [];
    let after: string | null = null;
    do {
      const res: any = await app.gql(AUDIT, { f: {}, after }, { token: admin });
      all.push(...res.data.auditEvents.nodes.map((n: any) => n.id));
      after = res.data.auditEvents.pageInfo.hasNextPage ? res.data.auditEvents.pageInfo.endCursor : null;
    } while (after);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(
      await count(`select count(*) as n from audit_events where tenant_id = $1`, [tenantId]),
    );

    const grid = await app.gql(
      AUDIT,
      { f: { action: 'PRICE_GRID_SET', from: '2026-01-01T00:00:00Z' } },
      { token: admin },
    );
    expect(grid.data.auditEvents.nodes[0].after[0]).toBeDefined();
    const none = await app.gql(AUDIT, { f: { actorId: 'nobody' } }, { token: admin });
    expect(none.data.auditEvents.totalCount).toBe(0);
    const reversed = await app.gql(
      AUDIT,
      { f: { from: '2027-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } },
      { token: admin },
    );
    expect(reversed.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: ['filter', 'from'],
    });
    const byAgent = await app.gql(AUDIT, {}, { token: agent });
    expect(byAgent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
