import { randomUUID } from 'node:crypto';
import { startTestApp, token, Role, type TestApp } from './support/app';
import { partOfCatalogue, seedTestTenant } from './support/tenants';

/**
 * A nested query must cost a number of SQL statements bounded by its depth, not its width:
 * every relation goes through a per-request DataLoader. An N+1 regression fails here.
 */
describe('batching', () => {
  let app: TestApp;
  let agent: string;

  beforeAll(async () => {
    app = await startTestApp();
    agent = await token('nimes', Role.AGENT);
  });
  afterAll(() => app.close());

  const NESTED = `query($first: Int) {
    families(first: $first) {
      nodes { id name children { id firstName school { id name services { id name priceGrid { unitPrice { amount } } } } } }
    }
  }`;

  const statementsFor = async (first: number) => {
    const requestId = randomUUID();
    const res = await app.gql(NESTED, { first }, { token: agent, headers: { 'x-request-id': requestId } });
    expect(res.errors).toBeUndefined();
    expect(res.headers.get('x-request-id')).toBe(requestId);
    return { statements: app.statementsFor(requestId), families: res.data!.families.nodes };
  };

  it('runs the same few statements for 5 families as for 50', async () => {
    await statementsFor(1); // authentication finds the tenant, then keeps it
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    expect(large.families).toHaveLength(50);
    const children = large.families.flatMap((f: { children: unknown[] }) => f.children);
    expect(children.length).toBeGreaterThan(50);

    // The statement that scopes the transaction and reads the tenant (authentication found the
    // tenant in its cache: the small request read it), families (no count: totalCount is not
    // selected), then one per level: children, facilities (schools), services, price brackets.
    // Transaction begin/commit are not logged.
    expect(large.statements).toHaveLength(6);
    expect(large.statements[0]).toMatch(/set_config\('app.tenant_id'[\s\S]*left join tenants t/);
    expect(large.statements.length).toBe(small.statements.length);
    // One query per level, whatever the width.
    expect(large.statements.filter((sql) => /from "?children"? /.test(sql))).toHaveLength(1);
    expect(large.statements.filter((sql) => /from "?facilities"? /.test(sql))).toHaveLength(1);
    expect(large.statements.filter((sql) => /from "?services"? /.test(sql))).toHaveLength(1);
    // A count only when totalCount is asked for.
    const counted = await app.gql('{ families(first: 5) { totalCount } }', {}, { token: agent });
    expect(counted.data.families.totalCount).toBeGreaterThan(5);
  });

  it('scopes every statement of the request to its tenant', async () => {
    const { statements } = await statementsFor(10);
    // Authentication reads the public tenants table; every other read is of tenant-owned rows.
    const reads = statements.filter(
      (sql) => /^select .* from "?[a-z_]+"? /is.test(sql.trim()) && !/from "?tenants"? /.test(sql),
    );
    expect(reads.length).toBeGreaterThan(3);
    for (const sql of reads) expect(sql).toMatch(/where[\s\S]*"?tenant_id"? = /);
    expect(statements.some((sql) => /set_config\('app\.tenant_id'/.test(sql))).toBe(true);
  });

  describe('money of many families', () => {
    const SLUG = 'test-batching-money';
    let admin: string;
    let moneyAgent: string;

    beforeAll(async () => {
      // Saint-Nazaire's story on a small copy: lunches unbilled since March, one catch-up invoice
      // per family on 1 July, and payment plans for some of them.
      await seedTestTenant(
        'saint-nazaire',
        {
          slug: SLUG,
          families: 12,
          seed: 99,
          childAges: [6, 9],
          catalogue: partOfCatalogue('saint-nazaire', [
            { kind: 'SCHOOL', name: 'École du Lot', capacity: 200 },
          ]),
          networkServices: [],
          canteenHistorySince: '2026-03-02',
        },
        new Date('2026-06-15T10:00:00Z'),
        2,
      );
      admin = await token(SLUG, Role.TENANT_ADMIN);
      moneyAgent = await token(SLUG, Role.AGENT);
      app.setNow('2026-07-02T08:00:00Z');
      const resumed = await app.gql(
        'mutation($i: ResumeBillingInput!) { resumeBilling(input: $i) { billingRun { invoicesCreated } userErrors { code } } }',
        { i: { idempotencyKey: 'batching-catch-up' } },
        { token: admin },
      );
      expect(resumed.data.resumeBilling.billingRun.invoicesCreated).toBeGreaterThanOrEqual(10);
      const families = await app.gql('{ families(first: 12) { nodes { id } } }', {}, { token: moneyAgent });
      for (const [i, family] of families.data.families.nodes.slice(0, 6).entries()) {
        const plan = await app.gql(
          'mutation($i: CreatePaymentPlanInput!) { createPaymentPlan(input: $i) { paymentPlan { id } userErrors { code message } } }',
          { i: { familyId: family.id, instalments: 2, idempotencyKey: `batching-plan-${i}` } },
          { token: moneyAgent },
        );
        expect(plan.data.createPaymentPlan.userErrors).toEqual([]);
      }
    });
    afterAll(() => app.setNow(null));

    const MONEY = `query($first: Int) { families(first: $first) { nodes { id
      account { balance { minorUnits } due { minorUnits } overdue { minorUnits } openInvoices { number } }
      paymentPlans { total { minorUnits } instalments { position status paid { minorUnits } } }
      invoices(first: 5) { totalCount nodes { number amountDue { minorUnits } status } }
      charges(first: 3) { totalCount nodes { date } } } } }`;

    const run = async (first: number) => {
      const requestId = randomUUID();
      const res = await app.gql(
        MONEY,
        { first },
        { token: moneyAgent, headers: { 'x-request-id': requestId } },
      );
      expect(res.errors).toBeUndefined();
      return { statements: app.statementsFor(requestId), families: res.data.families.nodes };
    };

    it('reads accounts, plans with their instalments and invoice pages in the same statements for 2 families as for 12', async () => {
      const small = await run(2);
      const large = await run(12);
      expect(large.families).toHaveLength(12);
      // The data is really there: plans with instalments, invoices with a total count.
      expect(large.families.filter((f: any) => f.paymentPlans.length === 1)).toHaveLength(6);
      expect(large.families.every((f: any) => f.invoices.totalCount >= 1)).toBe(true);
      expect(
        large.families.flatMap((f: any) => f.paymentPlans.flatMap((p: any) => p.instalments)),
      ).toHaveLength(12);
      expect(large.statements.length).toBe(small.statements.length);
      // One statement (or two, for a page and its count) per level, whatever the width.
      expect(
        large.statements.filter((sql) => /from "?payment_plans"? (as "p0" )?where/.test(sql)),
      ).toHaveLength(1);
      expect(large.statements.filter((sql) => /from "?instalments"? /.test(sql))).toHaveLength(1);
      expect(large.statements.length).toBeLessThanOrEqual(16);
    });
  });
});
