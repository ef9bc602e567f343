import { randomUUID } from 'node:crypto';
import { startTestApp, token, Role, type TestApp } from './support/app';

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
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    expect(large.families).toHaveLength(50);
    const children = large.families.flatMap((f: { children: unknown[] }) => f.children);
    expect(children.length).toBeGreaterThan(50);

    // The tenant lookup, set_config, families, their count, then one per level: children,
    // facilities (schools), services, price brackets. Transaction begin/commit are not logged.
    expect(large.statements).toHaveLength(8);
    expect(large.statements.length).toBe(small.statements.length);
    // One query per level, whatever the width.
    expect(large.statements.filter((sql) => /from "children"/.test(sql))).toHaveLength(1);
    expect(large.statements.filter((sql) => /from "facilities"/.test(sql))).toHaveLength(1);
    expect(large.statements.filter((sql) => /from "services"/.test(sql))).toHaveLength(1);
  });

  it('scopes every statement of the request to its tenant', async () => {
    const { statements } = await statementsFor(10);
    // Authentication reads the public tenants table; every other read is of tenant-owned rows.
    const reads = statements.filter(
      (sql) => /^select .* from "/i.test(sql.trim()) && !/from "tenants"/.test(sql),
    );
    expect(reads.length).toBeGreaterThan(3);
    for (const sql of reads) expect(sql).toMatch(/where .*"tenant_id" = /);
    expect(statements.some((sql) => /set_config\('app\.tenant_id'/.test(sql))).toBe(true);
  });
});
