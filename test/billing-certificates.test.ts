import fc from 'fast-check';
import type { Client } from 'pg';
import zlib from 'node:zlib';
import { certify, splitInvoice, type PaidInvoice } from '../src/billing/certificates/split';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/** The text a pdfkit PDF shows: its content streams inflated, the hex strings of TJ arrays decoded. */
function pdfText(pdf: Buffer): string {
  const text: string[] = [];
  const source = pdf.toString('latin1');
  for (const match of source.matchAll(/stream\r?\n/g)) {
    const start = match.index! + match[0].length;
    const end = source.indexOf('endstream', start);
    let content: string;
    try {
      content = zlib.inflateSync(pdf.subarray(start, end)).toString('latin1');
    } catch {
      continue;
    }
    for (const array of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      text.push(
        [...array[1].matchAll(/<([0-9a-fA-F]*)>/g)]
          .map((h) => Buffer.from(h[1], 'hex').toString('latin1'))
          .join(''),
      );
    }
  }
  return text.join('\n');
}

describe('the pro rata split of payments over an invoice', () => {
  // An invoice net of its credit notes: each child's childcare, and the rest (meals…).
  const invoice = fc
    .record({
      care: fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: 1, maxLength: 3 }),
      other: fc.integer({ min: 0, max: 50_000 }),
    })
    .filter(({ care, other }) => care.reduce((s, c) => s + c, 0) + other > 0);
  const paidOf = (
    care: number[],
    other: number,
    payments: { amount: number; year: number }[],
  ): PaidInvoice => ({
    netTotal: care.reduce((s, c) => s + c, 0) + other,
    netContents: new Map(care.map((c, i) => [`child-${i}`, c])),
    payments: payments.map((p, i) => ({ ...p, key: `p${i}` })),
  });
  const payment = fc.record({
    amount: fc.integer({ min: 1, max: 60_000 }),
    year: fc.constantFrom(2025, 2026),
  });

  it('never certifies more than a payment paid, nor more than the invoice bills net, over all years', () => {
    fc.assert(
      fc.property(invoice, fc.array(payment, { minLength: 1, maxLength: 6 }), ({ care, other }, payments) => {
        const paid = paidOf(care, other, payments);
        const shares = splitInvoice(paid);
        for (const p of paid.payments) {
          expect([...shares.get(p.key)!.values()].reduce((s, v) => s + v, 0)).toBeLessThanOrEqual(p.amount);
        }
        const years = [certify([paid], 2025), certify([paid], 2026)];
        for (const [child, content] of paid.netContents) {
          const all = years.reduce((s, y) => s + (y.get(child) ?? 0), 0);
          expect(all).toBeLessThanOrEqual(content);
          // What a year certifies is exactly its payments' shares.
          const of2026 = paid.payments
            .filter((p) => p.year === 2026)
            .reduce((s, p) => s + (shares.get(p.key)!.get(child) ?? 0), 0);
          expect(years[1].get(child) ?? 0).toBe(of2026);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('certifies the childcare of an invoice paid in full, less than a cent lost per payment', () => {
    fc.assert(
      fc.property(
        invoice,
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 5 }),
        ({ care, other }, weights) => {
          const total = care.reduce((s, c) => s + c, 0) + other;
          const sum = weights.reduce((s, w) => s + w, 0);
          const amounts = weights.map((w) => Math.floor((total * w) / sum));
          amounts[0] += total - amounts.reduce((s, a) => s + a, 0);
          const payments = amounts.filter((a) => a > 0).map((amount) => ({ amount, year: 2026 }));
          const certified = certify([paidOf(care, other, payments)], 2026);
          care.forEach((content, i) => {
            const value = certified.get(`child-${i}`) ?? 0;
            expect(content - value).toBeGreaterThanOrEqual(0);
            expect(content - value).toBeLessThan(payments.length);
            if (payments.length === 1) expect(value).toBe(content);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

/**
 * Saint-Nazaire's families after the catch-up: a household with a child of three and one of
 * eight pays its catch-up invoice in two payments, one of them received the year before. Each
 * child's childcare certificate for the year is exactly the childcare share of the payments
 * received that year (never canteen meals), through GraphQL and as a PDF; the invoice's payment
 * certificate lists both payments.
 */
describe('certificates', () => {
  const SLUG = 'test-billing-certificates';
  const NOW = '2026-06-15T08:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let agent: string;
  let family: { id: string; invoice: string; number: string; total: number };

  const CERTIFICATES = `query($id: ID!, $year: Int!) { node(id: $id) { ... on Family {
    childcareCertificates(year: $year) { year ageLimit eligible amountPaid { minorUnits formatted } pdfUrl
      child { id firstName birthDate } family { id }
      payments { paidOn method reference documentNumber amount { minorUnits } } } } } }`;
  const one = async (query: string, params: unknown[]) => (await owner.query(query, params)).rows[0];
  const certificates = async (year: number, as = agent) =>
    (await app.gql(CERTIFICATES, { id: toGlobalId('Family', family.id), year }, { token: as })).data.node
      .childcareCertificates;

  beforeAll(async () => {
    app = await startTestApp();
    owner = await rawClient('owner');
    tenantId = await seedTestTenant(
      'saint-nazaire',
      { slug: SLUG, families: 8, seed: 6262, childAges: [3, 8] },
      new Date(NOW),
      2,
      // Eight weeks of roll calls before today: after-school care and the leisure centre billed in May.
      { pastWeeks: 8, pastOpenDays: 8, upcomingOpenDays: 4, bookedDays: 0 },
    );
    agent = await token(SLUG, Role.AGENT);
    app.setNow(NOW);
    const admin = await token(SLUG, Role.TENANT_ADMIN);
    await app.gql(
      `mutation($i: ResumeBillingInput!) { resumeBilling(input: $i) { userErrors { code } } }`,
      { i: { idempotencyKey: 'resume' } },
      { token: admin },
    );
    // A family whose catch-up bills childcare and meals, nothing paid on it yet.
    family = (
      await owner.query(
        `select i.family_id as id, i.id as invoice, i.number, i.total from invoices i
         where i.tenant_id = $1 and i.kind = 'CATCH_UP'
           and not exists (select 1 from allocations a where a.invoice_id = i.id)
           and exists (select 1 from charges c join services s on s.id = c.service_id where c.invoice_id = i.id and s.kind = 'CANTEEN')
           and exists (select 1 from charges c join services s on s.id = c.service_id where c.invoice_id = i.id and s.kind <> 'CANTEEN')
         order by i.number limit 1`,
        [tenantId],
      )
    ).rows[0];
    expect(family).toBeDefined();
  });
  afterAll(async () => {
    app.setNow(null);
    await owner.end();
    await app.close();
  });

  it('certifies per child exactly the childcare share of the payments received in the year', async () => {
    expect(await certificates(2026)).toEqual([]);
    const PAY = `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { userErrors { code message } } }`;
    const first = Math.floor(family.total / 3);
    for (const [amount, method, key] of [
      [first, 'CHEQUE', 'p1'],
      [family.total - first, 'CASH', 'p2'],
    ] as const) {
      const paid = await app.gql(
        PAY,
        {
          i: {
            familyId: toGlobalId('Family', family.id),
            amount,
            method,
            reference: `ref-${key}`,
            idempotencyKey: key,
          },
        },
        { token: agent },
      );
      expect(paid.data.recordPayment.userErrors).toEqual([]);
    }
    // The cheque was in fact received on the last day of 2025.
    await owner.query(
      `update payments set received_on = '2025-12-31' where tenant_id = $1 and family_id = $2 and method = 'CHEQUE'`,
      [tenantId, family.id],
    );
    const content = (
      await owner.query(
        `select c.child_id, sum(c.amount)::int as care from charges c join services s on s.id = c.service_id
         where c.invoice_id = $1 and s.kind in ('PERISCHOOL', 'LEISURE_CENTRE', 'NURSERY', 'CHILDCARE_PLACE')
         group by c.child_id`,
        [family.invoice],
      )
    ).rows;
    expect(content.length).toBeGreaterThan(0);
    const expected = (paid: number) =>
      new Map(
        content.map((c) => [toGlobalId('Child', c.child_id), Math.floor((paid * c.care) / family.total)]),
      );

    for (const [year, paid, method] of [
      [2026, family.total - first, 'CASH'],
      [2025, first, 'CHEQUE'],
    ] as const) {
      const found = await certificates(year);
      const wanted = expected(paid);
      expect(found.map((c: any) => [c.child.id, c.amountPaid.minorUnits]).sort()).toEqual(
        [...wanted.entries()].filter(([, v]) => v > 0).sort(),
      );
      for (const certificate of found) {
        expect(certificate.payments).toEqual([
          {
            paidOn: year === 2026 ? '2026-06-15' : '2025-12-31',
            method,
            reference: expect.stringMatching(/^ref-/),
            documentNumber: family.number,
            amount: { minorUnits: certificate.amountPaid.minorUnits },
          },
        ]);
        expect(certificate.eligible).toBe(certificate.child.birthDate >= `${year - 6}-01-01`);
        expect(certificate.ageLimit).toBe(6);
      }
    }
    // Childcare only: the meals are on the invoice, not on any certificate.
    const meals = await owner.query(
      `select sum(c.amount)::int as n from charges c join services s on s.id = c.service_id where c.invoice_id = $1 and s.kind = 'CANTEEN'`,
      [family.invoice],
    );
    const certified = (await certificates(2026)).reduce(
      (s: number, c: any) => s + c.amountPaid.minorUnits,
      0,
    );
    expect(certified).toBeLessThanOrEqual(
      family.total - first - Math.floor(((family.total - first) * meals.rows[0].n) / family.total),
    );

    // The family reads its own; the PDF says the same, in French, in euros.
    const parent = await token(SLUG, Role.PARENT, toGlobalId('Family', family.id));
    const own = await certificates(2026, parent);
    expect(own.length).toBe(
      content.filter((c) => expected(family.total - first).get(toGlobalId('Child', c.child_id))! > 0).length,
    );
    const young = own.find((c: any) => c.eligible) ?? own[0];
    const pdf = await fetch(`${app.url}${young.pdfUrl}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const text = pdfText(Buffer.from(await pdf.arrayBuffer()));
    expect(text).toContain('Attestation de frais de garde');
    expect(text).toContain(young.child.firstName);
    expect(text).toContain(
      young.amountPaid.formatted.replace(/\s/g, ' ').replace(' €', '').trim().split(' ').pop(),
    );
    expect(text).toContain('espèces');
    // Another family's parent gets nothing.
    const stranger = (
      await owner.query(`select id from families where tenant_id = $1 and id <> $2 limit 1`, [
        tenantId,
        family.id,
      ])
    ).rows[0].id;
    const path = young.pdfUrl.split('?')[0];
    const refused = await fetch(`${app.url}${path}`, {
      headers: { authorization: `Bearer ${await token(SLUG, Role.PARENT, toGlobalId('Family', stranger))}` },
    });
    expect(refused.status).toBe(404);
  });

  it("lists an invoice's payments on its payment certificate, and prints it", async () => {
    const answer = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Invoice { number paymentCertificate {
         total { minorUnits } amountPaid { minorUnits } amountDue { minorUnits } paidInFull pdfUrl
         payments { paidOn method reference documentNumber amount { minorUnits } } } } } }`,
      { id: toGlobalId('Invoice', family.invoice) },
      { token: agent },
    );
    const first = Math.floor(family.total / 3);
    expect(answer.data.node.paymentCertificate).toEqual({
      total: { minorUnits: family.total },
      amountPaid: { minorUnits: family.total },
      amountDue: { minorUnits: 0 },
      paidInFull: true,
      pdfUrl: expect.stringContaining(`/documents/invoices/${family.number}/payment-certificate.pdf?`),
      payments: [
        {
          paidOn: '2025-12-31',
          method: 'CHEQUE',
          reference: 'ref-p1',
          documentNumber: family.number,
          amount: { minorUnits: first },
        },
        {
          paidOn: '2026-06-15',
          method: 'CASH',
          reference: 'ref-p2',
          documentNumber: family.number,
          amount: { minorUnits: family.total - first },
        },
      ],
    });
    const pdf = await fetch(`${app.url}${answer.data.node.paymentCertificate.pdfUrl}`);
    expect(pdf.status).toBe(200);
    const text = pdfText(Buffer.from(await pdf.arrayBuffer()));
    expect(text).toContain(`Attestation de paiement`);
    expect(text).toContain(family.number);
    expect(text).toContain('chèque');
    expect(text).toContain('ref-p1');
    expect(text).toContain('31 décembre 2025');
  });

  it('certifies net of a credit note: a paid invoice credited later never counts the credited care', async () => {
    const line = await one(
      `select l.id, l.unit_price, l.service_id from invoice_lines l join services s on s.id = l.service_id
       where l.invoice_id = $1 and s.kind in ('PERISCHOOL', 'LEISURE_CENTRE', 'NURSERY', 'CHILDCARE_PLACE')
       order by l.position limit 1`,
      [family.invoice],
    );
    const credited = await app.gql(
      `mutation($i: IssueCreditNoteInput!) { issueCreditNote(input: $i) { creditNote { number } userErrors { code message } } }`,
      {
        i: {
          invoiceId: toGlobalId('Invoice', family.invoice),
          lines: [{ lineId: toGlobalId('InvoiceLine', line.id), quantity: 1 }],
          reason: 'Journée non due',
          idempotencyKey: 'cn',
        },
      },
      { token: agent },
    );
    expect(credited.data.issueCreditNote.userErrors).toEqual([]);
    // Per child and service: billed, less the credited unit shared over that service's children (rounded up).
    const cells = (
      await owner.query(
        `select c.child_id, c.service_id, sum(c.amount)::int as amount from charges c join services s on s.id = c.service_id
         where c.invoice_id = $1 and s.kind in ('PERISCHOOL', 'LEISURE_CENTRE', 'NURSERY', 'CHILDCARE_PLACE')
         group by 1, 2`,
        [family.invoice],
      )
    ).rows;
    const base = cells.filter((c) => c.service_id === line.service_id).reduce((s, c) => s + c.amount, 0);
    const net = new Map<string, number>();
    for (const cell of cells) {
      const off = cell.service_id === line.service_id ? Math.ceil((line.unit_price * cell.amount) / base) : 0;
      const id = toGlobalId('Child', cell.child_id);
      net.set(id, (net.get(id) ?? 0) + cell.amount - off);
    }
    // Paid in full before the credit: the two years together certify exactly what the invoice bills net.
    const [y2025, y2026] = await Promise.all([certificates(2025), certificates(2026)]);
    for (const [child, amount] of net) {
      const of = (list: any[]) => list.find((c) => c.child.id === child)?.amountPaid.minorUnits ?? 0;
      expect(of(y2025) + of(y2026)).toBe(amount);
    }
  });
});
