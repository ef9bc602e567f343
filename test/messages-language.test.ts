import type { Client } from 'pg';
import { Scope } from '../src/auth/viewer';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type GraphQLResponse, type TestApp } from './support/app';
import { apiKey, seedTestTenant } from './support/tenants';

/**
 * What a family or an agent reads, over HTTP: in the tenant's language (a Saint-Nazaire copy:
 * French, Paris time) unless Accept-Language asks for English; dates and times written as people
 * write them, never an ISO date or instant; `code` and the structured fields unchanged whatever
 * the language. On Monday 7 December 2026 at 11:00 in Saint-Nazaire.
 */
describe("messages in the tenant's language and time", () => {
  const SLUG = 'test-messages-fr';
  const NOW = '2026-12-07T10:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let parent: string;
  let agent: string;
  /** A pupil aged 7 to 9 of a school with a canteen. */
  let child: { id: string; familyId: string };
  /** Tuesday 8 December's canteen (booking closed on Monday 7 at 10:00) and a summer day at the leisure centre. */
  let closedLunch: string;
  let summerDay: string;

  const RESERVE = `mutation($input: ReserveInput!) { reserve(input: $input) {
    reservations { id } userErrors { field code message reason date opensAt closesAt placesLeft } } }`;
  const SESSIONS = `query($child: ID, $from: LocalDate, $to: LocalDate) {
    sessions(first: 20, filter: { childId: $child, from: $from, to: $to }) { nodes { id date service { kind } } } }`;
  /** Every message must be for people: no ISO instant, no ISO date. */
  const ISO_INSTANT = /\d{4}-\d\d-\d\dT\d\d:/;
  const ISO_DATE = /\b\d{4}-\d\d-\d\d\b/;
  const reserve = (sessionId: string, key: string, headers: Record<string, string> = {}) =>
    app.gql(
      RESERVE,
      { input: { childId: toGlobalId('Child', child.id), sessionIds: [sessionId], idempotencyKey: key } },
      { token: parent, headers },
    );
  const reservationsOfChild = async () =>
    Number(
      (
        await owner.query(
          `select count(*)::int as n from reservations where tenant_id = $1 and child_id = $2`,
          [tenantId, child.id],
        )
      ).rows[0].n,
    );
  const messagesOf = (res: GraphQLResponse): string[] => [
    ...(res.errors ?? []).map((e) => e.message),
    ...((res.data?.reserve?.userErrors ?? []) as { message: string }[]).map((e) => e.message),
  ];

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'saint-nazaire',
      { slug: SLUG, families: 40, seed: 4242 },
      new Date(NOW),
      3,
    );
    owner = await rawClient('owner');
    const { rows } = await owner.query(
      `select c.id, c.family_id as "familyId"
       from children c join facilities f on f.tenant_id = c.tenant_id and f.id = c.school_id
       where c.tenant_id = $1 and f.kind = 'SCHOOL' and c.birth_date between '2017-06-01' and '2019-06-01'
       order by c.id limit 1`,
      [tenantId],
    );
    child = rows[0];
    app = await startTestApp();
    app.setNow(NOW);
    parent = await token(SLUG, Role.PARENT, toGlobalId('Family', child.familyId));
    agent = await token(SLUG, Role.AGENT);
    const pick = async (from: string, to: string, kind: string) => {
      const res = await app.gql(
        SESSIONS,
        { child: toGlobalId('Child', child.id), from, to },
        { token: parent },
      );
      expect(res.errors).toBeUndefined();
      return (res.data.sessions.nodes as { id: string; service: { kind: string } }[]).find(
        (s) => s.service.kind === kind,
      )!.id;
    };
    closedLunch = await pick('2026-12-08', '2026-12-08', 'CANTEEN');
    summerDay = await pick('2027-07-07', '2027-07-09', 'LEISURE_CENTRE');
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('refuses a closed booking in French by default, in Saint-Nazaire time, its fields machine-readable', async () => {
    const before = await reservationsOfChild();
    const res = await reserve(closedLunch, 'fr-closed');
    expect(res.data.reserve).toEqual({
      reservations: [],
      userErrors: [
        {
          field: ['sessionIds', '0'],
          code: 'CLOSED',
          message: 'La réservation pour le mardi 8 décembre 2026 a fermé le lundi 7 décembre 2026 à 10 h.',
          reason: 'BOOKING_WINDOW',
          date: '2026-12-08',
          opensAt: null,
          closesAt: '2026-12-07T09:00:00.000Z',
          placesLeft: expect.any(Number),
        },
      ],
    });
    expect(messagesOf(res).some((m) => ISO_INSTANT.test(m) || ISO_DATE.test(m))).toBe(false);
    expect(await reservationsOfChild()).toBe(before);
  });

  it('says when booking opens, in French, and in English when Accept-Language asks for it', async () => {
    const before = await reservationsOfChild();
    const fr = await reserve(summerDay, 'fr-not-open');
    const en = await reserve(summerDay, 'en-not-open', { 'accept-language': 'en-GB,en;q=0.9' });
    const us = await reserve(summerDay, 'us-not-open', { 'accept-language': 'en-US' });
    // A language the catalogue does not speak: the tenant's.
    const de = await reserve(summerDay, 'de-not-open', { 'accept-language': 'de-DE, de;q=0.9' });
    const error = (res: GraphQLResponse) => res.data.reserve.userErrors[0];
    expect(error(fr).message).toBe('La réservation ouvre le vendredi 4 juin 2027 à 12 h 30.');
    expect(error(en).message).toBe('Booking opens on Friday 4 June 2027 at 12:30.');
    expect(error(us).message).toBe('Booking opens on Friday, June 4, 2027 at 12:30 PM.');
    expect(error(de).message).toBe(error(fr).message);
    for (const res of [fr, en, us, de]) {
      expect(error(res)).toMatchObject({
        code: 'NOT_OPEN',
        reason: 'BOOKING_WINDOW',
        opensAt: '2027-06-04T10:30:00.000Z',
      });
      expect(messagesOf(res).some((m) => ISO_INSTANT.test(m) || ISO_DATE.test(m))).toBe(false);
    }
    expect(await reservationsOfChild()).toBe(before);
  });

  it('words why a listed session cannot be booked, as reserve would, and nothing when it can', async () => {
    const LIST = `query($child: ID) { sessions(first: 10, filter: { childId: $child, from: "2026-12-08", to: "2026-12-10" }) {
      nodes { id date service { kind } bookingStatus booking { status reason closesAt message } } } }`;
    const variables = { child: toGlobalId('Child', child.id) };
    const fr = await app.gql(LIST, variables, { token: parent });
    const en = await app.gql(LIST, variables, { token: parent, headers: { 'accept-language': 'en' } });
    type Node = { id: string; date: string; service: { kind: string }; bookingStatus: string; booking: any };
    const lunch = (res: GraphQLResponse, date: string) =>
      (res.data.sessions.nodes as Node[]).find((n) => n.date === date && n.service.kind === 'CANTEEN')!;
    expect(lunch(fr, '2026-12-08')).toMatchObject({
      id: closedLunch,
      bookingStatus: 'CLOSED',
      booking: {
        status: 'CLOSED',
        reason: 'BOOKING_WINDOW',
        closesAt: '2026-12-07T09:00:00.000Z',
        message: 'La réservation pour le mardi 8 décembre 2026 a fermé le lundi 7 décembre 2026 à 10 h.',
      },
    });
    expect(lunch(en, '2026-12-08').booking.message).toBe(
      'Booking for Tuesday 8 December 2026 closed on Monday 7 December 2026 at 10:00.',
    );
    // Thursday 10th closes on Wednesday 9th at 10:00: open, nothing to explain.
    expect(lunch(fr, '2026-12-10').booking).toMatchObject({ status: 'OPEN', reason: null, message: null });
  });

  it('words a replayed refusal again, in the language of the replay', async () => {
    const first = await reserve(closedLunch, 'replay-closed');
    const replay = await reserve(closedLunch, 'replay-closed', { 'accept-language': 'en' });
    expect(first.data.reserve.userErrors[0].message).toMatch(/^La réservation pour le mardi 8 décembre 2026/);
    expect(replay.data.reserve.userErrors).toEqual([
      {
        ...first.data.reserve.userErrors[0],
        message: 'Booking for Tuesday 8 December 2026 closed on Monday 7 December 2026 at 10:00.',
      },
    ]);
    const keys = await owner.query(
      `select count(*)::int as n from idempotency_keys where tenant_id = $1 and key = $2`,
      [tenantId, 'replay-closed'],
    );
    expect(keys.rows[0].n).toBe(1);
  });

  it('names the role or scope a field needs, in French, and in English on request', async () => {
    const query = '{ families(first: 1) { totalCount } }';
    const fr = await app.gql(query, {}, { token: parent });
    const en = await app.gql(query, {}, { token: parent, headers: { 'accept-language': 'en' } });
    for (const res of [fr, en]) {
      expect(res.errors?.[0].extensions).toMatchObject({
        code: 'FORBIDDEN',
        field: 'Query.families',
        requiredRoles: ['AGENT', 'TENANT_ADMIN'],
        requiredScopes: ['families:read'],
      });
    }
    expect(fr.errors?.[0].message).toBe(
      '`Query.families` demande le rôle AGENT ou TENANT_ADMIN ou une clé d’API avec la portée families:read.',
    );
    expect(en.errors?.[0].message).toBe(
      '`Query.families` needs the role AGENT or TENANT_ADMIN, or an API key with the scope families:read.',
    );
  });

  it('writes dates of top-level errors and of roll calls as people read them', async () => {
    const counts = await app.gql(
      'query($from: LocalDate, $to: LocalDate) { mealCounts(from: $from, to: $to) { count } }',
      { from: '2026-12-01', to: '2027-01-31' },
      { token: agent },
    );
    expect(counts.errors?.[0]).toMatchObject({
      message: 'Au plus 31 jours par requête : « to » doit être au plus tard le jeudi 31 décembre 2026.',
      extensions: { code: 'BAD_USER_INPUT', field: ['to'] },
    });
    const roll = await app.gql(
      `mutation($input: RecordAttendanceInput!) { recordAttendance(input: $input) { userErrors { code message date } } }`,
      {
        input: {
          sessionId: summerDay,
          present: [toGlobalId('Child', child.id)],
          absent: [],
          idempotencyKey: 'roll-early',
        },
      },
      { token: agent },
    );
    expect(roll.data.recordAttendance.userErrors).toEqual([
      {
        code: 'NOT_OPEN',
        message: 'L’appel du mercredi 7 juillet 2027 s’ouvre ce jour-là.',
        date: '2027-07-07',
      },
    ]);
    for (const message of [...messagesOf(counts), roll.data.recordAttendance.userErrors[0].message]) {
      expect(message).not.toMatch(ISO_DATE);
    }
  });

  it("speaks Québec's French to a Québec caller", async () => {
    const res = await app.gql(
      '{ tenants { slug configuration { operatingMode } } }',
      {},
      { token: await token('quebec', Role.AGENT) },
    );
    const refused = res.errors?.find((e) => e.extensions?.code === 'FORBIDDEN');
    expect(refused?.message).toBe(
      'Seuls ceux qui agissent pour cette organisation peuvent lire sa configuration.',
    );
  });

  it("tells a multi-tenant API key without X-Tenant which tenants it may choose, in the caller's language", async () => {
    const [{ id: nimes }] = (await owner.query(`select id from tenants where slug = 'nimes'`)).rows;
    const key = await apiKey([tenantId, nimes], [Scope.CATALOG_READ], 'Menus vendor (messages test)');
    const query = '{ tenant { slug } }';
    const en = await app.gql(query, {}, { token: key });
    const fr = await app.gql(query, {}, { token: key, headers: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    for (const res of [en, fr]) {
      expect(res.status).toBe(401);
      expect(res.errors?.[0].extensions).toEqual({
        code: 'UNAUTHENTICATED',
        reason: 'TENANT_REQUIRED',
        tenants: expect.arrayContaining([SLUG, 'nimes']),
      });
    }
    expect(en.errors?.[0].message).toMatch(
      /^This API key serves several tenants: choose one with the X-Tenant header: (nimes or test-messages-fr|test-messages-fr or nimes)\.$/,
    );
    expect(fr.errors?.[0].message).toMatch(
      /^Cette clé d’API sert plusieurs collectivités : choisissez-en une avec l’en-tête X-Tenant : (nimes|test-messages-fr) ou (nimes|test-messages-fr)\.$/,
    );
    const chosen = await app.gql(query, {}, { token: key, headers: { 'x-tenant': SLUG } });
    expect(chosen.data.tenant.slug).toBe(SLUG);
  });
});
