import { Role, startTestApp, token, type TestApp } from './support/app';

/**
 * Compiled queries (src/http/compiled-queries.ts): a document runs through graphql-js the first
 * time and compiled from the second on; both must answer alike — abstract types, lazy counts,
 * aliases, fragments, @include by variable, an error at its path, and a mutation's payload.
 */
describe('compiled queries answer as graphql-js does', () => {
  let app: TestApp;
  let agent: string;

  beforeAll(async () => {
    app = await startTestApp();
    agent = await token('nimes', Role.AGENT);
  });
  afterAll(() => app.close());

  const twice = async (query: string, variables: Record<string, unknown> = {}) => {
    // Status, data, errors and extensions, as the client reads them (not the headers: request ids).
    const answer = async () => {
      const { status, data, errors, extensions } = await app.gql(query, variables, { token: agent });
      return JSON.parse(JSON.stringify({ status, data, errors, extensions }));
    };
    const first = await answer();
    expect(await answer()).toEqual(first);
    expect(await answer()).toEqual(first);
    return first;
  };

  it('reads lists, lazy counts, aliases, fragments on Node and @include by variable alike', async () => {
    const query = `query Compiled($withSchool: Boolean!, $id: ID!) {
      families(first: 3) { totalCount nodes { id ...Named kids: children { firstName school @include(if: $withSchool) { name } } } }
      node(id: $id) { __typename ... on Family { name } ...Named }
      missing: node(id: "Family_AAAAAAAAAAAAAAAAAAAAAA") { id }
    }
    fragment Named on Family { name }`;
    const ids = await app.gql('{ families(first: 1) { nodes { id } } }', {}, { token: agent });
    const id = ids.data.families.nodes[0].id;
    for (const withSchool of [true, false]) {
      const res = await twice(query, { withSchool, id });
      // The unknown node: null, and an error at its path.
      expect(res.errors).toEqual([
        expect.objectContaining({ path: ['missing'], extensions: { code: 'NOT_FOUND' } }),
      ]);
      expect(res.data.families.totalCount).toBeGreaterThan(3);
      expect(res.data.families.nodes).toHaveLength(3);
      expect(res.data.node).toMatchObject({ __typename: 'Family', name: expect.any(String) });
      expect(res.data.missing).toBeNull();
      const kid = res.data.families.nodes.flatMap((f: { kids: unknown[] }) => f.kids)[0];
      expect('school' in kid).toBe(withSchool);
    }
  });

  it('answers a mutation’s refusal payload alike', async () => {
    const res = await twice(
      `mutation Refused($input: RecordDepositInput!) { recordDeposit(input: $input) { payment { id } userErrors { code field } } }`,
      {
        input: {
          familyId: 'Family_AAAAAAAAAAAAAAAAAAAAAA',
          amount: 500,
          method: 'CASH',
          idempotencyKey: 'compiled-refusal',
        },
      },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.recordDeposit.payment).toBeNull();
    expect(res.data.recordDeposit.userErrors[0].code).toBe('NOT_FOUND');
  });
});
