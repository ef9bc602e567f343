import { startTestApp, token, Role, type TestApp } from './support/app';

/** The foundation's API, spoken to over HTTP as a front end or vendor script would. */
describe('GraphQL API', () => {
  let app: TestApp;
  let nimesAgent: string;
  let beziersAgent: string;

  beforeAll(async () => {
    app = await startTestApp();
    nimesAgent = await token('nimes', Role.AGENT);
    beziersAgent = await token('beziers', Role.AGENT);
  });
  afterAll(() => app.close());

  const firstFamily = async (agentToken: string) => {
    const res = await app.gql(
      '{ families(first: 1) { nodes { id name children { id } } } }',
      {},
      { token: agentToken },
    );
    return res.data!.families.nodes[0] as { id: string; name: string; children: { id: string }[] };
  };

  describe('public directory', () => {
    it('lists the four demo tenants with their mode and notice, without a token', async () => {
      const res = await app.gql('{ tenants { slug name operatingMode publicNotice currency timeZone } }');
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
      const tenants = res.data!.tenants as {
        slug: string;
        operatingMode: string;
        publicNotice: string | null;
      }[];
      // Other suites may add tenants of their own (the billing suite does): the four demo ones are there.
      const demo = ['beziers', 'nimes', 'quebec', 'saint-nazaire'];
      expect(tenants.map((t) => t.slug).filter((slug) => demo.includes(slug))).toEqual(demo);
      expect(tenants.find((t) => t.slug === 'nimes')).toMatchObject({ operatingMode: 'WALK_IN' });
      expect(tenants.find((t) => t.slug === 'nimes')!.publicNotice).toMatch(/sans réservation/);
      expect(tenants.find((t) => t.slug === 'quebec')).toMatchObject({
        currency: 'CAD',
        timeZone: 'America/Toronto',
      });
    });

    it("does not show a tenant's configuration to anonymous callers or to other tenants", async () => {
      // Anonymous: the operation is refused before it runs (nothing read), the directory alone works.
      const anonymous = await app.gql('{ tenants { slug configuration { billingSuspended } } }');
      expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(anonymous.data).toBeUndefined();
      const directory = await app.gql('{ tenants { slug } }');
      expect(directory.data!.tenants.length).toBeGreaterThanOrEqual(4);

      const res = await app.gql(
        '{ tenants { slug configuration { billingSuspended } } }',
        {},
        { token: nimesAgent },
      );
      const codes = res.errors!.map((e) => e.extensions?.code);
      expect(new Set(codes)).toEqual(new Set(['FORBIDDEN']));
      // Every tenant but Nîmes is refused.
      expect(res.errors).toHaveLength(res.data!.tenants.length - 1);
    });

    it("shows the caller's own tenant configuration", async () => {
      const res = await app.gql(
        '{ tenant { slug configuration { billingSuspended billingSuspendedSince cancellationNoticeDays counterPaymentMethods instalmentMinAmount { amount currency formatted } } } }',
        {},
        { token: await token('saint-nazaire', Role.AGENT) },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.tenant).toEqual({
        slug: 'saint-nazaire',
        configuration: {
          billingSuspended: true,
          billingSuspendedSince: '2026-03-01',
          cancellationNoticeDays: 15,
          counterPaymentMethods: ['CASH', 'CHEQUE', 'CARD'],
          instalmentMinAmount: {
            amount: 1000,
            currency: 'EUR',
            formatted: expect.stringMatching(/^10,00\s€$/),
          },
        },
      });
    });
  });

  describe('authentication', () => {
    it('gives anonymous callers only the directory', async () => {
      const res = await app.gql('{ families { totalCount } }');
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      // Refused before execution: no data entry at all (GraphQL spec, request errors).
      expect(res.data).toBeUndefined();
      const viewer = await app.gql('{ viewer { kind roles tenant { slug } } }');
      expect(viewer.data!.viewer).toEqual({ kind: 'ANONYMOUS', roles: [], tenant: null });
    });

    it('refuses a forged, expired or malformed token with 401 UNAUTHENTICATED', async () => {
      const good = await token('nimes', Role.AGENT);
      const forged = good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      const expired = await token('nimes', Role.AGENT, undefined, '-1m');
      for (const bad of [forged, expired, 'not-a-jwt']) {
        const res = await app.gql('{ viewer { kind } }', {}, { token: bad });
        expect(res.status).toBe(401);
        expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      }
      const expiredRes = await app.gql('{ viewer { kind } }', {}, { token: expired });
      expect(expiredRes.errors?.[0].message).toMatch(/expired/);
    });

    it('refuses a parent token without a family, or for an unknown tenant', async () => {
      for (const bad of [await token('nimes', Role.PARENT), await token('atlantis', Role.AGENT)]) {
        const res = await app.gql('{ viewer { kind } }', {}, { token: bad });
        expect(res.status).toBe(401);
      }
    });

    it('tells who the viewer is', async () => {
      const res = await app.gql(
        '{ viewer { kind roles scopes tenant { slug } family { id } } }',
        {},
        { token: nimesAgent },
      );
      expect(res.data!.viewer).toEqual({
        kind: 'PERSON',
        roles: ['AGENT'],
        scopes: [],
        tenant: { slug: 'nimes' },
        family: null,
      });
    });
  });

  describe('families', () => {
    it('lets an agent page through the families of their tenant', async () => {
      const page1 = await app.gql(
        'query($after: String) { families(first: 25, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name } } } }',
        {},
        { token: nimesAgent },
      );
      const families = page1.data!.families;
      expect(families.totalCount).toBe(320);
      expect(families.edges).toHaveLength(25);
      expect(families.pageInfo.hasNextPage).toBe(true);
      const page2 = await app.gql(
        'query($after: String) { families(first: 25, after: $after) { pageInfo { hasPreviousPage } nodes { id name } } }',
        { after: families.pageInfo.endCursor },
        { token: nimesAgent },
      );
      const ids1 = families.edges.map((e: { node: { id: string } }) => e.node.id);
      const ids2 = page2.data!.families.nodes.map((n: { id: string }) => n.id);
      expect(ids2).toHaveLength(25);
      expect(ids1.filter((id: string) => ids2.includes(id))).toEqual([]);
      const names = [
        ...families.edges.map((e: { node: { name: string } }) => e.node.name),
        ...page2.data!.families.nodes.map((n: { name: string }) => n.name),
      ];
      expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    });

    it('defaults to 20 per page and refuses more than 100 or a bad cursor', async () => {
      const defaults = await app.gql('{ families { nodes { id } } }', {}, { token: nimesAgent });
      expect(defaults.data!.families.nodes).toHaveLength(20);
      const tooMany = await app.gql('{ families(first: 101) { nodes { id } } }', {}, { token: nimesAgent });
      expect(tooMany.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: ['first'] });
      const badCursor = await app.gql(
        '{ families(after: "garbage") { nodes { id } } }',
        {},
        { token: nimesAgent },
      );
      expect(badCursor.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const facilities = await app.gql(
        '{ facilities(first: 1) { pageInfo { endCursor } } }',
        {},
        { token: nimesAgent },
      );
      const foreign = await app.gql(
        'query($after: String) { families(after: $after) { nodes { id } } }',
        { after: facilities.data!.facilities.pageInfo.endCursor },
        { token: nimesAgent },
      );
      expect(foreign.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: ['after'] });
    });

    it('searches names and guardians case-insensitively', async () => {
      const res = await app.gql(
        '{ families(first: 100, search: "MARTIN") { totalCount nodes { name guardians { lastName } } } }',
        {},
        { token: nimesAgent },
      );
      const { totalCount, nodes } = res.data!.families;
      expect(totalCount).toBeGreaterThan(0);
      expect(totalCount).toBeLessThan(320);
      for (const node of nodes) expect(JSON.stringify(node).toLowerCase()).toContain('martin');
      // Only values are searched, not the JSON keys of the guardians.
      const keys = await app.gql('{ families(search: "email") { totalCount } }', {}, { token: nimesAgent });
      expect(keys.data!.families.totalCount).toBe(0);
      const none = await app.gql(
        '{ families(search: "100%_sure") { totalCount } }',
        {},
        { token: nimesAgent },
      );
      expect(none.data!.families.totalCount).toBe(0);
    });

    it("cannot read another tenant's family by its real ID", async () => {
      const beziersFamily = await firstFamily(beziersAgent);
      const asBeziers = await app.gql(
        'query($id: ID!) { family(id: $id) { name } }',
        { id: beziersFamily.id },
        { token: beziersAgent },
      );
      expect(asBeziers.data!.family.name).toBe(beziersFamily.name);

      const asNimes = await app.gql(
        'query($id: ID!) { family(id: $id) { name } }',
        { id: beziersFamily.id },
        { token: nimesAgent },
      );
      expect(asNimes.data!.family).toBeNull();
      expect(asNimes.errors?.[0].extensions?.code).toBe('NOT_FOUND');

      const viaNode = await app.gql(
        'query($id: ID!) { node(id: $id) { id } }',
        { id: beziersFamily.id },
        { token: nimesAgent },
      );
      expect(viaNode.data!.node).toBeNull();
      expect(viaNode.errors?.[0].extensions?.code).toBe('NOT_FOUND');

      const child = beziersFamily.children[0].id;
      const childNode = await app.gql(
        'query($id: ID!) { node(id: $id) { id } }',
        { id: child },
        { token: nimesAgent },
      );
      expect(childNode.data!.node).toBeNull();
    });

    it('lets a parent see their own family only', async () => {
      const [own, other] = (
        await app.gql('{ families(first: 2) { nodes { id name } } }', {}, { token: beziersAgent })
      ).data!.families.nodes;
      const parent = await token('beziers', Role.PARENT, own.id);
      const viewer = await app.gql(
        '{ viewer { family { id name children { firstName family { id } } } } }',
        {},
        { token: parent },
      );
      expect(viewer.data!.viewer.family.id).toBe(own.id);
      expect(viewer.data!.viewer.family.children[0].family.id).toBe(own.id);

      const byId = await app.gql(
        'query($id: ID!) { family(id: $id) { name } }',
        { id: own.id },
        { token: parent },
      );
      expect(byId.data!.family.name).toBe(own.name);
      const otherById = await app.gql(
        'query($id: ID!) { family(id: $id) { name } }',
        { id: other.id },
        { token: parent },
      );
      expect(otherById.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const list = await app.gql('{ families { totalCount } }', {}, { token: parent });
      expect(list.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });

    it('resolves every node type through node(id:) and refuses IDs of the wrong type or made up', async () => {
      const family = await firstFamily(nimesAgent);
      const res = await app.gql(
        'query($id: ID!) { node(id: $id) { __typename id ... on Family { name } } }',
        { id: family.id },
        { token: nimesAgent },
      );
      expect(res.data!.node).toEqual({ __typename: 'Family', id: family.id, name: family.name });

      const wrongType = await app.gql(
        'query($id: ID!) { family(id: $id) { name } }',
        { id: family.children[0].id },
        { token: nimesAgent },
      );
      expect(wrongType.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: ['id'] });
      const madeUp = await app.gql(
        '{ family(id: "Family_AAAAAAAAAAAAAAAAAAAAAA") { name } }',
        {},
        { token: nimesAgent },
      );
      expect(madeUp.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('catalog', () => {
    it('lists the 83 Nîmes schools with their canteen and its price grid', async () => {
      const res = await app.gql(
        `{ facilities(first: 100, kind: SCHOOL) { totalCount nodes { name kind services { kind operatingMode
            bookingPolicy { closesAtTime closesOnWorkingDays cancellationNoticeDays }
            priceGrid { minQuotient maxQuotient unitPrice { amount currency } }
            low: unitPrice(familyQuotient: 300) { amount } high: unitPrice(familyQuotient: 5000) { amount } none: unitPrice { amount } } } } }`,
        {},
        { token: nimesAgent },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.facilities.totalCount).toBe(83);
      const canteen = res.data!.facilities.nodes[0].services[0];
      expect(canteen).toMatchObject({
        kind: 'CANTEEN',
        operatingMode: 'WALK_IN',
        bookingPolicy: { closesAtTime: '10:00', closesOnWorkingDays: true, cancellationNoticeDays: 1 },
        low: { amount: 100 },
        high: { amount: 370 },
        none: { amount: 370 },
      });
      expect(canteen.priceGrid).toHaveLength(4);
      expect(canteen.priceGrid[0]).toEqual({
        minQuotient: 0,
        maxQuotient: 400,
        unitPrice: { amount: 100, currency: 'EUR' },
      });
    });

    it('prices in the tenant currency and has no grid before its validity', async () => {
      const res = await app.gql(
        '{ services(first: 1) { nodes { kind unitPrice { amount currency formatted } before: unitPrice(on: "2020-01-01") { amount } } } }',
        {},
        { token: await token('quebec', Role.AGENT) },
      );
      expect(res.data!.services.nodes[0]).toEqual({
        kind: 'CHILDCARE_PLACE',
        unitPrice: { amount: 935, currency: 'CAD', formatted: expect.stringMatching(/9,35\s\$/) },
        before: null,
      });
    });

    it('filters sessions by service, dates and availability', async () => {
      const services = await app.gql(
        '{ services(first: 1, kind: LEISURE_CENTRE) { nodes { id name } } }',
        {},
        {
          token: await token(
            'saint-nazaire',
            Role.PARENT,
            (await firstFamily(await token('saint-nazaire', Role.AGENT))).id,
          ),
        },
      );
      const serviceId = services.data!.services.nodes[0].id;
      const res = await app.gql(
        `query($f: SessionFilter) { sessions(first: 100, filter: $f) { totalCount nodes { date period capacity placesTaken placesLeft service { id } facility { kind } } } }`,
        { f: { serviceId, from: '2027-07-12', to: '2027-07-16', onlyAvailable: true } },
        { token: await token('saint-nazaire', Role.AGENT) },
      );
      expect(res.errors).toBeUndefined();
      // Monday to Friday but Wednesday 14 July, the fête nationale: the leisure centre is closed.
      expect(res.data!.sessions.totalCount).toBe(4);
      expect(res.data!.sessions.nodes.map((s: { date: string }) => s.date)).not.toContain('2027-07-14');
      for (const s of res.data!.sessions.nodes) {
        expect(s.date >= '2027-07-12' && s.date <= '2027-07-16').toBe(true);
        expect(s).toMatchObject({
          period: 'FULL_DAY',
          placesTaken: 0,
          placesLeft: s.capacity,
          service: { id: serviceId },
          facility: { kind: 'LEISURE_CENTRE' },
        });
      }
      const reversed = await app.gql(
        `query($f: SessionFilter) { sessions(filter: $f) { totalCount } }`,
        { f: { from: '2027-07-16', to: '2027-07-12' } },
        { token: await token('saint-nazaire', Role.AGENT) },
      );
      expect(reversed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('errors', () => {
    it('never shows internal details', async () => {
      const res = await app.gql('{ doesNotExist }', {}, { token: nimesAgent });
      expect(res.status).toBe(400);
      expect(res.errors?.[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
      expect(JSON.stringify(res)).not.toMatch(/stacktrace|node_modules|at .*\.js/);
    });

    it('refuses queries deeper than the limit', async () => {
      let selection = 'name';
      for (let i = 0; i < 6; i++) selection = `children { family { ${selection} } }`;
      const deep = `{ families { nodes { ${selection} } } }`;
      const res = await app.gql(deep, {}, { token: nimesAgent });
      expect(res.errors?.[0].message).toMatch(/depth/i);
      expect(res.data).toBeUndefined();
    });
  });
});
