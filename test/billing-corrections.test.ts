import type { Client } from 'pg';
import { Role as Roles, type Viewer } from '../src/auth/viewer';
import { promoteBillingRun } from '../src/billing/drafts/promote';
import { inTenantTransaction } from '../src/db/tenant-scope';
import { fromGlobalId, toGlobalId } from '../src/shared/ids';
import { Tenant } from '../src/tenants/tenant.entity';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * Saint-Nazaire after its catch-up went out: a family's quotient was wrong (corrected from
 * January), another family's child was billed two days it was not there (one cancelled, one
 * repriced). The corrections wait; a corrective run is drafted (nothing numbered), reviewed and
 * promoted: credit notes and replacement invoices pointing to the invoices they correct, numbered
 * without a hole, adding up to the change; the issued invoices never change.
 */
describe('corrective runs', () => {
  const SLUG = 'test-billing-corrections';
  const NOW = '2026-06-15T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let agent: string;
  let admin: string;
  let families: { id: string; invoice: string }[];

  const one = async <T = any>(query: string, params: unknown[] = []): Promise<T> =>
    (await owner.query(query, params)).rows[0];
  const CORRECT = `mutation($i: CorrectBilledChargeInput!) { correctBilledCharge(input: $i) {
    charge { id invoiced unitPrice { minorUnits } } userErrors { code field message } } }`;
  const REPRICE = `mutation($i: CorrectBilledPricesInput!) { correctBilledPrices(input: $i) {
    corrections userErrors { code field message } } }`;
  const DRAFT = `mutation($i: DraftCorrectiveRunInput!) { draftCorrectiveRun(input: $i) {
    billingRun { id kind status invoicesCreated chargesInvoiced amountInvoiced { minorUnits } } userErrors { code message } } }`;
  const RUN = `query($id: ID!) { node(id: $id) { ... on BillingRun { status corrections { reasons warnings excluded
    family { id } correctedInvoice { id number total { minorUnits } }
    creditTotal { minorUnits } replacementTotal { minorUnits } change { minorUnits }
    creditNoteLines { label quantity amount { minorUnits } } replacementLines { label quantity unitPrice { minorUnits } amount { minorUnits } }
    creditNote { id number kind reason total { minorUnits } corrects { id } }
    replacement { id number kind reason total { minorUnits } corrects { id } lines { amount { minorUnits } } } } } } }`;
  const PROMOTE = `mutation($i: BillingRunInput!) { promoteBillingRun(input: $i) {
    billingRun { status invoicesCreated } userErrors { code message reason } } }`;
  const BALANCE = `query($id: ID!) { node(id: $id) { ... on Family { account { balance { minorUnits } } } } }`;
  const balance = async (familyId: string) =>
    (await app.gql(BALANCE, { id: toGlobalId('Family', familyId) }, { token: agent })).data.node.account
      .balance.minorUnits as number;
  const snapshot = () =>
    owner.query(
      `select i.*, (select json_agg(l order by l.position) from invoice_lines l where l.invoice_id = i.id) as lines
       from invoices i where tenant_id = $1 and kind = 'CATCH_UP' order by number`,
      [tenantId],
    );
  const chargesOf = (familyId: string) =>
    owner.query(
      `select c.id, c.unit_price, c.quantity, c.invoice_id from charges c
       where c.tenant_id = $1 and c.family_id = $2 and c.invoice_id is not null and c.reservation_id is not null
       order by c.date, c.id`,
      [tenantId, familyId],
    );

  beforeAll(async () => {
    app = await startTestApp();
    owner = await rawClient('owner');
    tenantId = await seedTestTenant(
      'saint-nazaire',
      { slug: SLUG, families: 6, seed: 5151, childAges: [4, 8] },
      new Date(NOW),
      2,
    );
    agent = await token(SLUG, Role.AGENT);
    admin = await token(SLUG, Role.TENANT_ADMIN);
    app.setNow(NOW);
    const resumed = await app.gql(
      `mutation($i: ResumeBillingInput!) { resumeBilling(input: $i) { billingRun { invoicesCreated } userErrors { code } } }`,
      { i: { idempotencyKey: 'resume' } },
      { token: admin },
    );
    expect(resumed.data.resumeBilling.userErrors).toEqual([]);
    families = (
      await owner.query(
        `select family_id as id, id as invoice from invoices where tenant_id = $1 and kind = 'CATCH_UP' order by number limit 2`,
        [tenantId],
      )
    ).rows;
    expect(families).toHaveLength(2);
  });
  afterAll(async () => {
    app.setNow(null);
    await owner.end();
    await app.close();
  });

  it('records corrections of invoiced charges, refusing what is not one', async () => {
    const [first, second] = (await chargesOf(families[0].id)).rows;
    const uninvoiced = await one(
      `select id from charges where tenant_id = $1 and invoice_id is null limit 1`,
      [tenantId],
    );
    const refusals = await Promise.all([
      app.gql(
        CORRECT,
        { i: { chargeId: toGlobalId('Charge', first.id), reason: 'x', idempotencyKey: 'r1' } },
        { token: agent },
      ),
      app.gql(
        CORRECT,
        {
          i: {
            chargeId: toGlobalId('Charge', first.id),
            unitPrice: first.unit_price,
            reason: 'x',
            idempotencyKey: 'r2',
          },
        },
        { token: agent },
      ),
      uninvoiced &&
        app.gql(
          CORRECT,
          {
            i: {
              chargeId: toGlobalId('Charge', uninvoiced.id),
              cancel: true,
              reason: 'x',
              idempotencyKey: 'r3',
            },
          },
          { token: agent },
        ),
    ]);
    expect(refusals[0].data.correctBilledCharge.userErrors[0]).toMatchObject({
      code: 'INVALID',
      field: ['unitPrice'],
    });
    expect(refusals[1].data.correctBilledCharge.userErrors[0].message).toMatch(/déjà facturée/);
    if (uninvoiced)
      expect(refusals[2].data.correctBilledCharge.userErrors[0].message).toMatch(/pas encore facturée/);
    // A parent may not correct anything.
    const parent = await token(SLUG, Role.PARENT, toGlobalId('Family', families[0].id));
    const forbidden = await app.gql(
      CORRECT,
      { i: { chargeId: toGlobalId('Charge', first.id), cancel: true, reason: 'x', idempotencyKey: 'p' } },
      { token: parent },
    );
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(
      await one(`select count(*)::int as n from charge_corrections where tenant_id = $1`, [tenantId]),
    ).toEqual({ n: 0 });

    // A day that should not have been billed, and one billed at the wrong price.
    const cancel = await app.gql(
      CORRECT,
      {
        i: {
          chargeId: toGlobalId('Charge', first.id),
          cancel: true,
          reason: 'Absence justifiée (certificat médical)',
          idempotencyKey: 'c1',
        },
      },
      { token: agent },
    );
    expect(cancel.data.correctBilledCharge).toEqual({
      charge: {
        id: toGlobalId('Charge', first.id),
        invoiced: true,
        unitPrice: { minorUnits: first.unit_price },
      },
      userErrors: [],
    });
    const reprice = await app.gql(
      CORRECT,
      {
        i: {
          chargeId: toGlobalId('Charge', second.id),
          unitPrice: second.unit_price + 100,
          reason: 'Erreur de tarif',
          idempotencyKey: 'c2',
        },
      },
      { token: agent },
    );
    expect(reprice.data.correctBilledCharge.userErrors).toEqual([]);

    // The second family's quotient was wrong since January: 300 instead of what was on file.
    await app.gql(
      `mutation($i: SetFamilyQuotientInput!) { setFamilyQuotient(input: $i) { userErrors { code } } }`,
      {
        i: {
          familyId: toGlobalId('Family', families[1].id),
          quotient: 300,
          effectiveFrom: '2026-01-01',
          documentRef: 'CAF 2026 rectifiée',
          idempotencyKey: 'q',
        },
      },
      { token: agent },
    );
    const repriced = await app.gql(
      REPRICE,
      {
        i: {
          familyId: toGlobalId('Family', families[1].id),
          from: '2026-03-01',
          through: '2026-05-31',
          reason: 'Quotient familial corrigé',
          idempotencyKey: 'rp',
        },
      },
      { token: agent },
    );
    expect(repriced.data.correctBilledPrices.userErrors).toEqual([]);
    const expected = await one(
      `select count(*)::int as n from charges c join services s on s.id = c.service_id
       where c.tenant_id = $1 and c.family_id = $2 and c.invoice_id is not null and c.reservation_id is not null
         and c.unit_price <> (select unit_price from price_brackets b where b.service_id = s.id and b.min_quotient <= 300
                              and (b.max_quotient is null or 300 < b.max_quotient) order by b.valid_from desc limit 1)`,
      [tenantId, families[1].id],
    );
    expect(repriced.data.correctBilledPrices.corrections).toBe(expected.n);
    expect(expected.n).toBeGreaterThan(0);
    // Nothing issued yet: the charges and invoices are as they were.
    expect(
      await one(`select count(*)::int as n from invoices where tenant_id = $1 and kind <> 'CATCH_UP'`, [
        tenantId,
      ]),
    ).toEqual({ n: 0 });
  });

  it('drafts the corrective run, then promotes it: credit notes and replacements adding up to the change, gapless, the invoices unchanged', async () => {
    const before = (await snapshot()).rows;
    const sequences = (
      await owner.query(`select * from document_sequences where tenant_id = $1 order by series`, [tenantId])
    ).rows;
    const balances = await Promise.all(families.map((f) => balance(f.id)));
    const changes = (
      await owner.query(
        `select family_id, billed_invoice_id, sum((coalesce(new_unit_price, 0) - old_unit_price) * quantity)::int as change
         from charge_corrections where tenant_id = $1 and billing_run_id is null group by family_id, billed_invoice_id`,
        [tenantId],
      )
    ).rows;

    const drafted = await app.gql(DRAFT, { i: { idempotencyKey: 'd1' } }, { token: agent });
    expect(drafted.data.draftCorrectiveRun.userErrors).toEqual([]);
    const run = drafted.data.draftCorrectiveRun.billingRun;
    expect(run).toMatchObject({ kind: 'CORRECTIVE', status: 'DRAFT', invoicesCreated: 2 });
    expect(run.amountInvoiced.minorUnits).toBe(changes.reduce((s: number, c: any) => s + c.change, 0));
    // A draft never consumes a number nor writes a document.
    expect(
      (await owner.query(`select * from document_sequences where tenant_id = $1 order by series`, [tenantId]))
        .rows,
    ).toEqual(sequences);

    const review = (await app.gql(RUN, { id: run.id }, { token: agent })).data.node.corrections;
    expect(review).toHaveLength(2);
    for (const entry of review) {
      const expectedChange = changes.find(
        (c: any) => toGlobalId('Invoice', c.billed_invoice_id) === entry.correctedInvoice.id,
      )!.change;
      expect(entry.change.minorUnits).toBe(expectedChange);
      expect(entry.replacementTotal.minorUnits - entry.creditTotal.minorUnits).toBe(expectedChange);
      const sum = (lines: any[]) => lines.reduce((s, l) => s + l.amount.minorUnits, 0);
      expect(sum(entry.creditNoteLines)).toBe(entry.creditTotal.minorUnits);
      expect(sum(entry.replacementLines)).toBe(entry.replacementTotal.minorUnits);
      expect(entry.creditNote).toBeNull();
    }

    // A promotion that crashes after writing everything leaves the draft whole and no number used.
    const viewer: Viewer = {
      kind: 'PERSON',
      subject: 'test:crash',
      displayName: null,
      roles: [Roles.TENANT_ADMIN],
      scopes: [],
      tenantId,
      familyId: null,
    };
    await expect(
      inTenantTransaction(app.orm.em.fork(), tenantId, async (tx) => {
        const tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
        return promoteBillingRun(
          { em: tx, viewer, tenant, now: () => new Date(NOW) },
          { runId: fromGlobalId(run.id)!.id, idempotencyKey: 'crash' },
          {
            beforeCommit: async () => {
              const [{ n }] = await tx.execute(
                `select count(*)::int as n from invoices where tenant_id = ? and kind = 'REPLACEMENT'`,
                [tenantId],
              );
              expect(n).toBeGreaterThan(0);
              throw new Error('simulated crash during promotion');
            },
          },
        );
      }),
    ).rejects.toThrow(/simulated crash/);
    expect(
      (await owner.query(`select * from document_sequences where tenant_id = $1 order by series`, [tenantId]))
        .rows,
    ).toEqual(sequences);
    expect(await one(`select status from billing_runs where id = $1`, [fromGlobalId(run.id)!.id])).toEqual({
      status: 'DRAFT',
    });
    // Every correction still pending, none marked issued.
    expect(
      await one(
        `select count(*)::int as n from charge_corrections where tenant_id = $1 and billing_run_id is not null`,
        [tenantId],
      ),
    ).toEqual({ n: 0 });

    // Two promotions at once: exactly one issues the run.
    const promotions = await Promise.all(
      ['p1', 'p2'].map((key) =>
        app.gql(PROMOTE, { i: { runId: run.id, idempotencyKey: key } }, { token: admin }),
      ),
    );
    const winners = promotions.filter((p) => p.data.promoteBillingRun.userErrors.length === 0);
    expect(winners).toHaveLength(1);
    expect(winners[0].data.promoteBillingRun.billingRun.status).toBe('COMPLETED');

    const issued = (await app.gql(RUN, { id: run.id }, { token: agent })).data.node.corrections;
    for (const entry of issued) {
      expect(entry.creditNote).toMatchObject({
        kind: 'CREDIT_NOTE',
        corrects: { id: entry.correctedInvoice.id },
      });
      expect(entry.creditNote.reason).toBe(entry.reasons);
      expect(entry.creditNote.total.minorUnits).toBe(entry.creditTotal.minorUnits);
      if (entry.replacement) {
        expect(entry.replacement).toMatchObject({
          kind: 'REPLACEMENT',
          corrects: { id: entry.correctedInvoice.id },
        });
        expect(entry.replacement.total.minorUnits - entry.creditNote.total.minorUnits).toBe(
          entry.change.minorUnits,
        );
      }
      // …and the link the other way: the invoice names what corrects it.
      const corrected = await app.gql(
        `query($id: ID!) { node(id: $id) { ... on Invoice { correctedBy { id kind } } } }`,
        { id: entry.correctedInvoice.id },
        { token: agent },
      );
      expect(corrected.data.node.correctedBy.map((d: any) => d.id).sort()).toEqual(
        [entry.creditNote.id, entry.replacement?.id].filter(Boolean).sort(),
      );
    }
    // The first family: one day cancelled (no replacement line for it), one repriced +1,00 €.
    const cancelled = issued.find((e: any) => e.family.id === toGlobalId('Family', families[0].id));
    expect(cancelled.reasons).toContain('Absence justifiée');
    expect(cancelled.replacementLines.reduce((s: number, l: any) => s + l.quantity, 0)).toBe(1);

    // Each family's balance moved by exactly its change; the issued invoices did not change at all.
    for (const [index, family] of families.entries()) {
      const change = changes
        .filter((c: any) => c.family_id === family.id)
        .reduce((s: number, c: any) => s + c.change, 0);
      expect(await balance(family.id)).toBe(balances[index] + change);
    }
    expect((await snapshot()).rows).toEqual(before);
    // Numbers without a hole in both series: 1…N.
    const gaps = await owner.query(
      `select series, year, count(*)::int as n, max(sequence)::int as last from invoices where tenant_id = $1 group by series, year`,
      [tenantId],
    );
    for (const row of gaps.rows) expect(row.last).toBe(row.n);
    expect(gaps.rows.map((r) => r.series).sort()).toEqual(['AV', 'F']);
    const corrections = await one(
      `select count(*) filter (where billing_run_id is null)::int as pending, count(*)::int as total from charge_corrections where tenant_id = $1`,
      [tenantId],
    );
    expect(corrections.pending).toBe(0);
  });

  it('corrects a replacement again, refuses a stale draft, and has nothing to draft when nothing waits', async () => {
    const nothing = await app.gql(DRAFT, { i: { idempotencyKey: 'none' } }, { token: agent });
    expect(nothing.data.draftCorrectiveRun.userErrors[0].code).toBe('INVALID');

    // The repriced charge is billed on its replacement now: a second correction credits that one.
    const repriced = await one(
      `select k.charge_id, k.new_unit_price, k.replacement_id from charge_corrections k
       where k.tenant_id = $1 and k.family_id = $2 and k.new_unit_price is not null`,
      [tenantId, families[0].id],
    );
    const cancelled = await one(
      `select charge_id from charge_corrections where tenant_id = $1 and family_id = $2 and new_unit_price is null`,
      [tenantId, families[0].id],
    );
    const again = await app.gql(
      CORRECT,
      {
        i: {
          chargeId: toGlobalId('Charge', cancelled.charge_id),
          unitPrice: 1,
          reason: 'x',
          idempotencyKey: 'a0',
        },
      },
      { token: agent },
    );
    expect(again.data.correctBilledCharge.userErrors[0].message).toMatch(/déjà été annulée/);
    const input = (price: number, key: string) => ({
      i: {
        chargeId: toGlobalId('Charge', repriced.charge_id),
        unitPrice: price,
        reason: 'Tarif revu',
        idempotencyKey: key,
      },
    });
    expect(
      (await app.gql(CORRECT, input(repriced.new_unit_price - 50, 'a1'), { token: agent })).data
        .correctBilledCharge.userErrors,
    ).toEqual([]);
    const drafted = await app.gql(DRAFT, { i: { idempotencyKey: 'd2' } }, { token: agent });
    const runId = drafted.data.draftCorrectiveRun.billingRun.id;
    // The correction is replaced after the draft was built: promotion refuses, nothing is written.
    expect(
      (await app.gql(CORRECT, input(repriced.new_unit_price - 60, 'a2'), { token: agent })).data
        .correctBilledCharge.userErrors,
    ).toEqual([]);
    const count = async () => one(`select count(*)::int as n from invoices where tenant_id = $1`, [tenantId]);
    const documents = await count();
    const stale = await app.gql(PROMOTE, { i: { runId, idempotencyKey: 's1' } }, { token: admin });
    expect(stale.data.promoteBillingRun.userErrors[0]).toMatchObject({
      code: 'INVALID',
      reason: 'STALE_DRAFT',
    });
    expect(await count()).toEqual(documents);
    await app.gql(
      `mutation($i: BillingRunInput!) { rebuildBillingRun(input: $i) { userErrors { code } } }`,
      { i: { runId, idempotencyKey: 'rb' } },
      { token: agent },
    );
    const promoted = await app.gql(PROMOTE, { i: { runId, idempotencyKey: 's2' } }, { token: admin });
    expect(promoted.data.promoteBillingRun.userErrors).toEqual([]);
    const [entry] = (await app.gql(RUN, { id: runId }, { token: agent })).data.node.corrections;
    expect(fromGlobalId(entry.correctedInvoice.id)!.id).toBe(repriced.replacement_id);
    expect(entry.change.minorUnits).toBe(-60);
    expect(entry.creditNoteLines[0].amount.minorUnits).toBe(repriced.new_unit_price);
  });
});
