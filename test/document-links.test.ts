import { DOCUMENT_LINK_TTL_SECONDS, DocumentLinks } from '../src/auth/document-links';
import { ANONYMOUS, Scope } from '../src/auth/viewer';
import { Role, startTestApp, token, type TestApp } from './support/app';
import { apiKey, partOfCatalogue, seedTestTenant } from './support/tenants';

/**
 * `Invoice.pdfUrl` and `treasuryCsvUrl` give links that work in an `<a href>`, without an
 * Authorization header, for ten minutes, for one document of one tenant, given only to a viewer
 * who may read it; anything else about a link answers 403 and tells nothing of the document.
 */
describe('signed document links', () => {
  const SLUG = 'test-links';
  const NOW = '2026-05-18T08:00:00.000Z';
  let app: TestApp;
  let agent: string;
  let tenantId: string;
  /** Two families' catch-up invoices: [family id, invoice id, number]. */
  let invoices: { familyId: string; id: string; number: string }[];

  const INVOICE = `query($id: ID!) { node(id: $id) { ... on Invoice { number pdfUrl } } }`;
  const linkOf = async (invoiceId: string, bearer: string) =>
    (await app.gql(INVOICE, { id: invoiceId }, { token: bearer })).data?.node?.pdfUrl as string | undefined;
  const open = (link: string) => fetch(`${app.url}${link}`);
  const refusal = async (response: Response) => ({
    status: response.status,
    body: (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] },
  });
  /** The link with one query parameter replaced. */
  const withParam = (link: string, name: string, value: string) => {
    const url = new URL(link, 'http://x');
    url.searchParams.set(name, value);
    return `${url.pathname}${url.search}`;
  };

  beforeAll(async () => {
    // Billing suspended since March with canteen meals eaten: resuming issues one catch-up
    // invoice per family that ate.
    tenantId = await seedTestTenant(
      'saint-nazaire',
      {
        slug: SLUG,
        families: 4,
        seed: 6060,
        childAges: [6, 9],
        canteenHistorySince: '2026-03-02',
        catalogue: partOfCatalogue('saint-nazaire', [
          { kind: 'SCHOOL', name: 'École des Liens', capacity: 200 },
        ]),
        networkServices: [],
      },
      new Date(NOW),
      1,
    );
    app = await startTestApp();
    app.setNow(NOW);
    agent = await token(SLUG, Role.AGENT);
    const admin = await token(SLUG, Role.TENANT_ADMIN);
    const resumed = await app.gql(
      `mutation($i: ResumeBillingInput!) { resumeBilling(input: $i) { billingRun { invoicesCreated } userErrors { code message } } }`,
      { i: { idempotencyKey: 'links-resume', through: '2026-04-30' } },
      { token: admin },
    );
    expect(resumed.data.resumeBilling.userErrors).toEqual([]);
    const listed = await app.gql(
      '{ invoices(first: 10) { nodes { id number family { id } } } }',
      {},
      { token: agent },
    );
    invoices = listed.data.invoices.nodes.map((i: any) => ({
      id: i.id,
      number: i.number,
      familyId: i.family.id,
    }));
    expect(invoices.length).toBeGreaterThanOrEqual(2);
  });
  afterAll(async () => {
    app.setNow(null);
    await app.close();
  });

  it('opens the PDF without any header, in the tenant and for the invoice it was made for', async () => {
    const [mine] = invoices;
    const parent = await token(SLUG, Role.PARENT, mine.familyId);
    const link = (await linkOf(mine.id, parent))!;
    expect(link).toMatch(
      new RegExp(
        `^/documents/invoices/${mine.number}\\.pdf\\?expires=\\d+&tenant=${SLUG}&reader=[\\w-]{22}&sig=[\\w-]{43}$`,
      ),
    );
    expect(Number(new URL(link, 'http://x').searchParams.get('expires'))).toBe(
      Date.parse(NOW) / 1000 + DOCUMENT_LINK_TTL_SECONDS,
    );
    const pdf = await open(link);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('cache-control')).toBe('private, no-store');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    // The path without its signature still needs a token.
    expect((await open(link.split('?')[0])).status).toBe(401);
  });

  it('refuses it once expired, with a clear 403', async () => {
    const link = (await linkOf(invoices[0].id, agent))!;
    app.setNow(new Date(Date.parse(NOW) + (DOCUMENT_LINK_TTL_SECONDS - 1) * 1000));
    expect((await open(link)).status).toBe(200);
    app.setNow(new Date(Date.parse(NOW) + DOCUMENT_LINK_TTL_SECONDS * 1000));
    const expired = await refusal(await open(link));
    app.setNow(NOW);
    expect(expired.status).toBe(403);
    expect(expired.body.errors[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'LINK_EXPIRED' });
    expect(expired.body.errors[0].message).toMatch(/expired.*new one/);
  });

  it('refuses a tampered link, or one made for another invoice or tenant, without telling whether the document exists', async () => {
    const [first, second] = invoices;
    const link = (await linkOf(first.id, agent))!;
    const sig = new URL(link, 'http://x').searchParams.get('sig')!;
    const flipped = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    const later = String(Math.floor(Date.parse(NOW) / 1000) + 86400);
    const tampered = [
      withParam(link, 'sig', flipped),
      withParam(link, 'expires', later),
      withParam(link, 'reader', 'A'.repeat(22)),
      // Another tenant where the same number exists, or not.
      withParam(link, 'tenant', 'saint-nazaire'),
      withParam(link, 'tenant', 'beziers'),
      // Another invoice of the tenant (another family's), an invoice that does not exist.
      link.replace(first.number, second.number),
      link.replace(first.number, 'F2099-999999'),
      // A link cut short, or with extra noise in its fields.
      link.replace(/&sig=.*$/, ''),
      withParam(link, 'sig', `${sig}=`),
      withParam(link, 'expires', '-1'),
      withParam(link, 'tenant', 'TEST-LINKS'),
      `${link}&sig=${sig}`,
    ];
    const answers = [];
    for (const url of tampered) answers.push(await refusal(await open(url)));
    for (const answer of answers) {
      expect(answer).toEqual({
        status: 403,
        body: {
          errors: [
            {
              message:
                'This document link is not valid: use it exactly as the API gave it, before it expires.',
              extensions: { code: 'FORBIDDEN', reason: 'LINK_INVALID' },
            },
          ],
        },
      });
    }
  });

  it("is given to a parent for their own family's invoice only, and bound to who asked", async () => {
    const [mine, theirs] = invoices;
    const parent = await token(SLUG, Role.PARENT, mine.familyId);
    expect(await linkOf(theirs.id, parent)).toBeUndefined();
    const listed = await app.gql(
      'query($f: ID!) { invoices(first: 10, filter: { familyId: $f }) { nodes { number pdfUrl } } }',
      { f: theirs.familyId },
      { token: parent },
    );
    expect(listed.data?.invoices?.nodes ?? []).toEqual([]);
    const own = await app.gql(
      'query($f: ID!) { invoices(first: 10, filter: { familyId: $f }) { nodes { number pdfUrl } } }',
      { f: mine.familyId },
      { token: parent },
    );
    expect(own.data.invoices.nodes.map((n: any) => n.number)).toContain(mine.number);
    // One reader hash per principal: the parent's link and the agent's name different readers.
    const reader = (link: string) => new URL(link, 'http://x').searchParams.get('reader');
    const parentLink = (await linkOf(mine.id, parent))!;
    expect(reader(parentLink)).toBe(reader((await linkOf(mine.id, parent))!));
    expect(reader(parentLink)).not.toBe(reader((await linkOf(mine.id, agent))!));
    // A bearer token, when sent, decides instead of the link: another parent's gets nothing.
    const other = await token(SLUG, Role.PARENT, theirs.familyId);
    const withHeader = await fetch(`${app.url}${parentLink}`, {
      headers: { authorization: `Bearer ${other}` },
    });
    expect(withHeader.status).toBe(404);
  });

  it('gives billing readers a signed link to the treasury CSV, in the format asked', async () => {
    const URL_OF = 'query($p: YearMonth!, $f: TreasuryCsvFormat) { treasuryCsvUrl(period: $p, format: $f) }';
    const key = await apiKey([tenantId], [Scope.BILLING_READ]);
    for (const bearer of [agent, key]) {
      const scripts = (await app.gql(URL_OF, { p: '2026-05', f: 'RFC4180' }, { token: bearer })).data
        .treasuryCsvUrl as string;
      expect(scripts).toMatch(/^\/documents\/treasury\/2026-05\.csv\?format=rfc4180&expires=/);
      const csv = await open(scripts);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
      expect((await csv.text()).split('\r\n')[0]).toMatch(/^type,numéro,date,/);
      // The format is part of what was signed; so is the month.
      expect((await open(scripts.replace('format=rfc4180', 'format=spreadsheet'))).status).toBe(403);
      expect((await open(scripts.replace('2026-05', '2026-04'))).status).toBe(403);
      const people = (await app.gql(URL_OF, { p: '2026-05' }, { token: bearer })).data.treasuryCsvUrl;
      expect(people).toContain('format=spreadsheet');
      expect((await open(people)).headers.get('content-type')).toBe('text/csv; charset=utf-8');
    }
    const parent = await token(SLUG, Role.PARENT, invoices[0].familyId);
    const refused = await app.gql(URL_OF, { p: '2026-05' }, { token: parent });
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('answers odd signature parameters with 403, never a 5xx', async () => {
    const odd = [
      'sig=',
      'sig=%00&expires=%00&tenant=%00&reader=%00',
      `sig=${'a'.repeat(43)}&expires=99999999999999999999&tenant=${SLUG}&reader=${'a'.repeat(22)}`,
      `sig=${'a'.repeat(43)}&expires=1&tenant=${SLUG}&reader=${'a'.repeat(22)}`,
      `sig=${'a'.repeat(5000)}`,
      'sig=1&sig=2',
      'sig=%ED%A0%80',
    ];
    for (const query of odd) {
      for (const path of [
        `/documents/invoices/${invoices[0].number}.pdf`,
        '/documents/treasury/2026-05.csv',
      ]) {
        const response = await fetch(`${app.url}${path}?${query}`);
        expect([path, query, response.status]).toEqual([path, query, 403]);
      }
    }
    // A document route that cannot name a document is refused the same way.
    expect((await fetch(`${app.url}/documents/invoices/%00.pdf?sig=x`)).status).toBe(403);
  });

  it('makes absolute links when the server knows its public URL', () => {
    const links = new DocumentLinks(
      'a secret of at least thirty-two characters',
      'https://api.example/guichet',
    );
    const link = links.sign({
      path: '/documents/invoices/F1.pdf',
      tenant: 'nimes',
      viewer: ANONYMOUS,
      now: new Date(),
    });
    expect(link).toMatch(/^https:\/\/api\.example\/guichet\/documents\/invoices\/F1\.pdf\?expires=/);
    // Keys derived from another secret do not accept it.
    const url = new URL(link);
    const params = Object.fromEntries(url.searchParams);
    expect(() =>
      new DocumentLinks('another secret of at least thirty-two chars').verify(
        '/documents/invoices/F1.pdf',
        {},
        params,
        new Date(),
      ),
    ).toThrow(/not valid/);
    expect(links.verify('/documents/invoices/F1.pdf', {}, params, new Date()).tenant).toBe('nimes');
  });
});
