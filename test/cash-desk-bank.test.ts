import type { Client } from 'pg';
import { fromGlobalId } from '../src/shared/ids';
import { rawClient, startTestApp, token, Role, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * The cash desk towards the bank and the families, on a tenant of its own: numbered refunds of
 * credit balances (gapless per office even when they arrive at once, never more than the credit,
 * a cash refund leaving the till), then bank deposit slips of closed tills (one per kind, each
 * closing on one slip, numbered without gaps even when two agents prepare one at once), locked
 * once banked.
 */
describe('cash desk: refunds and deposit slips', () => {
  const SLUG = 'test-cash-bank';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let agent: string;
  let families: string[];
  let office: string;
  const one = async (query: string, params: unknown[] = []) => (await owner.query(query, params)).rows[0];

  const REFUND = `mutation($i: RefundCreditInput!) { refundCredit(input: $i) {
    refund { id number day method amount { minorUnits } reason } userErrors { code field message } } }`;
  const refund = (i: Record<string, unknown>) =>
    app.gqlRetrying(REFUND, { i }, { token: agent, attempts: 10 });
  const SLIP = `mutation($i: CreateDepositSlipInput!) { createDepositSlip(input: $i) {
    slip { id number method status closings days total { minorUnits } cheques { number amount { minorUnits } } }
    userErrors { code field message } } }`;
  const slip = (method: string, key: string) =>
    app.gqlRetrying(
      SLIP,
      { i: { cashOfficeId: office, method, idempotencyKey: key } },
      { token: agent, attempts: 10 },
    );
  const account = async (family: string) =>
    (
      await app.gql(
        `query($id: ID!) { node(id: $id) { ... on Family { account { credit { minorUnits } paid { minorUnits } balance { minorUnits } due { minorUnits } } refunds { number } } } }`,
        { id: family },
        { token: agent },
      )
    ).data.node;

  beforeAll(async () => {
    app = await startTestApp();
    owner = await rawClient('owner');
    tenantId = await seedTestTenant(
      'saint-nazaire',
      { slug: SLUG, families: 6, seed: 41 },
      new Date('2026-06-15T08:00:00.000Z'),
      1,
    );
    agent = await token(SLUG, Role.AGENT);
    const admin = await token(SLUG, Role.TENANT_ADMIN);
    app.setNow('2026-06-15T08:00:00.000Z');
    families = (
      await app.gql('{ families(first: 6) { nodes { id } } }', {}, { token: agent })
    ).data.families.nodes.map((f: any) => f.id);
    const created = await app.gql(
      `mutation($i: CreateCashOfficeInput!) { createCashOffice(input: $i) { cashOffice { id } userErrors { code } } }`,
      { i: { code: 'CANT', name: 'Régie de la restauration scolaire', idempotencyKey: 'cant' } },
      { token: admin },
    );
    office = created.data.createCashOffice.cashOffice.id;
    // Four deposits in cash (50,00), two by cheque (30,00): credit on each family's account.
    for (const [n, family] of families.entries()) {
      const answer = await app.gql(
        `mutation($i: RecordDepositInput!) { recordDeposit(input: $i) { userErrors { code } } }`,
        {
          i: {
            familyId: family,
            amount: n < 4 ? 5000 : 3000,
            method: n < 4 ? 'CASH' : 'CHEQUE',
            reference: n < 4 ? null : `CHQ-${n}`,
            idempotencyKey: `deposit-${n}`,
          },
        },
        { token: agent },
      );
      expect(answer.data.recordDeposit.userErrors).toEqual([]);
    }
  });
  afterAll(async () => {
    app.setNow(null);
    await owner.end();
    await app.close();
  });

  it('refunds credit with numbers gapless per office when refunds arrive at once, reducing the credit, never beyond it', async () => {
    const answers = await Promise.all(
      families.map((family, n) =>
        refund({
          familyId: family,
          amount: 1000,
          method: n % 2 ? 'TRANSFER' : 'CASH',
          reason: 'Départ de la commune',
          idempotencyKey: `refund-${n}`,
        }),
      ),
    );
    for (const answer of answers) expect(answer.data.refundCredit.userErrors).toEqual([]);
    expect(answers.map((a) => a.data.refundCredit.refund.number).sort()).toEqual(
      Array.from({ length: 6 }, (_, n) => `CANT-RB2026-${String(n + 1).padStart(6, '0')}`),
    );
    expect(await account(families[0])).toEqual({
      account: {
        credit: { minorUnits: 4000 },
        paid: { minorUnits: 4000 },
        balance: { minorUnits: -4000 },
        due: { minorUnits: 0 },
      },
      refunds: [{ number: expect.stringMatching(/^CANT-RB2026-/) }],
    });
    // More than what is left: refused, nothing written.
    const before = await one(`select count(*)::int as n from refunds where tenant_id = $1`, [tenantId]);
    const tooMuch = await refund({
      familyId: families[4],
      amount: 2001,
      method: 'CASH',
      reason: 'Trop',
      idempotencyKey: 'too-much',
    });
    expect(tooMuch.data.refundCredit.userErrors).toEqual([
      { code: 'INVALID', field: ['amount'], message: expect.stringMatching(/20,00/) },
    ]);
    expect(await one(`select count(*)::int as n from refunds where tenant_id = $1`, [tenantId])).toEqual(
      before,
    );
    // Audited, one event each; the sources never give more than the deposits.
    expect(
      await one(
        `select count(*)::int as n from audit_events where tenant_id = $1 and action = 'CREDIT_REFUNDED'`,
        [tenantId],
      ),
    ).toEqual({ n: 6 });
    expect(
      await one(
        `select count(*)::int as n from payments p where p.tenant_id = $1 and p.amount <
           (select coalesce(sum(amount), 0) from refund_sources r where r.payment_id = p.id)
           + (select coalesce(sum(amount), 0) from allocations a where a.payment_id = p.id)`,
        [tenantId],
      ),
    ).toEqual({ n: 0 });
  });

  it('prepares deposit slips of closed tills, once per closing even when two agents ask at once, and locks them once banked', async () => {
    const early = await slip('CASH', 'early');
    expect(early.data.createDepositSlip.userErrors).toEqual([expect.objectContaining({ code: 'INVALID' })]);
    expect(
      await one(
        `select count(*)::int as n from document_sequences where tenant_id = $1 and series like 'BR:%'`,
        [tenantId],
      ),
    ).toEqual({ n: 0 });

    // The till's cash: 4 × 50,00 received, 3 × 10,00 refunded in cash.
    const closed = await app.gql(
      `mutation($i: CloseTillInput!) { closeTill(input: $i) { closing { expectedCash { minorUnits } cashDifference { minorUnits } } userErrors { code } } }`,
      { i: { cashOfficeId: office, countedCash: 17000, countedCheques: 6000, idempotencyKey: 'close' } },
      { token: agent },
    );
    expect(closed.data.closeTill.closing).toEqual({
      expectedCash: { minorUnits: 17000 },
      cashDifference: { minorUnits: 0 },
    });
    // A closed till refunds nothing more that day.
    const afterClose = await refund({
      familyId: families[0],
      amount: 100,
      method: 'CASH',
      reason: 'x',
      idempotencyKey: 'after-close',
    });
    expect(afterClose.data.refundCredit.userErrors).toEqual([expect.objectContaining({ code: 'CLOSED' })]);

    const answers = await Promise.all([
      slip('CASH', 'cash-1'),
      slip('CASH', 'cash-2'),
      slip('CHEQUE', 'cheque-1'),
      slip('CHEQUE', 'cheque-2'),
    ]);
    const made = answers.map((a) => a.data.createDepositSlip).filter((p) => p.slip);
    expect(made.map((p) => p.slip.method).sort()).toEqual(['CASH', 'CHEQUE']);
    expect(made.map((p) => p.slip.number).sort()).toEqual(['CANT-BR2026-000001', 'CANT-BR2026-000002']);
    const cash = made.find((p) => p.slip.method === 'CASH')!.slip;
    const cheques = made.find((p) => p.slip.method === 'CHEQUE')!.slip;
    expect(cash).toMatchObject({
      status: 'PREPARED',
      closings: 1,
      days: ['2026-06-15'],
      total: { minorUnits: 17000 },
      cheques: [],
    });
    expect(cheques.total).toEqual({ minorUnits: 6000 });
    expect(cheques.cheques.map((c: any) => c.amount.minorUnits)).toEqual([3000, 3000]);
    expect(
      await one(`select count(*)::int as n from deposit_slips where tenant_id = $1`, [tenantId]),
    ).toEqual({ n: 2 });

    const BANK = `mutation($i: BankDepositSlipInput!) { bankDepositSlip(input: $i) { slip { status bankedOn bankReference } userErrors { code message } } }`;
    const banked = await app.gql(
      BANK,
      { i: { slipId: cash.id, bankReference: 'REM-778', idempotencyKey: 'bank' } },
      { token: agent },
    );
    expect(banked.data.bankDepositSlip).toEqual({
      slip: { status: 'BANKED', bankedOn: '2026-06-15', bankReference: 'REM-778' },
      userErrors: [],
    });
    const again = await app.gql(
      BANK,
      { i: { slipId: cash.id, idempotencyKey: 'bank-again' } },
      { token: agent },
    );
    expect(again.data.bankDepositSlip.userErrors).toEqual([
      // Which kind got number 1 is the race's: the message names the cash slip's own number.
      { code: 'INVALID', message: expect.stringMatching(new RegExp(`${cash.number}.*ne change plus`)) },
    ]);
    // Nothing in a banked slip changes, whoever writes.
    const slipId = fromGlobalId(cash.id)!.id;
    await expect(owner.query(`update deposit_slips set total = 1 where id = $1`, [slipId])).rejects.toThrow(
      /never changes/,
    );
    await expect(owner.query(`delete from deposit_slips where id = $1`, [slipId])).rejects.toThrow(
      /never changes/,
    );
    await expect(
      owner.query(
        `insert into deposit_slip_closings (tenant_id, slip_id, closing_id, method, amount)
         select tenant_id, $1, closing_id, method, amount from deposit_slip_closings where slip_id = $1`,
        [slipId],
      ),
    ).rejects.toThrow(/duplicate key/);
    // A prepared slip changes only by being banked.
    await expect(
      owner.query(`update deposit_slips set total = 1 where id = $1`, [fromGlobalId(cheques.id)!.id]),
    ).rejects.toThrow(/only changes by being banked/);
  });
});
