import type { Client } from 'pg';
import { fromGlobalId } from '../src/shared/ids';
import { rawClient, startTestApp, token, Role, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * The cash desk on a tenant of its own: two cash offices (canteen and water), each numbering its
 * receipts without gaps even when payments arrive at once; every counter payment gets its
 * receipt (and its PDF); the daily closing of a till keeps and audits its differences, and the
 * closed till takes nothing more that day.
 */
describe('cash desk', () => {
  const SLUG = 'test-cash-desk';
  const NOW = '2026-06-15T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let agent: string;
  let admin: string;
  let families: string[];
  const offices: Record<string, string> = {};

  const DEPOSIT = `mutation($i: RecordDepositInput!) { recordDeposit(input: $i) {
    payment { id amount { minorUnits } receipt { number day method amount { minorUnits } pdfUrl } }
    userErrors { code field message } } }`;
  const deposit = (family: string, amount: number, method: string, key: string, cashOfficeId?: string) =>
    app.gql(
      DEPOSIT,
      { i: { familyId: family, amount, method, cashOfficeId, idempotencyKey: key } },
      { token: agent },
    );
  /** The same, as a well-behaved client in a rush: a 503 is retried after its Retry-After, same key. */
  const rushed = (family: string, amount: number, method: string, key: string, cashOfficeId?: string) =>
    app.gqlRetrying(
      DEPOSIT,
      { i: { familyId: family, amount, method, cashOfficeId, idempotencyKey: key } },
      { token: agent, attempts: 10 },
    );
  const one = async (query: string, params: unknown[] = []) => (await owner.query(query, params)).rows[0];

  beforeAll(async () => {
    app = await startTestApp();
    owner = await rawClient('owner');
    tenantId = await seedTestTenant('saint-nazaire', { slug: SLUG, families: 6, seed: 31 }, new Date(NOW), 1);
    agent = await token(SLUG, Role.AGENT);
    admin = await token(SLUG, Role.TENANT_ADMIN);
    app.setNow(NOW);
    families = (
      await app.gql('{ families(first: 6) { nodes { id } } }', {}, { token: agent })
    ).data.families.nodes.map((f: any) => f.id);
  });
  afterAll(async () => {
    app.setNow(null);
    await owner.end();
    await app.close();
  });

  it('opens cash offices; without any, a counter payment has no receipt; with two, it must name one', async () => {
    const before = await deposit(families[0], 1000, 'CASH', 'no-office');
    expect(before.data.recordDeposit.userErrors).toEqual([]);
    expect(before.data.recordDeposit.payment.receipt).toBeNull();

    const CREATE = `mutation($i: CreateCashOfficeInput!) { createCashOffice(input: $i) {
      cashOffice { id code name active } userErrors { code field } } }`;
    const bad = await app.gql(
      CREATE,
      { i: { code: 'can-t', name: 'X', idempotencyKey: 'bad' } },
      { token: admin },
    );
    expect(bad.data.createCashOffice.userErrors).toEqual([{ code: 'INVALID', field: ['code'] }]);
    const byAgent = await app.gql(
      CREATE,
      { i: { code: 'CANT', name: 'X', idempotencyKey: 'agent' } },
      { token: agent },
    );
    expect(byAgent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    for (const [code, name] of [
      ['CANT', 'Régie de la restauration scolaire'],
      ['EAU', "Régie de l'eau"],
    ]) {
      const created = await app.gql(CREATE, { i: { code, name, idempotencyKey: code } }, { token: admin });
      expect(created.data.createCashOffice.userErrors).toEqual([]);
      offices[code] = created.data.createCashOffice.cashOffice.id;
    }
    const taken = await app.gql(
      CREATE,
      { i: { code: 'EAU', name: 'Y', idempotencyKey: 'again' } },
      { token: admin },
    );
    expect(taken.data.createCashOffice.userErrors).toEqual([{ code: 'INVALID', field: ['code'] }]);

    const payments = (await one(`select count(*)::int as n from payments where tenant_id = $1`, [tenantId]))
      .n;
    const unnamed = await deposit(families[0], 1000, 'CASH', 'unnamed');
    expect(unnamed.data.recordDeposit.userErrors).toEqual([
      { code: 'INVALID', field: ['cashOfficeId'], message: expect.stringMatching(/régie/) },
    ]);
    expect((await one(`select count(*)::int as n from payments where tenant_id = $1`, [tenantId])).n).toBe(
      payments,
    );
  });

  it('numbers receipts per cash office without a gap when payments arrive at once', async () => {
    const asked = [
      ...Array.from({ length: 20 }, (_, n) => ['CANT', n] as const),
      ...Array.from({ length: 10 }, (_, n) => ['EAU', n] as const),
    ];
    const answers = await Promise.all(
      asked.map(([code, n]) =>
        rushed(
          families[n % families.length],
          500 + n,
          n % 3 === 0 ? 'CHEQUE' : 'CASH',
          `rush-${code}-${n}`,
          offices[code],
        ),
      ),
    );
    for (const answer of answers) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data.recordDeposit.userErrors).toEqual([]);
    }
    const numbers = (code: string) =>
      answers
        .map((a) => a.data.recordDeposit.payment.receipt.number as string)
        .filter((n) => n.startsWith(`${code}-`))
        .sort();
    expect(numbers('CANT')).toEqual(
      Array.from({ length: 20 }, (_, n) => `CANT-2026-${String(n + 1).padStart(6, '0')}`),
    );
    expect(numbers('EAU')).toEqual(
      Array.from({ length: 10 }, (_, n) => `EAU-2026-${String(n + 1).padStart(6, '0')}`),
    );
    // Each receipt is its payment's: same amount and method; the database holds exactly these.
    for (const answer of answers) {
      const { payment } = answer.data.recordDeposit;
      expect(payment.receipt.amount.minorUnits).toBe(payment.amount.minorUnits);
      expect(payment.receipt.day).toBe('2026-06-15');
    }
    const held = await one(
      `select count(*)::int as n, count(distinct number)::int as numbers, max(sequence)::int as last
       from receipts where tenant_id = $1 and cash_office_id = $2`,
      [tenantId, fromGlobalId(offices.CANT)!.id],
    );
    expect(held).toEqual({ n: 20, numbers: 20, last: 20 });

    // The family opens its receipt's PDF from the signed link.
    const link = answers[0].data.recordDeposit.payment.receipt.pdfUrl;
    const pdf = await fetch(`${app.url}${link}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('closes a till: counted against its receipts, the difference kept and audited; the till then takes nothing', async () => {
    const expected = await one(
      `select coalesce(sum(amount) filter (where method = 'CASH'), 0)::int as cash,
              coalesce(sum(amount) filter (where method = 'CHEQUE'), 0)::int as cheques
       from receipts where tenant_id = $1 and cash_office_id = $2 and day = '2026-06-15'`,
      [tenantId, fromGlobalId(offices.CANT)!.id],
    );
    const CLOSE = `mutation($i: CloseTillInput!) { closeTill(input: $i) { closing { day receipts
      expectedCash { minorUnits } countedCash { minorUnits } cashDifference { minorUnits }
      expectedCheques { minorUnits } chequeDifference { minorUnits } note } userErrors { code field } } }`;
    const input = {
      cashOfficeId: offices.CANT,
      countedCash: expected.cash - 150,
      countedCheques: expected.cheques,
      note: 'Il manque 1,50 € : pièce rendue en trop',
    };
    const future = await app.gql(
      CLOSE,
      { i: { ...input, day: '2026-06-16', idempotencyKey: 'future' } },
      { token: agent },
    );
    expect(future.data.closeTill.userErrors).toEqual([{ code: 'INVALID', field: ['day'] }]);
    const closed = await app.gql(CLOSE, { i: { ...input, idempotencyKey: 'close' } }, { token: agent });
    expect(closed.data.closeTill.userErrors).toEqual([]);
    expect(closed.data.closeTill.closing).toMatchObject({
      day: '2026-06-15',
      receipts: 20,
      expectedCash: { minorUnits: expected.cash },
      cashDifference: { minorUnits: -150 },
      expectedCheques: { minorUnits: expected.cheques },
      chequeDifference: { minorUnits: 0 },
    });
    const audited = await one(
      `select details from audit_events where tenant_id = $1 and action = 'TILL_DIFFERENCE'`,
      [tenantId],
    );
    expect(audited.details).toMatchObject({ office: 'CANT', cashDifference: -150, chequeDifference: 0 });

    const again = await app.gql(CLOSE, { i: { ...input, idempotencyKey: 'close-again' } }, { token: agent });
    expect(again.data.closeTill.userErrors).toEqual([{ code: 'INVALID', field: ['day'] }]);
    const late = await deposit(families[1], 700, 'CASH', 'late', offices.CANT);
    expect(late.data.recordDeposit.userErrors).toEqual([
      { code: 'CLOSED', field: ['cashOfficeId'], message: expect.any(String) },
    ]);
    const water = await deposit(families[1], 700, 'CASH', 'water', offices.EAU);
    expect(water.data.recordDeposit.payment.receipt.number).toBe('EAU-2026-000011');
    expect(
      (
        await one(`select count(*)::int as n from receipts where cash_office_id = $1`, [
          fromGlobalId(offices.CANT)!.id,
        ])
      ).n,
    ).toBe(20);
    expect(
      (await one(`select count(*)::int as n from till_closings where tenant_id = $1`, [tenantId])).n,
    ).toBe(1);
  });
});
