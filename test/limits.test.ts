import { Role } from '../src/auth/viewer';
import { MAX_QUERY_COST } from '../src/graphql/cost';
import { startTestApp, token, type TestApp } from './support/app';

/**
 * What a query may ask and what an input may hold, checked before anything runs: a cost that reads
 * the variables and the default page size (reported in `extensions.cost` as Shopify does), text
 * without NUL and within its length, dates within the calendar, clean 400s for malformed requests.
 */
describe('query cost and input limits', () => {
  let app: TestApp;
  let agent: string;

  beforeAll(async () => {
    app = await startTestApp();
    agent = await token('nimes', Role.AGENT);
  });
  afterAll(() => app.close());

  describe('cost', () => {
    const FAMILIES = 'query($n: Int) { families(first: $n) { nodes { name } } }';

    it('reads the variables: 100 families cost 100 times one family', async () => {
      const one = await app.gql(FAMILIES, { n: 1 }, { token: agent });
      const hundred = await app.gql(FAMILIES, { n: 100 }, { token: agent });
      expect(one.extensions.cost).toEqual({ requestedQueryCost: 1, maximumAvailable: MAX_QUERY_COST });
      expect(hundred.extensions.cost.requestedQueryCost).toBe(100 * one.extensions.cost.requestedQueryCost);
      expect(hundred.data.families.nodes).toHaveLength(100);
    });

    it('reads the variables a cost depends on, in fragments and directives, whatever else varies', async () => {
      const query = `query($n: Int, $withChildren: Boolean!, $search: String) {
        families(first: $n, search: $search) { ...F } }
        fragment F on FamilyConnection { nodes { name children @include(if: $withChildren) { firstName } } }`;
      const costOf = async (variables: Record<string, unknown>) =>
        (await app.gql(query, variables, { token: agent })).extensions.cost.requestedQueryCost;
      // A family costs 1, plus its children (a list of 3 expected, 1 each) when included.
      for (const search of ['a', 'b', null]) {
        expect(await costOf({ n: 2, withChildren: false, search })).toBe(2);
        expect(await costOf({ n: 2, withChildren: true, search })).toBe(2 * (1 + 3));
        expect(await costOf({ n: 5, withChildren: true, search })).toBe(5 * (1 + 3));
      }
    });

    it('counts an omitted page size as the default page of 20', async () => {
      const omitted = await app.gql('{ families { nodes { name } } }', {}, { token: agent });
      expect(omitted.extensions.cost.requestedQueryCost).toBe(20);
    });

    it('reports the cost on mutations and refusals too', async () => {
      const mutation = await app.gql(
        'mutation($i: SuspendBillingInput!) { suspendBilling(input: $i) { userErrors { code } } }',
        { i: {} },
        { token: await token('nimes', Role.AGENT) },
      );
      // An agent may not suspend billing: refused before it runs, cost still reported.
      expect(mutation.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(mutation.extensions.cost).toEqual({ requestedQueryCost: 3, maximumAvailable: MAX_QUERY_COST });
      const refused = await app.gql('{ families(first: 1) { nodes { name } } }', {}, { token: agent });
      expect(refused.extensions.cost.maximumAvailable).toBe(MAX_QUERY_COST);
    });

    it('refuses a query above the maximum before it runs, with 400 and the figures', async () => {
      const res = await app.gql(
        `{ families(first: 100) { nodes { reservations(first: 100) { nodes { session { service { name } } } } } } }`,
        {},
        { token: agent },
      );
      expect(res.status).toBe(400);
      expect(res.errors?.[0].extensions?.code).toBe('COST_LIMIT_EXCEEDED');
      expect(res.extensions.cost.requestedQueryCost).toBeGreaterThan(MAX_QUERY_COST);
      expect(res.data).toBeUndefined();
    });
  });

  describe('input', () => {
    it('refuses a NUL character in any text, before anything runs', async () => {
      const res = await app.gql(
        'query($s: String) { families(search: $s) { totalCount } }',
        { s: 'mar\u0000tin' },
        { token: agent },
      );
      expect(res.status).toBe(400);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['search'] });
    });

    it("refuses text over its declared length in the mutation's userErrors, naming the field", async () => {
      const res = await app.gql(
        `mutation($i: SetOperatingModeInput!) { setOperatingMode(input: $i) {
           tenant { operatingMode } userErrors { code field reason message } } }`,
        { i: { mode: 'READ_ONLY', reason: 'x'.repeat(501) } },
        { token: await token('nimes', Role.TENANT_ADMIN) },
      );
      expect(res.status).toBe(200);
      expect(res.data.setOperatingMode.userErrors).toEqual([
        {
          code: 'INVALID',
          field: ['reason'],
          reason: 'TOO_LONG',
          message: '« input.reason » compte au plus 500 caractères (501 reçus).',
        },
      ]);
      // Nothing ran: the mode is unchanged.
      expect(res.data.setOperatingMode.tenant.operatingMode).not.toBe('READ_ONLY');
    });

    it("refuses lists over their maximum in the mutation's userErrors", async () => {
      const res = await app.gql(
        'mutation($i: ReserveInput!) { reserve(input: $i) { reservations { id } userErrors { code field reason } } }',
        {
          i: {
            childId: 'Child_x',
            sessionIds: Array.from({ length: 101 }, () => 'Session_x'),
            idempotencyKey: 'k',
          },
        },
        { token: agent },
      );
      expect(res.status).toBe(200);
      expect(res.data.reserve).toEqual({
        reservations: [],
        userErrors: [{ code: 'INVALID', field: ['sessionIds'], reason: 'TOO_MANY_ITEMS' }],
      });
    });

    it('keeps a query argument over its limits a top-level BAD_USER_INPUT', async () => {
      const res = await app.gql(
        'query($s: String) { families(search: $s) { totalCount } }',
        { s: 'x'.repeat(101) },
        { token: agent },
      );
      expect(res.status).toBe(400);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['search'] });
    });

    it.each([
      ['year 0', '0000-01-01'],
      ['a day that does not exist', '2026-02-30'],
      ['a year too far', '9999-12-31'],
      ['a time', '2026-01-01T10:00:00Z'],
    ])('refuses a date of %s at the edge', async (_label, date) => {
      const res = await app.gql(
        'query($d: LocalDate!) { mealCounts(date: $d) { eaten } }',
        { d: date },
        { token: agent },
      );
      expect(res.status).toBe(400);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('refuses a month of year 0, and a page size out of bounds', async () => {
      const month = await app.gql(
        'query($p: YearMonth!) { billingTotals(period: $p) { invoices } }',
        { p: '0000-01' },
        { token: agent },
      );
      expect(month.status).toBe(400);
      const page = await app.gql('{ families(first: 0) { totalCount } }', {}, { token: agent });
      expect(page.status).toBe(400);
      expect(page.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['first'] });
      const csv = await fetch(`${app.url}/documents/treasury/0000-01.csv`, {
        headers: { authorization: `Bearer ${agent}` },
      });
      expect(csv.status).toBe(400);
      expect(await csv.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    });
  });

  describe('malformed requests get a GraphQL-shaped 400', () => {
    const post = (body: unknown) =>
      fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agent}` },
        body: JSON.stringify(body),
      });

    it('a syntax error', async () => {
      const res = await post({ query: '{ families { nodes { name } ' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    });

    it('a query over the token limit', async () => {
      const res = await post({
        query: `{ ${Array.from({ length: 3000 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    });

    it('a subscription, which this API does not offer', async () => {
      const res = await post({ query: 'subscription { tenants { slug } }' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).errors[0].extensions.code).toMatch(
        /OPERATION_NOT_SUPPORTED|GRAPHQL_VALIDATION_FAILED/,
      );
    });
  });
});
