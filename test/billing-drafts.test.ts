import type { Client } from 'pg';
import { Role, type Viewer } from '../src/auth/viewer';
import { promoteBillingRun } from '../src/billing/drafts/promote';
import { inTenantTransaction } from '../src/db/tenant-scope';
import { fromGlobalId } from '../src/shared/ids';
import { Tenant } from '../src/tenants/tenant.entity';
import { rawClient, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * Saint-Nazaire's catch-up reviewed before it goes out, on a tenant of its own: billing suspended
 * since March, canteen lunches charged every day since. The catch-up is built as a draft (no
 * number, no charge touched), reviewed by warning, a family excluded then corrected and the
 * draft rebuilt; a promotion that crashes leaves the draft whole; a stale draft is refused; two
 * promotions race and exactly one issues the run, numbered 1…N without a hole.
 */
describe('draft billing runs', () => {
  const SLUG = 'test-billing-drafts';
  const NOW = '2026-06-15T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let agent: string;
  let admin: string;
  let runId: string;

  const RUN = `id kind status throughDate invoicesCreated chargesInvoiced amountInvoiced { minorUnits } builtAt promotedAt
    warningCounts { warning count }`;
  const DRAFT = `mutation($i: DraftBillingRunInput!) { draftBillingRun(input: $i) {
    billingRun { ${RUN} } userErrors { code field message } } }`;
  const LIST = `query($id: ID!, $w: DraftWarning, $x: Boolean) { node(id: $id) { ... on BillingRun {
    draftInvoices(first: 100, warning: $w, excluded: $x) { totalCount nodes { id warnings excluded excludedReason
      total { minorUnits } family { id name } lines { month label quantity amount { minorUnits } } } } } } }`;
  const PROMOTE = `mutation($i: BillingRunInput!) { promoteBillingRun(input: $i) {
    billingRun { ${RUN} } userErrors { code message } } }`;

  const one = async <T = any>(query: string, params: unknown[] = []): Promise<T> =>
    (await owner.query(query, params)).rows[0];
  const counts = async () =>
    one<{ invoices: number; numbers: number; linked: number; charges: number; amount: number }>(
      `select (select count(*)::int from invoices where tenant_id = $1) as invoices,
              (select count(*)::int from document_sequences where tenant_id = $1) as numbers,
              (select count(*)::int from charges where tenant_id = $1 and invoice_id is not null) as linked,
              (select count(*)::int from charges where tenant_id = $1 and date <= '2026-05-31') as charges,
              (select coalesce(sum(amount), 0)::int from charges where tenant_id = $1 and date <= '2026-05-31') as amount`,
      [tenantId],
    );
  const drafts = async (variables: Record<string, unknown> = {}) =>
    (await app.gql(LIST, { id: runId, ...variables }, { token: agent })).data.node.draftInvoices;

  beforeAll(async () => {
    app = await startTestApp();
    owner = await rawClient('owner');
    tenantId = await seedTestTenant(
      'saint-nazaire',
      { slug: SLUG, families: 8, seed: 4242, childAges: [6, 9] },
      new Date(NOW),
      2,
    );
    agent = await token(SLUG, Role.AGENT);
    admin = await token(SLUG, Role.TENANT_ADMIN);
    app.setNow(NOW);
  });
  afterAll(async () => {
    app.setNow(null);
    await owner.end();
    await app.close();
  });

  it('builds the catch-up as a draft: every invoice with lines, totals and warnings, no number taken, no charge touched', async () => {
    const before = await counts();
    expect(before.charges).toBeGreaterThan(100);
    // A family with no quotient on file, and a threshold low enough to flag the largest bills.
    const families = (
      await owner.query(`select id from families where tenant_id = $1 order by id`, [tenantId])
    ).rows;
    await owner.query(`update families set family_quotient = null where id = $1`, [families[0].id]);
    await owner.query(`update tenants set config_draft_amount_threshold = 20000 where id = $1`, [tenantId]);

    // Refusals first: a monthly draft while suspended, a catch-up to today.
    const monthly = await app.gql(
      DRAFT,
      { i: { kind: 'MONTHLY', period: '2026-05', idempotencyKey: 'm' } },
      { token: agent },
    );
    expect(monthly.data.draftBillingRun.userErrors).toEqual([
      expect.objectContaining({
        code: 'INVALID',
        field: ['kind'],
        message: expect.stringMatching(/rattrapage/),
      }),
    ]);
    const future = await app.gql(
      DRAFT,
      { i: { kind: 'CATCH_UP', through: '2026-06-15', idempotencyKey: 'f' } },
      { token: agent },
    );
    expect(future.data.draftBillingRun.userErrors[0]).toMatchObject({ code: 'INVALID', field: ['through'] });

    const built = await app.gql(
      DRAFT,
      { i: { kind: 'CATCH_UP', idempotencyKey: 'draft-1' } },
      { token: agent },
    );
    expect(built.errors).toBeUndefined();
    expect(built.data.draftBillingRun.userErrors).toEqual([]);
    const run = built.data.draftBillingRun.billingRun;
    runId = run.id;
    expect(run).toMatchObject({
      kind: 'CATCH_UP',
      status: 'DRAFT',
      throughDate: '2026-05-31',
      promotedAt: null,
    });
    expect(run.chargesInvoiced).toBe(before.charges);
    expect(run.amountInvoiced.minorUnits).toBe(before.amount);
    // Nothing issued, no number, no charge changed; the tenant still suspended.
    expect(await counts()).toEqual(before);
    expect((await one(`select config_billing_suspended as s from tenants where id = $1`, [tenantId])).s).toBe(
      true,
    );

    const list = await drafts();
    expect(list.totalCount).toBe(run.invoicesCreated);
    const sum = list.nodes.reduce((s: number, d: any) => s + d.total.minorUnits, 0);
    expect(sum).toBe(before.amount);
    for (const draft of list.nodes) {
      expect(draft.lines.reduce((s: number, l: any) => s + l.amount.minorUnits, 0)).toBe(
        draft.total.minorUnits,
      );
      expect(draft.lines[0].month).toBe('2026-03');
      // Charges since March, more than 90 days before today.
      expect(draft.warnings).toContain('OLD_CHARGES');
    }
    const counted = Object.fromEntries(run.warningCounts.map((w: any) => [w.warning, w.count]));
    expect(counted.OLD_CHARGES).toBe(run.invoicesCreated);
    expect(counted.QUOTIENT_MISSING).toBeGreaterThanOrEqual(1);
    const above = list.nodes.filter((d: any) => d.total.minorUnits > 20000).length;
    expect(above).toBeGreaterThan(0);
    expect(counted.ABOVE_THRESHOLD).toBe(above);

    const missing = await drafts({ w: 'QUOTIENT_MISSING' });
    expect(missing.nodes.map((d: any) => fromGlobalId(d.family.id)!.id)).toContain(families[0].id);
    expect(missing.nodes.every((d: any) => d.warnings.includes('QUOTIENT_MISSING'))).toBe(true);
  });

  it('excludes a family, keeps the exclusion when the draft is rebuilt after the data is corrected', async () => {
    const [target] = (await drafts({ w: 'QUOTIENT_MISSING' })).nodes;
    const EXCLUDE = `mutation($i: ExcludeFromBillingRunInput!) { excludeFromBillingRun(input: $i) {
      billingRun { id } userErrors { code field } } }`;
    const excluded = await app.gql(
      EXCLUDE,
      {
        i: {
          runId,
          familyId: target.family.id,
          excluded: true,
          reason: 'QF à vérifier',
          idempotencyKey: 'x1',
        },
      },
      { token: agent },
    );
    expect(excluded.data.excludeFromBillingRun.userErrors).toEqual([]);
    expect((await drafts({ x: true })).nodes).toEqual([
      expect.objectContaining({ excluded: true, excludedReason: 'QF à vérifier' }),
    ]);

    // The agent records the quotient, then rebuilds: the warning is gone, the exclusion kept.
    await owner.query(`update families set family_quotient = 640 where id = $1`, [
      fromGlobalId(target.family.id)!.id,
    ]);
    const REBUILD = `mutation($i: BillingRunInput!) { rebuildBillingRun(input: $i) { billingRun { ${RUN} } userErrors { code } } }`;
    const rebuilt = await app.gql(REBUILD, { i: { runId, idempotencyKey: 'rebuild-1' } }, { token: agent });
    expect(rebuilt.data.rebuildBillingRun.userErrors).toEqual([]);
    const counted = Object.fromEntries(
      rebuilt.data.rebuildBillingRun.billingRun.warningCounts.map((w: any) => [w.warning, w.count]),
    );
    const still = (await drafts({ w: 'QUOTIENT_MISSING' })).nodes.map((d: any) => d.family.id);
    expect(still).not.toContain(target.family.id);
    expect(counted.QUOTIENT_MISSING).toBe(still.length);
    const after = (await drafts({ x: true })).nodes;
    expect(after).toHaveLength(1);
    expect(after[0].family.id).toBe(target.family.id);
    expect(after[0].warnings).not.toContain('QUOTIENT_MISSING');
    // Still nothing issued.
    expect((await counts()).invoices).toBe(0);

    // A family not in the draft.
    const stranger = await app.gql(
      EXCLUDE,
      {
        i: {
          runId,
          familyId: (await drafts()).nodes[0].family.id.replace(/.$/, 'A'),
          excluded: true,
          idempotencyKey: 'x2',
        },
      },
      { token: agent },
    );
    expect(stranger.errors ?? stranger.data.excludeFromBillingRun.userErrors).toBeTruthy();
  });

  it('a promotion that crashes inside its transaction leaves the draft whole and no number used', async () => {
    const before = await counts();
    const viewer: Viewer = {
      kind: 'PERSON',
      subject: 'test:crash',
      displayName: null,
      roles: [Role.TENANT_ADMIN],
      scopes: [],
      tenantId,
      familyId: null,
    };
    await expect(
      inTenantTransaction(app.orm.em.fork(), tenantId, async (tx) => {
        const tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
        return promoteBillingRun(
          { em: tx, viewer, tenant, now: () => new Date(NOW) },
          { runId: fromGlobalId(runId)!.id, idempotencyKey: 'crash' },
          {
            beforeCommit: async () => {
              // Everything was written in this transaction before the failure.
              const [{ n }] = await tx.execute(
                `select count(*)::int as n from invoices where tenant_id = ?`,
                [tenantId],
              );
              expect(n).toBeGreaterThan(0);
              throw new Error('simulated crash during promotion');
            },
          },
        );
      }),
    ).rejects.toThrow(/simulated crash/);
    expect(await counts()).toEqual(before);
    expect(before.numbers).toBe(0);
    expect(
      (await one(`select status from billing_runs where id = $1`, [fromGlobalId(runId)!.id])).status,
    ).toBe('DRAFT');
  });

  it('refuses a stale draft: a charge repriced since it was built', async () => {
    const charge = await one(
      `select c.id, c.amount, c.unit_price from charges c join billing_draft_invoices d on c.id = any (d.charge_ids)
       where d.billing_run_id = $1 and not d.excluded limit 1`,
      [fromGlobalId(runId)!.id],
    );
    await owner.query(
      `update charges set unit_price = unit_price + 1, amount = (unit_price + 1) * quantity where id = $1`,
      [charge.id],
    );
    const refused = await app.gql(PROMOTE, { i: { runId, idempotencyKey: 'stale' } }, { token: admin });
    expect(refused.data.promoteBillingRun.userErrors).toEqual([
      { code: 'INVALID', message: expect.stringMatching(/reconstruisez-le/) },
    ]);
    expect((await counts()).invoices).toBe(0);
    await owner.query(`update charges set unit_price = $2, amount = $3 where id = $1`, [
      charge.id,
      charge.unit_price,
      charge.amount,
    ]);
  });

  it('two promotions race: exactly one issues the run, numbered 1…N without a hole, the suspension ends', async () => {
    const forbidden = await app.gql(PROMOTE, { i: { runId, idempotencyKey: 'agent' } }, { token: agent });
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const included = (await drafts({ x: false })).nodes;
    const [a, b] = await Promise.all([
      app.gql(PROMOTE, { i: { runId, idempotencyKey: 'promote-a' } }, { token: admin }),
      app.gql(PROMOTE, { i: { runId, idempotencyKey: 'promote-b' } }, { token: admin }),
    ]);
    const outcomes = [a, b].map((r) => r.data.promoteBillingRun);
    const winners = outcomes.filter((o) => o.userErrors.length === 0);
    const losers = outcomes.filter((o) => o.userErrors.length > 0);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0].userErrors[0]).toEqual({ code: 'INVALID', message: expect.stringMatching(/COMPLETED/) });
    expect(winners[0].billingRun).toMatchObject({ status: 'COMPLETED', invoicesCreated: included.length });
    expect(winners[0].billingRun.promotedAt).toBeTruthy();

    const issued = (
      await owner.query(
        `select id, family_id, kind, sequence, number, total from invoices where tenant_id = $1 order by sequence`,
        [tenantId],
      )
    ).rows;
    expect(issued.map((i) => i.sequence)).toEqual(included.map((_: unknown, n: number) => n + 1));
    expect(issued.every((i) => i.kind === 'CATCH_UP' && /^F2026-0000\d\d$/.test(i.number))).toBe(true);
    // Each draft became the invoice of the same id and total; the excluded family's charges wait.
    const byId = new Map(issued.map((i) => [i.id, i]));
    for (const draft of included)
      expect(byId.get(fromGlobalId(draft.id)!.id)?.total).toBe(draft.total.minorUnits);
    const excluded = (await drafts({ x: true })).nodes[0];
    const waiting = await one(
      `select count(*)::int as n from charges where tenant_id = $1 and family_id = $2 and invoice_id is null and date <= '2026-05-31'`,
      [tenantId, fromGlobalId(excluded.family.id)!.id],
    );
    expect(waiting.n).toBeGreaterThan(0);
    const lines = await one(
      `select (select count(*)::int from invoice_lines where tenant_id = $1) as issued,
              (select count(*)::int from billing_draft_lines l join billing_draft_invoices d on d.id = l.draft_invoice_id
               where d.billing_run_id = $2 and not d.excluded) as drafted`,
      [tenantId, fromGlobalId(runId)!.id],
    );
    expect(lines.issued).toBe(lines.drafted);
    const sequence = await one(
      `select last_number from document_sequences where tenant_id = $1 and series = 'F'`,
      [tenantId],
    );
    expect(sequence.last_number).toBe(included.length);
    expect((await one(`select config_billing_suspended as s from tenants where id = $1`, [tenantId])).s).toBe(
      false,
    );

    // The winner's key replays its answer; a promoted run cannot be rebuilt.
    const winnerKey = a.data.promoteBillingRun.userErrors.length === 0 ? 'promote-a' : 'promote-b';
    const replay = await app.gql(PROMOTE, { i: { runId, idempotencyKey: winnerKey } }, { token: admin });
    expect(replay.data.promoteBillingRun.userErrors).toEqual([]);
    const rebuild = await app.gql(
      `mutation($i: BillingRunInput!) { rebuildBillingRun(input: $i) { userErrors { code } } }`,
      { i: { runId, idempotencyKey: 'late-rebuild' } },
      { token: agent },
    );
    expect(rebuild.data.rebuildBillingRun.userErrors).toEqual([{ code: 'INVALID' }]);
    expect((await counts()).invoices).toBe(included.length);
  });
});
